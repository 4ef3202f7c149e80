/**
 * The GitHub REST API as the tables use it, on core's HTTP client: bearer auth, GitHub's
 * media type and API version headers, retries with backoff (core), primary and secondary
 * rate limits, Link-header pagination page by page, and the server's clock for the
 * init-time cap.
 */
import { createHash } from 'node:crypto'
import type { RawRecord } from '@lakeflow/core/connector'
import { ApiCallError } from '@lakeflow/core/errors'
import {
  bearerAuth,
  createHttpClient,
  createRateBudget,
  type HttpClient,
  type HttpEvent,
  type HttpResponse,
  paginateLinkHeader,
  parseRetryAfter,
  type RateBudget,
  type ResponseMeta,
  type RetryOptions,
} from '@lakeflow/core/http'
import { checkBaseUrl, DEFAULT_REQUESTS_PER_SECOND, type GithubOptions, REQUEST_BURST } from './github-options.ts'
import { formatTime } from './github-time.ts'

/** The REST API version the schemas follow. */
export const GITHUB_API_VERSION = '2022-11-28'

/** Query parameters of a GitHub request. */
export type GithubParams = Readonly<Record<string, string | number | undefined>>

/** One page of a GitHub listing. */
export interface GithubPage {
  /** The records of the page, in GitHub's order. */
  readonly records: RawRecord[]
  /** Its 1-based page number. */
  readonly page: number
  /** Whether the `Link` header announces a next page. */
  readonly hasNext: boolean
  /** The page number of the `rel="last"` link, when GitHub sends one. */
  readonly lastPage: number | undefined
}

/** Settings of {@link GithubApi} beyond the connector options (tests, benchmarks, embedding). */
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

function serverTime(headers: Headers): number | undefined {
  const date = headers.get('date')
  if (date === null) return undefined
  const value = Date.parse(date)
  return Number.isNaN(value) ? undefined : value
}

function pageNumber(url: string, fallback: number): number {
  const page = Number(new URL(url).searchParams.get('page'))
  return Number.isInteger(page) && page > 0 ? page : fallback
}

function lastPageOf(link: string | null, base: string): number | undefined {
  if (!link) return undefined
  for (const part of link.split(',')) {
    const match = /<([^>]*)>\s*;\s*rel="?last"?/i.exec(part)
    if (match) return pageNumber(new URL(match[1]!, base).href, 0) || undefined
  }
  return undefined
}

function hasNextLink(link: string | null): boolean {
  return link !== null && /rel="?next"?/i.test(link)
}

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
  /** The server time of the first response, the init-time cap. */
  firstServerTime: number | undefined
  readonly #secondaryWaitMs: number

  constructor(secondaryWaitMs: number) {
    this.#secondaryWaitMs = secondaryWaitMs
  }

  readonly fromResponse = (response: ResponseMeta): number | undefined => {
    const now = serverTime(response.headers)
    if (this.firstServerTime === undefined && now !== undefined) this.firstServerTime = now
    const serverNow = now ?? Date.now()
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
}

/** The GitHub REST API for one connector instance. */
export class GithubApi {
  readonly client: HttpClient
  readonly baseUrl: string
  readonly #rateLimit: RateLimitState
  readonly #maxWaitMs: number

  constructor(options: GithubOptions, settings: GithubApiSettings = {}) {
    this.baseUrl = checkBaseUrl(options.base_url)
    this.#rateLimit = new RateLimitState(settings.secondaryRateLimitWaitMs ?? SECONDARY_WAIT_MS)
    this.#maxWaitMs = options.max_rate_limit_wait_seconds * 1000
    this.client = createHttpClient({
      baseUrl: this.baseUrl,
      auth: bearerAuth(options.token),
      headers: { accept: 'application/vnd.github+json', 'x-github-api-version': GITHUB_API_VERSION },
      userAgent: settings.userAgent,
      retry: settings.retry,
      onEvent: settings.onEvent,
      fetch: settings.fetch,
      rateLimit: {
        fromResponse: this.#rateLimit.fromResponse,
        maxWaitMs: this.#maxWaitMs,
        budget: settings.budget ?? githubRateBudget(options),
      },
    })
  }

  /**
   * The init-time cap: the server's clock at this instance's first response (so cursors,
   * which are server times, are never compared with a skewed local clock), as epoch ms.
   * Reads emit nothing stamped later. When nothing
   * was requested yet, asks `GET /rate_limit`, which does not count against the limit.
   */
  async cap(): Promise<number> {
    if (this.#rateLimit.firstServerTime === undefined) {
      await this.#call(() => this.client.getJson('/rate_limit', { allowStatuses: [404] }))
      this.#rateLimit.firstServerTime ??= Date.now()
    }
    // GitHub's times have whole seconds: the cap is the server's current second, inclusive.
    return Math.floor(this.#rateLimit.firstServerTime / 1000) * 1000
  }

  /** GETs one JSON document. */
  async get<T = unknown>(path: string, params: GithubParams = {}): Promise<HttpResponse<T>> {
    return this.#call(() => this.client.getJson<T>(path, { searchParams: params }))
  }

  /** GETs one page of a listing. */
  async getPage(path: string, params: GithubParams = {}): Promise<GithubPage> {
    const response = await this.#call(() => this.client.getJson<unknown>(path, { searchParams: params }))
    if (!Array.isArray(response.data)) {
      throw new ApiCallError('GitHub answered a listing with something other than a JSON array', {
        url: response.url,
        method: 'GET',
        status: response.status,
        bodyExcerpt: JSON.stringify(response.data)?.slice(0, 200),
        isRetryable: false,
        category: 'source',
      })
    }
    const link = response.headers.get('link')
    return {
      records: response.data as RawRecord[],
      page: pageNumber(response.url, Number(params.page ?? 1)),
      hasNext: hasNextLink(link),
      lastPage: lastPageOf(link, response.url),
    }
  }

  /**
   * Pages through a listing from `startPage`, following `Link: rel="next"`, one request per
   * page as the consumer asks for it (records are never gathered across pages).
   */
  async *pages(path: string, params: GithubParams, startPage = 1): AsyncGenerator<GithubPage, void, undefined> {
    const searchParams = startPage > 1 ? { ...params, page: startPage } : params
    const iterator = paginateLinkHeader<RawRecord>(this.client, { path, searchParams, records: '' })
    for (;;) {
      const step = await this.#call(() => iterator.next())
      if (step.done) return
      const page = step.value
      const link = page.headers.get('link')
      yield {
        records: page.records,
        page: pageNumber(page.url, startPage + page.index),
        hasNext: hasNextLink(link),
        lastPage: lastPageOf(link, page.url),
      }
    }
  }

  /** Runs a request, turning core's generic "wait too long" error into a GitHub-specific one. */
  async #call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request()
    } catch (error) {
      const state = this.#rateLimit
      if (ApiCallError.isInstance(error) && error.category === 'transient' && state.lastWaitMs > this.#maxWaitMs) {
        const resetAt = state.lastResetAt === undefined ? 'later' : `at ${formatTime(state.lastResetAt)}`
        const limit =
          state.lastKind === 'secondary'
            ? `GitHub secondary rate limit hit; GitHub allows the next request ${resetAt}`
            : `GitHub rate limit exhausted; it resets ${resetAt}`
        throw new ApiCallError(
          `${limit}, in ${Math.ceil(state.lastWaitMs / 1000)} s, longer than ` +
            `max_rate_limit_wait_seconds (${this.#maxWaitMs / 1000}). Nothing was skipped: the read resumes from its ` +
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
      throw error
    }
  }
}
