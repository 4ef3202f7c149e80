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
  type RateBudget,
  type RateLimitOptions,
  type RetryOptions,
} from '@lakeflow/core/http'
import { checkBaseUrl, DEFAULT_REQUESTS_PER_SECOND, type GithubOptions, REQUEST_BURST } from './github-options.ts'

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
 * `max_rate_limit_wait_seconds`.
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

/** The GitHub REST API for one connector instance. */
export class GithubApi {
  readonly client: HttpClient
  readonly baseUrl: string
  /** GitHub's clock at this instance's first response, the init-time cap. */
  #firstServerTime: number | undefined

  constructor(options: GithubOptions, settings: GithubApiSettings = {}) {
    this.baseUrl = checkBaseUrl(options.base_url)
    this.client = createHttpClient({
      baseUrl: this.baseUrl,
      auth: bearerAuth(options.token),
      headers: { accept: 'application/vnd.github+json', 'x-github-api-version': GITHUB_API_VERSION },
      userAgent: settings.userAgent,
      retry: settings.retry,
      onEvent: settings.onEvent,
      fetch: settings.fetch,
      rateLimit: {
        ...githubRateLimits(options, settings.secondaryRateLimitWaitMs),
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
    if (this.#firstServerTime === undefined) {
      this.#observe(await this.client.getJson('/rate_limit', { allowStatuses: [404] }))
      this.#firstServerTime ??= Date.now()
    }
    // GitHub's times have whole seconds: the cap is the server's current second, inclusive.
    return Math.floor(this.#firstServerTime / 1000) * 1000
  }

  /** GETs one JSON document. */
  async get<T = unknown>(path: string, params: GithubParams = {}): Promise<HttpResponse<T>> {
    return this.#observe(await this.client.getJson<T>(path, { searchParams: params }))
  }

  /** GETs one page of a listing. */
  async getPage(path: string, params: GithubParams = {}): Promise<GithubPage> {
    const response = this.#observe(await this.client.getJson<unknown>(path, { searchParams: params }))
    if (!Array.isArray(response.data)) {
      throw new ApiCallError('GitHub answered a listing with something other than a JSON array', {
        url: response.url,
        method: 'GET',
        status: response.status,
        body: JSON.stringify(response.data)?.slice(0, 1000),
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
    for await (const page of paginateLinkHeader<RawRecord>(this.client, { path, searchParams, records: '' })) {
      this.#observe(page)
      const link = page.headers.get('link')
      yield {
        records: page.records,
        page: pageNumber(page.url, startPage + page.index),
        hasNext: hasNextLink(link),
        lastPage: lastPageOf(link, page.url),
      }
    }
  }

  /** Notes GitHub's clock at the first response (its `Date`). */
  #observe<R extends { readonly headers: Headers }>(response: R): R {
    this.#firstServerTime ??= serverTime(response.headers)
    return response
  }
}
