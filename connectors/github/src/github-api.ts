/**
 * The GitHub REST API as the tables use it, on core's HTTP client: bearer auth, GitHub's
 * media type and API version headers, retries with backoff (core), primary and secondary
 * rate limits, and the server's clock for the init-time cap.
 */
import { createHash } from 'node:crypto'
import { ApiCallError } from '@lakeflow/core/errors'
import {
  bearerAuth,
  createHttpClient,
  createRateBudget,
  type GetJsonOptions,
  type HttpClient,
  type HttpEvent,
  parseRetryAfter,
  type RateBudget,
  type RequestOptions,
  type ResponseMeta,
  type RetryOptions,
  type StreamRecordsOptions,
} from '@lakeflow/core/http'
import { formatCursor, type RestContext, serverClock } from '@lakeflow/core/kit'
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

/** Margin added to a primary rate-limit wait: the reset header has whole seconds. */
const RESET_MARGIN_MS = 1000

/** GitHub's advice for a secondary limit without `Retry-After` or a reset: wait at least a minute. */
const SECONDARY_WAIT_MS = 60_000

/** How GitHub words a secondary rate limit (formerly "abuse detection") in a 403 or 429 body. */
const SECONDARY_LIMIT_MESSAGE = /secondary rate limit|abuse detection/i

/**
 * GitHub's rate limits, read from each response (GitHub's "Rate limits for the REST API"),
 * in the order GitHub documents for a 403 or 429: `Retry-After` first (seconds or a date);
 * else `x-ratelimit-remaining: 0` means wait until `x-ratelimit-reset` (epoch seconds, also
 * after a success); else a body that says "secondary rate limit" means wait at least a
 * minute. Times are compared with the response's own `Date`, so the local clock's skew does
 * not matter.
 */
class RateLimitState {
  /** The last wait GitHub asked for, until when, and which limit, for error messages. */
  lastWaitMs = 0
  lastResetAt: number | undefined
  lastKind: 'primary' | 'secondary' = 'primary'
  readonly #secondaryWaitMs: number

  constructor(secondaryWaitMs: number) {
    this.#secondaryWaitMs = secondaryWaitMs
  }

  readonly fromResponse = (response: ResponseMeta): number | undefined => {
    const date = Date.parse(response.headers.get('date') ?? '')
    const serverNow = Number.isNaN(date) ? Date.now() : date
    const limitStatus = response.status === 403 || response.status === 429
    if (limitStatus) {
      const retryAfter = parseRetryAfter(response.headers.get('retry-after'), serverNow)
      if (retryAfter !== undefined) return this.remember('secondary', retryAfter, serverNow + retryAfter)
    }
    if (response.headers.get('x-ratelimit-remaining') === '0') {
      const reset = Number(response.headers.get('x-ratelimit-reset'))
      if (Number.isFinite(reset) && reset > 0) {
        const wait = Math.max(0, reset * 1000 - serverNow) + RESET_MARGIN_MS
        return this.remember('primary', wait, reset * 1000)
      }
    }
    if (limitStatus && SECONDARY_LIMIT_MESSAGE.test(response.bodyText ?? '')) {
      return this.remember('secondary', this.#secondaryWaitMs, serverNow + this.#secondaryWaitMs)
    }
    return undefined
  }

  private remember(kind: 'primary' | 'secondary', waitMs: number, resetAt: number): number {
    this.lastKind = kind
    this.lastWaitMs = waitMs
    this.lastResetAt = resetAt
    return waitMs
  }

  /** Core's generic "wait too long" error, reworded to say which GitHub limit and when it resets. */
  explain(error: unknown, maxWaitMs: number): unknown {
    if (!ApiCallError.isInstance(error) || error.category !== 'transient' || this.lastWaitMs <= maxWaitMs) return error
    const resetAt = this.lastResetAt === undefined ? 'later' : `at ${formatCursor(this.lastResetAt, 'iso')}`
    const limit =
      this.lastKind === 'secondary'
        ? `GitHub secondary rate limit hit; GitHub allows the next request ${resetAt}`
        : `GitHub rate limit exhausted; it resets ${resetAt}`
    return new ApiCallError(
      `${limit}, in ${Math.ceil(this.lastWaitMs / 1000)} s, longer than ` +
        `max_rate_limit_wait_seconds (${maxWaitMs / 1000}). Nothing was skipped: the read resumes from its ` +
        'last offset on the next run; raise max_rate_limit_wait_seconds to wait instead',
      {
        url: error.url,
        method: error.method,
        status: error.status,
        bodyExcerpt: error.bodyExcerpt,
        isRetryable: true,
        attempts: error.attempts,
        category: 'transient',
        cause: error,
      },
    )
  }
}

/**
 * What the GitHub tables share: the client (whose errors name GitHub's limits) and the
 * init-time cap, GitHub's clock at the instance's first response (so cursors, which are
 * server times, are never compared with a skewed local clock); `GET /rate_limit`, which
 * costs no quota, asks for it when nothing was requested yet.
 */
export function createGithubContext(options: GithubOptions, settings: GithubApiSettings = {}): RestContext {
  const state = new RateLimitState(settings.secondaryRateLimitWaitMs ?? SECONDARY_WAIT_MS)
  const maxWaitMs = options.max_rate_limit_wait_seconds * 1000
  const client = createHttpClient({
    baseUrl: checkBaseUrl(options.base_url),
    auth: bearerAuth(options.token),
    headers: { accept: 'application/vnd.github+json', 'x-github-api-version': GITHUB_API_VERSION },
    userAgent: settings.userAgent,
    retry: settings.retry,
    onEvent: settings.onEvent,
    fetch: settings.fetch,
    rateLimit: {
      fromResponse: (response) => {
        clock.observe(response)
        return state.fromResponse(response)
      },
      maxWaitMs,
      budget: settings.budget ?? githubRateBudget(options),
    },
  })
  const explain = <Result>(pending: Promise<Result>) =>
    pending.catch((error: unknown) => {
      throw state.explain(error, maxWaitMs)
    })
  const http: HttpClient = {
    resolveUrl: client.resolveUrl,
    request: <T>(path: string, request?: RequestOptions) => explain(client.request<T>(path, request)),
    getJson: <T>(path: string, request?: GetJsonOptions) => explain(client.getJson<T>(path, request)),
    postJson: <T>(path: string, json: unknown, request?: GetJsonOptions) =>
      explain(client.postJson<T>(path, json, request)),
    streamRecords: <T>(path: string, request: StreamRecordsOptions) => explain(client.streamRecords<T>(path, request)),
  }
  const clock = serverClock({ probe: () => http.getJson('/rate_limit', { allowStatuses: [404] }) })
  return { http, clock }
}
