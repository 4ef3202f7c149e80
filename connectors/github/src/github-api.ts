/**
 * The GitHub REST API as the tables use it, on core's HTTP client: bearer auth, GitHub's
 * media type and API version headers, retries with backoff (core), primary and secondary
 * rate limits, and the server's clock for the init-time cap.
 */
import { createHash } from 'node:crypto'
import {
  bearerAuth,
  createHttpClient,
  createRateBudget,
  type HttpEvent,
  type RateBudget,
  type RateLimitOptions,
  type RetryOptions,
} from '@lakeflow/core/http'
import { type RestContext, serverClock } from '@lakeflow/core/kit'
import { checkBaseUrl, DEFAULT_REQUESTS_PER_SECOND, type GithubOptions, REQUEST_BURST } from './github-options.ts'

/** The REST API version the schemas follow. */
export const GITHUB_API_VERSION = '2022-11-28'

/** Settings of the GitHub client beyond the connector options (tests, benchmarks, embedding). */
export interface GithubApiSettings {
  /** Package name and version for the `User-Agent`. */
  readonly userAgent?: { packageName: string; version: string }
  /** Overrides core's retry policy (tests use short backoffs). */
  readonly retry?: RetryOptions
  /** Receives the HTTP client's events (requests, retries, rate-limit waits). */
  readonly onEvent?: (event: HttpEvent) => void
  /** A `fetch` implementation. @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch
  /**
   * The wait after a secondary rate limit that names neither `Retry-After` nor an exhausted
   * quota. GitHub asks for at least a minute; tests shorten it.
   * @default 60000
   */
  readonly secondaryRateLimitWaitMs?: number
  /** The request budget. @default the process-wide budget of the token and host ({@link githubRateBudget}) */
  readonly budget?: RateBudget
}

/**
 * The request budget of one token on one GitHub host, shared process-wide by every
 * instance, table and partition (GitHub's limits are per account, not per client): at most
 * `max_requests_per_second`, in bursts of {@link REQUEST_BURST}. The key holds the host and
 * a SHA-256 fingerprint of the token, never the token.
 */
export function githubRateBudget(options: GithubOptions): RateBudget {
  const fingerprint = createHash('sha256').update(options.token).digest('hex').slice(0, 16)
  return createRateBudget({
    requestsPerSecond: options.max_requests_per_second ?? DEFAULT_REQUESTS_PER_SECOND,
    burst: REQUEST_BURST,
    key: `@lakeflow/connector-github ${checkBaseUrl(options.base_url)} ${fingerprint}`,
  })
}

/** GitHub's advice for a secondary limit without `Retry-After` or a reset: wait at least a minute. */
const SECONDARY_WAIT_MS = 60_000

/** How GitHub words a secondary rate limit (formerly "abuse detection") in a 403 or 429 body. */
const SECONDARY_LIMIT_MESSAGE = /secondary rate limit|abuse detection/i

/**
 * GitHub's rate limits as core's client honours them (GitHub's "Rate limits for the REST
 * API"), in the order GitHub documents for a 403 or 429: `Retry-After` first (seconds or a
 * date); else `x-ratelimit-remaining: 0` means wait until `x-ratelimit-reset` (epoch
 * seconds, also after a success); else a body that says "secondary rate limit" means wait
 * at least a minute. Waits are measured on GitHub's clock (its `Date`) and bounded by
 * `max_rate_limit_wait_seconds`, and the errors name the limit.
 */
export function githubRateLimits(
  options: GithubOptions,
  secondaryWaitMs: number = SECONDARY_WAIT_MS,
): RateLimitOptions {
  return {
    retryAfter: {
      statuses: [403, 429, 503],
      description: 'GitHub asked to wait (Retry-After); GitHub allows the next request',
    },
    quota: {
      remainingHeader: 'x-ratelimit-remaining',
      resetHeader: 'x-ratelimit-reset',
      resetKind: 'epoch-seconds',
      waitOnSuccess: true,
      statuses: [403, 429],
      name: 'primary',
      description: 'GitHub rate limit exhausted; it resets',
    },
    bodyLimits: [
      {
        name: 'secondary',
        pattern: SECONDARY_LIMIT_MESSAGE,
        statuses: [403, 429],
        waitMs: secondaryWaitMs,
        description: 'GitHub secondary rate limit hit; GitHub allows the next request',
      },
    ],
    maxWaitMs: options.max_rate_limit_wait_seconds * 1000,
    maxWaitSetting: { name: 'max_rate_limit_wait_seconds', value: options.max_rate_limit_wait_seconds },
  }
}

/**
 * What the GitHub tables share: the client (whose errors name GitHub's limits) and the
 * init-time cap, GitHub's clock at the instance's first response (so cursors, which are
 * server times, are never compared with a skewed local clock); `GET /rate_limit`, which
 * costs no quota, asks for it when nothing was requested yet.
 */
export function createGithubContext(options: GithubOptions, settings: GithubApiSettings = {}): RestContext {
  const http = createHttpClient({
    baseUrl: checkBaseUrl(options.base_url),
    auth: bearerAuth(options.token),
    headers: { accept: 'application/vnd.github+json', 'x-github-api-version': GITHUB_API_VERSION },
    userAgent: settings.userAgent,
    retry: settings.retry,
    onEvent: settings.onEvent,
    fetch: settings.fetch,
    rateLimit: {
      ...githubRateLimits(options, settings.secondaryRateLimitWaitMs),
      // Not a limit: it notes GitHub's clock (the responses' `Date`) for the init-time cap.
      fromResponse: (response) => {
        clock.observe(response)
        return undefined
      },
      budget: settings.budget ?? githubRateBudget(options),
    },
  })
  const clock = serverClock({ probe: () => http.getJson('/rate_limit', { allowStatuses: [404] }) })
  return { http, clock }
}
