import { estimateServerTime, parseRetryAfter } from './retry.ts'
import type { ResponseMeta } from './types.ts'

/**
 * A quota announced in response headers: how many requests remain and when the count
 * resets (GitHub's `x-ratelimit-remaining` / `x-ratelimit-reset`, the IETF draft's
 * `RateLimit-Remaining` / `RateLimit-Reset`).
 */
export interface QuotaHeaderOptions {
  /** @default 'x-ratelimit-remaining' */
  remainingHeader?: string
  /** @default 'x-ratelimit-reset' */
  resetHeader?: string
  /**
   * How the reset header counts: an epoch time in seconds (GitHub) or milliseconds, or
   * seconds from now. `auto` reads values above 10^12 as epoch milliseconds, above 10^9 as
   * epoch seconds, and smaller ones as seconds from now.
   * @default 'auto'
   */
  resetKind?: 'epoch-seconds' | 'epoch-millis' | 'delta-seconds' | 'auto'
  /**
   * Wait once the remaining quota is at or below this.
   * @default 0
   */
  minRemaining?: number
  /**
   * Extra wait after the reset, for the header's one-second granularity.
   * @default 1000
   */
  marginMs?: number
  /**
   * Also hold back every later request of the client after a success that used the quota
   * up (otherwise only an error response carrying the headers waits).
   * @default false
   */
  waitOnSuccess?: boolean
  /**
   * Error statuses whose quota headers mean "wait for the reset" (a 403 or 429 saying the
   * quota is spent). Other error statuses are retried as errors.
   * @default [403, 429]
   */
  statuses?: readonly number[]
  /**
   * The limit's name in events and errors.
   * @default 'quota'
   */
  name?: string
  /**
   * How an error introduces the limit; the client adds when it resets and how long that is.
   * @default 'Rate limit exhausted; it resets'
   * @example 'GitHub rate limit exhausted; it resets'
   */
  description?: string
}

/** How `Retry-After` is honoured as a rate limit (a wait that costs no error attempt). */
export interface RetryAfterLimitOptions {
  /**
   * Statuses whose `Retry-After` is a rate limit: waited out, up to `maxWaitMs`, without
   * using an attempt. On other retryable statuses `Retry-After` only replaces the backoff
   * of an ordinary error attempt (capped by `retry.maxRetryAfterMs`).
   * @default [403, 429, 503]
   */
  statuses?: readonly number[]
  /** @default 'retry-after' */
  name?: string
  /**
   * @default 'Rate limited; the source allows the next request'
   * @example 'GitHub secondary rate limit hit; GitHub allows the next request'
   */
  description?: string
}

/** A limit that only the body of an error response names (GitHub's secondary limit). */
export interface BodyRateLimit {
  /** The limit's name in events and errors. @example 'secondary' */
  name: string
  /** Matched against the start of the body (4 KiB, redacted). @example /secondary rate limit/i */
  pattern: RegExp
  /** How long to wait when the response names no time. @example 60_000 */
  waitMs: number
  /** Statuses it applies to. @default [403, 429] */
  statuses?: readonly number[]
  /** @default `Rate limit "<name>" hit; the source allows the next request` */
  description?: string
}

/** Where a rate limit's settings live, as the client reads them (see `RateLimitOptions`). */
export interface RateLimitRuleOptions {
  retryAfter?: RetryAfterLimitOptions
  quota?: QuotaHeaderOptions | false
  bodyLimits?: readonly BodyRateLimit[]
  fromResponse?: (response: ResponseMeta) => number | undefined
}

/** A wait a response asked for. */
export interface RateLimitWait {
  /** The limit's name. */
  readonly limit: string
  /** How an error introduces the limit. */
  readonly description: string
  /** How long to wait, in ms. */
  readonly waitMs: number
  /** When the source allows the next request, epoch ms on the source's clock. */
  readonly resumeAt: number
}

/** The rate-limit rules of a client, every default filled in. */
export interface RateLimitRules {
  /** The wait a response asks for, measured against `serverNow` (see `estimateServerTime`). */
  waitFor(response: ResponseMeta, serverNow: number): RateLimitWait | undefined
}

interface ResolvedQuota {
  readonly remainingHeader: string
  readonly resetHeader: string
  readonly resetKind: NonNullable<QuotaHeaderOptions['resetKind']>
  readonly minRemaining: number
  readonly marginMs: number
  readonly waitOnSuccess: boolean
  readonly statuses: ReadonlySet<number>
  readonly name: string
  readonly description: string
}

function resolveQuota(options: QuotaHeaderOptions): ResolvedQuota {
  return {
    remainingHeader: options.remainingHeader ?? 'x-ratelimit-remaining',
    resetHeader: options.resetHeader ?? 'x-ratelimit-reset',
    resetKind: options.resetKind ?? 'auto',
    minRemaining: options.minRemaining ?? 0,
    marginMs: options.marginMs ?? 1000,
    waitOnSuccess: options.waitOnSuccess ?? false,
    statuses: new Set(options.statuses ?? [403, 429]),
    name: options.name ?? 'quota',
    description: options.description ?? 'Rate limit exhausted; it resets',
  }
}

