import type { RetryOptions } from './types.ts'

/** The retry policy with every default filled in. */
export interface RetryPolicy {
  /** Attempts in total, the first included. */
  readonly limit: number
  /** Wait before the first retry, doubled for each further one. */
  readonly backoffBaseMs: number
  /** Upper bound of one computed wait. */
  readonly maxBackoffMs: number
  /** Jitter fraction, 0 for none. */
  readonly jitter: number
  /** Cap on a server-given `Retry-After`. */
  readonly maxRetryAfterMs: number
  /** Statuses retried. */
  readonly statusCodes: ReadonlySet<number>
  /** Whether network errors are retried. */
  readonly retryOnNetworkError: boolean
  /** Whether timeouts are retried. */
  readonly retryOnTimeout: boolean
}

/** Defaults of {@link RetryOptions}, as ARCHITECTURE.md "HTTP" fixes them. */
export const DEFAULT_RETRY: Required<RetryOptions> = {
  limit: 3,
  backoffBaseMs: 1000,
  maxBackoffMs: 30_000,
  jitter: true,
  maxRetryAfterMs: 60_000,
  statusCodes: [408, 429, 500, 502, 503, 504],
  retryOnNetworkError: true,
  retryOnTimeout: true,
}

const DEFAULT_JITTER = 0.2

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`retry.${name} must be a finite number >= 0, got ${String(value)}`)
  }
  return value
}

/** Merges retry options (client level, then request level) over the defaults and validates them. */
export function resolveRetryPolicy(...layers: readonly (RetryOptions | false | undefined)[]): RetryPolicy {
  const merged: Required<RetryOptions> = { ...DEFAULT_RETRY }
  for (const layer of layers) {
    if (layer === false) merged.limit = 1
    else if (layer) {
      for (const [key, value] of Object.entries(layer)) {
        if (value !== undefined) (merged as Record<string, unknown>)[key] = value
      }
    }
  }
  if (!Number.isInteger(merged.limit) || merged.limit < 1) {
    throw new RangeError(`retry.limit must be an integer >= 1 (attempts in total), got ${String(merged.limit)}`)
  }
  const jitter = merged.jitter === true ? DEFAULT_JITTER : merged.jitter === false ? 0 : merged.jitter
  if (!Number.isFinite(jitter) || jitter < 0 || jitter > 1) {
    throw new RangeError(`retry.jitter must be a boolean or a fraction between 0 and 1, got ${String(jitter)}`)
  }
  return {
    limit: merged.limit,
    backoffBaseMs: nonNegative('backoffBaseMs', merged.backoffBaseMs),
    maxBackoffMs: nonNegative('maxBackoffMs', merged.maxBackoffMs),
    jitter,
    maxRetryAfterMs: nonNegative('maxRetryAfterMs', merged.maxRetryAfterMs),
    statusCodes: new Set(merged.statusCodes),
    retryOnNetworkError: merged.retryOnNetworkError,
    retryOnTimeout: merged.retryOnTimeout,
  }
}

/**
 * The computed wait after failed attempt number `attempt` (1-based): base × 2^(attempt−1),
 * capped at `maxBackoffMs`, then spread by ±jitter.
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxBackoffMs, policy.backoffBaseMs * 2 ** Math.max(0, attempt - 1))
  if (policy.jitter === 0) return exponential
  const factor = 1 - policy.jitter + 2 * policy.jitter * random()
  return Math.max(0, Math.round(exponential * factor))
}

/**
 * Reads `Retry-After` as a wait in ms. Accepts delta seconds (`120`, also fractional
 * `1.5`) and an HTTP date. Returns `undefined` when the header is missing, unparsable,
 * `0`, negative or a date already past: the caller then uses its own backoff, so a server
 * saying "now" cannot make the client retry in a tight loop.
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined
  const text = value.trim()
  if (text === '') return undefined
  if (/^[+-]?\d+(?:\.\d+)?$/.test(text)) {
    const seconds = Number(text)
    return seconds > 0 ? Math.ceil(seconds * 1000) : undefined
  }
  const date = Date.parse(text)
  if (Number.isNaN(date)) return undefined
  const wait = date - now
  return wait > 0 ? wait : undefined
}

/** How far past a response's `Date` the local clock may be and still be trusted (the header has whole seconds). */
const DATE_TOLERANCE_MS = 2000

/**
 * The server's current time (epoch ms), to measure its own times against (a `Retry-After`
 * date, a rate-limit reset): the local clock when it agrees with the response's `Date`
 * (from that second to two seconds after, since `Date` has whole seconds), else `Date`
 * itself, so a skewed local clock, or a server whose clock is far from ours, never makes a
 * wait hours long or zero. Without a valid `Date`, the local clock.
 * @example const now = estimateServerTime(response.headers.get('date'))
 */
export function estimateServerTime(dateHeader: string | null, local: number = Date.now()): number {
  if (dateHeader === null) return local
  const server = Date.parse(dateHeader)
  if (Number.isNaN(server)) return local
  return local >= server && local < server + DATE_TOLERANCE_MS ? local : server
}

/**
 * The wait before the next attempt: a valid `Retry-After` (capped at `maxRetryAfterMs`,
 * without jitter) or else the exponential backoff. An HTTP-date `Retry-After` is measured
 * against `serverNow` (see {@link estimateServerTime}).
 */
export function retryWait(
  policy: RetryPolicy,
  attempt: number,
  retryAfter: string | null,
  serverNow: number = Date.now(),
): number {
  const serverWait = parseRetryAfter(retryAfter, serverNow)
  if (serverWait !== undefined) return Math.min(serverWait, policy.maxRetryAfterMs)
  return backoffDelay(policy, attempt)
}
