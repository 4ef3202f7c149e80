import type { RawRecord } from '@lakeflow/core/connector'
import { ApiCallError } from '@lakeflow/core/errors'
import {
  basicAuth,
  bearerAuth,
  createHttpClient,
  createRateBudget,
  type HttpEvent,
  type RateBudget,
} from '@lakeflow/core/http'
import { EXAMPLE_API_BURST, EXAMPLE_API_RATE_LIMIT, type ExampleOptions } from './example-options.ts'

/** Query parameters of a records request. */
export type PageQuery = Record<string, string | number>

/** One page of the example API: `{"records": [...], "next_page": <number|null>}`. */
export interface ExamplePage {
  /** The page's records, as the API sent them. */
  records: RawRecord[]
  /** The next page number, or null on the last page. */
  next_page: number | null
}

/** The example API as the tables use it: one call, one page. */
export interface ExampleApi {
  /** GETs one page of records (retrying transient failures) and checks the body's shape. */
  page(path: string, query: PageQuery): Promise<ExamplePage>
  /** Releases resources; safe to call twice. */
  close(): Promise<void>
}

/** Where the client identifies itself and reports what it does. */
export interface ExampleApiSettings {
  /** Sent as `User-Agent: lakeflow-<package>/<version>`. */
  userAgent: { packageName: string; version: string }
  /** Request, retry and rate-limit events (redacted), for logs. */
  onEvent?: (event: HttpEvent) => void
  /** The request budget. @default the process-wide budget of the account ({@link exampleRateBudget}) */
  budget?: RateBudget
}

/**
 * The account's request budget, shared process-wide by every instance, table and partition
 * reading the same API as the same user (the limit is per account, not per client).
 */
export function exampleRateBudget(options: ExampleOptions): RateBudget {
  return createRateBudget({
    requestsPerSecond: options.max_requests_per_second ?? EXAMPLE_API_RATE_LIMIT,
    burst: EXAMPLE_API_BURST,
    // The account, never the secret: a bearer token's owner is unknown, so token users share one budget.
    key: `@lakeflow/connector-example ${options.base_url} ${options.username ?? '(token)'}`,
  })
}

/**
 * Creates the API client from validated options. All HTTP goes through core's client:
 * retries, `Retry-After`, timeouts, auth and redaction live there, not here.
 */
export function createExampleApi(options: ExampleOptions, settings: ExampleApiSettings): ExampleApi {
  const auth =
    options.token !== undefined ? bearerAuth(options.token) : basicAuth(options.username ?? '', options.password ?? '')
  const client = createHttpClient({
    baseUrl: options.base_url,
    auth,
    timeoutMs: options.timeout_ms,
    userAgent: settings.userAgent,
    rateLimit: { budget: settings.budget ?? exampleRateBudget(options) },
    ...(settings.onEvent ? { onEvent: settings.onEvent } : {}),
  })
  return {
    async page(path, query) {
      const response = await client.getJson<unknown>(path, { searchParams: query })
      return checkPage(response.data, response.method, response.url)
    },
    async close() {},
  }
}

/** Checks only what the connector uses: a `records` list of objects and `next_page`. */
function checkPage(body: unknown, method: string, url: string): ExamplePage {
  const problem = pageProblem(body)
  if (problem !== undefined) {
    throw new ApiCallError(`The example API answered with an unexpected body (${problem})`, {
      url,
      method,
      status: 200,
      bodyExcerpt: JSON.stringify(body)?.slice(0, 300),
      isRetryable: false,
      category: 'source',
    })
  }
  return body as ExamplePage
}

function pageProblem(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'expected a JSON object'
  const { records, next_page: nextPage } = body as Record<string, unknown>
  if (!Array.isArray(records)) return 'expected "records" to be a list'
  if (records.some((record) => typeof record !== 'object' || record === null || Array.isArray(record))) {
    return 'expected every record to be an object'
  }
  if (nextPage !== null && !(typeof nextPage === 'number' && Number.isInteger(nextPage) && nextPage > 0)) {
    return 'expected "next_page" to be a positive integer or null'
  }
  return undefined
}