/** The quota's reset as an epoch time (ms) on the source's clock, or `undefined` while quota remains. */
function quotaReset(quota: ResolvedQuota, headers: Headers, serverNow: number): number | undefined {
  const remainingText = headers.get(quota.remainingHeader)
  const resetText = headers.get(quota.resetHeader)
  if (remainingText === null || resetText === null) return undefined
  const remaining = Number(remainingText)
  const reset = Number(resetText)
  if (!Number.isFinite(remaining) || !Number.isFinite(reset) || reset < 0 || remaining > quota.minRemaining) {
    return undefined
  }
  const kind =
    quota.resetKind === 'auto'
      ? reset > 1e12
        ? 'epoch-millis'
        : reset > 1e9
          ? 'epoch-seconds'
          : 'delta-seconds'
      : quota.resetKind
  if (kind === 'epoch-millis') return reset
  if (kind === 'epoch-seconds') return reset * 1000
  return serverNow + reset * 1000
}

function quotaWait(quota: ResolvedQuota, headers: Headers, serverNow: number): RateLimitWait | undefined {
  const resumeAt = quotaReset(quota, headers, serverNow)
  if (resumeAt === undefined) return undefined
  const waitMs = Math.max(0, resumeAt - serverNow) + quota.marginMs
  // A reset already past (and no margin) says nothing: the response is an ordinary error.
  return waitMs > 0 ? { limit: quota.name, description: quota.description, waitMs, resumeAt } : undefined
}

/**
 * Resolves a client's rate-limit settings. For an error response the first rule that
 * applies wins, in the order sources document them: `Retry-After`, then a spent quota,
 * then a limit named in the body, then the custom `fromResponse` hook. For a success only
 * the quota (with `waitOnSuccess`) and the hook apply; the longer wait wins.
 */
export function resolveRateLimitRules(options: RateLimitRuleOptions = {}): RateLimitRules {
  const retryAfterStatuses = new Set(options.retryAfter?.statuses ?? [403, 429, 503])
  const retryAfterName = options.retryAfter?.name ?? 'retry-after'
  const retryAfterDescription = options.retryAfter?.description ?? 'Rate limited; the source allows the next request'
  const quota = options.quota === false ? undefined : resolveQuota(options.quota ?? {})
  const bodyLimits = (options.bodyLimits ?? []).map((limit) => ({
    ...limit,
    statuses: new Set(limit.statuses ?? [403, 429]),
    description: limit.description ?? `Rate limit "${limit.name}" hit; the source allows the next request`,
  }))
  const custom = options.fromResponse

  const customWait = (response: ResponseMeta, serverNow: number): RateLimitWait | undefined => {
    const waitMs = custom?.(response)
    if (waitMs === undefined || !(waitMs > 0)) return undefined
    return { limit: 'rate-limit', description: retryAfterDescription, waitMs, resumeAt: serverNow + waitMs }
  }

  return {
    waitFor(response, serverNow) {
      const { status, headers } = response
      if (response.bodyText === undefined) {
        const fromQuota = quota?.waitOnSuccess ? quotaWait(quota, headers, serverNow) : undefined
        const fromHook = customWait(response, serverNow)
        if (fromQuota && fromHook) return fromHook.waitMs > fromQuota.waitMs ? fromHook : fromQuota
        return fromQuota ?? fromHook
      }
      if (retryAfterStatuses.has(status)) {
        const waitMs = parseRetryAfter(headers.get('retry-after'), serverNow)
        if (waitMs !== undefined) {
          return { limit: retryAfterName, description: retryAfterDescription, waitMs, resumeAt: serverNow + waitMs }
        }
      }
      if (quota?.statuses.has(status)) {
        const wait = quotaWait(quota, headers, serverNow)
        if (wait) return wait
      }
      for (const limit of bodyLimits) {
        if (limit.waitMs > 0 && limit.statuses.has(status) && limit.pattern.test(response.bodyText)) {
          return {
            limit: limit.name,
            description: limit.description,
            waitMs: limit.waitMs,
            resumeAt: serverNow + limit.waitMs,
          }
        }
      }
      return customWait(response, serverNow)
    },
  }
}

/** Options of {@link headerRateLimit}. */
export interface HeaderRateLimitOptions
  extends Pick<QuotaHeaderOptions, 'remainingHeader' | 'resetHeader' | 'minRemaining' | 'marginMs'> {
  /**
   * How the reset header counts: an epoch time in seconds (GitHub) or seconds from now.
   * @default 'epoch-seconds'
   */
  resetKind?: 'epoch-seconds' | 'delta-seconds'
  /** Reads the current time (epoch ms), when the response has no `Date`. @default Date.now */
  now?: () => number
}

/**
 * A `rateLimit.fromResponse` hook for a quota header pair, for custom compositions; a
 * client usually declares `rateLimit.quota` instead. Once the remaining quota is used up,
 * it asks the client to wait until the reset, measured on the source's clock (its `Date`).
 * Responses without the headers are ignored.
 * @example createHttpClient({ baseUrl, rateLimit: { fromResponse: headerRateLimit(), maxWaitMs: 3_600_000 } })
 */
export function headerRateLimit(options: HeaderRateLimitOptions = {}): (response: ResponseMeta) => number | undefined {
  const quota = resolveQuota({ ...options, resetKind: options.resetKind ?? 'epoch-seconds' })
  const now = options.now ?? Date.now
  return (response) =>
    quotaWait(quota, response.headers, estimateServerTime(response.headers.get('date'), now()))?.waitMs
}
