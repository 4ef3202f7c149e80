import type { ResponseMeta } from './types.ts'

/** Options of {@link headerRateLimit}. */
export interface HeaderRateLimitOptions {
  /** @default 'x-ratelimit-remaining' */
  remainingHeader?: string
  /** @default 'x-ratelimit-reset' */
  resetHeader?: string
  /**
   * How the reset header counts: an epoch time in seconds (GitHub) or seconds from now.
   * @default 'epoch-seconds'
   */
  resetKind?: 'epoch-seconds' | 'delta-seconds'
  /**
   * Wait once the remaining quota is at or below this.
   * @default 0
   */
  minRemaining?: number
  /**
   * Extra wait after the reset time, for clock skew and the header's one-second granularity.
   * @default 1000
   */
  marginMs?: number
  /** Reads the current time (epoch ms). @default Date.now */
  now?: () => number
}

/**
 * A `rateLimit.fromResponse` hook for the common `x-ratelimit-remaining` /
 * `x-ratelimit-reset` header pair: once the remaining quota is used up, it asks the client
 * to wait until the reset time. Responses without the headers are ignored.
 * @example createHttpClient({ baseUrl, rateLimit: { fromResponse: headerRateLimit(), maxWaitMs: 3_600_000 } })
 */
export function headerRateLimit(options: HeaderRateLimitOptions = {}): (response: ResponseMeta) => number | undefined {
  const remainingHeader = options.remainingHeader ?? 'x-ratelimit-remaining'
  const resetHeader = options.resetHeader ?? 'x-ratelimit-reset'
  const minRemaining = options.minRemaining ?? 0
  const marginMs = options.marginMs ?? 1000
  const now = options.now ?? Date.now
  return (response) => {
    const remainingText = response.headers.get(remainingHeader)
    const resetText = response.headers.get(resetHeader)
    if (remainingText === null || resetText === null) return undefined
    const remaining = Number(remainingText)
    const reset = Number(resetText)
    if (!Number.isFinite(remaining) || !Number.isFinite(reset) || remaining > minRemaining) return undefined
    const wait = options.resetKind === 'delta-seconds' ? reset * 1000 : reset * 1000 - now()
    return Math.max(0, wait) + marginMs
  }
}
