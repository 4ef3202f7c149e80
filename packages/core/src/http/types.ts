import type { Static, TSchema } from 'typebox'
import type { ErrorCategory } from '../errors/lakeflow-error.ts'
import type { RecordStreamOptions } from '../formats/records.ts'
import type { RateBudget } from './rate-budget.ts'
import type { BodyRateLimit, QuotaHeaderOptions, RetryAfterLimitOptions } from './rate-limit.ts'

/** A query parameter value; `undefined` and `null` drop the parameter, arrays repeat it. */
export type SearchParamValue = string | number | boolean | null | undefined | readonly (string | number | boolean)[]

/** Query parameters for a request. */
export type SearchParams = Readonly<Record<string, SearchParamValue>> | URLSearchParams

/** Request headers; `undefined` removes a header set at the client level. */
export type HeaderValues = Readonly<Record<string, string | undefined>>

/** What a response looked like, without its body: handed to hooks and returned with data. */
export interface ResponseMeta {
  /** HTTP status. */
  readonly status: number
  /** Response headers. */
  readonly headers: Headers
  /**
   * The URL requested, before auth was applied (so an API key sent as a query parameter is
   * never in it; safe to keep in offsets).
   */
  readonly url: string
  /** HTTP method, upper case. */
  readonly method: string
  /**
   * The start of the body as text (at most 4 KiB, secrets redacted), for error responses
   * only: statuses of 400 and above that the request does not allow (`allowStatuses`).
   * Lets a rate-limit hook tell a limit from another error when the headers do not
   * (GitHub's secondary limit: a 403 whose message says so). `undefined` for successes and
   * allowed statuses, whose body is read later as data.
   */
  readonly bodyText?: string
}

/** A response with its decoded body. */
export interface HttpResponse<T = unknown> extends ResponseMeta {
  /** The parsed JSON (`responseType: 'json'`, `undefined` for an empty body), text, or `undefined` (`'none'`). */
  readonly data: T
}

/** Verdict of {@link ApiErrorHook}: the 2xx body carries an error. */
export interface ApiErrorVerdict {
  /** What the API reported; it ends up (redacted) in the error message. */
  message: string
  /** Whether the same request may succeed later (then it is retried like a 503). */
  retryable: boolean
  /** Error category of the final error. @default retryable ? 'transient' : 'source' */
  category?: ErrorCategory
}

/**
 * Inspects a parsed 2xx JSON body and reports an API-level error carried inside it
 * (FHIR `OperationOutcome`, GraphQL `errors`), or `undefined` when the body is good.
 * @example
 * const isApiError: ApiErrorHook = (body) =>
 *   isRecord(body) && Array.isArray(body.errors) && body.errors.length > 0
 *     ? { message: String(body.errors[0].message), retryable: false }
 *     : undefined
 */
export type ApiErrorHook = (body: unknown, response: ResponseMeta) => ApiErrorVerdict | undefined

/** Retry policy. One layer retries HTTP: this one (ky's own retry is disabled). */
export interface RetryOptions {
  /**
   * Attempts in total, the first included. `1` disables retries.
   * @default 3
   */
  limit?: number
  /**
   * Wait before the first retry; each further retry doubles it (1 s, 2 s, 4 s, ...).
   * @default 1000
   */
  backoffBaseMs?: number
  /**
   * Upper bound of one computed backoff wait (not of `Retry-After`, see `maxRetryAfterMs`).
   * @default 30000
   */
  maxBackoffMs?: number
  /**
   * Randomises computed backoff waits so parallel readers do not retry in lock step:
   * `true` is ±20 % (a 1 s wait becomes 0.8–1.2 s), a number is that fraction (0–1), `false`
   * none. Never applied to a server-given `Retry-After` or a rate-limit wait.
   * @default true
   */
  jitter?: boolean | number
  /**
   * Cap on a server-given `Retry-After` wait; a longer value waits this long.
   * @default 60000
   * @example { maxRetryAfterMs: 120_000 }
   */
  maxRetryAfterMs?: number
  /**
   * Response statuses that are retried.
   * @default [408, 429, 500, 502, 503, 504]
   */
  statusCodes?: readonly number[]
  /**
   * Retry network errors (connection refused or reset, socket hang up, a body cut short).
   * @default true
   */
  retryOnNetworkError?: boolean
  /**
   * Retry requests that exceeded `timeoutMs`.
   * @default true
   */
  retryOnTimeout?: boolean
}

/** Where an auth helper puts credentials: the outgoing URL and headers, both mutable. */
export interface AuthTarget {
  /** The request URL (add query credentials here). */
  readonly url: URL
  /** The request headers (add header credentials here). */
  readonly headers: Headers
}

/**
 * What the client lends an auth helper: a way to call a token endpoint through the same
 * transport (fetch, timeout, retry, events, redaction) without applying auth to it.
 */
export interface AuthContext {
  /**
   * POSTs an `application/x-www-form-urlencoded` body and returns the parsed JSON. A 4xx
   * answer raises an `ApiCallError` of category `auth`.
   */
  postForm(url: string, form: Readonly<Record<string, string>>, headers?: HeaderValues): Promise<HttpResponse>
}

/**
 * Credentials for a client. Use the helpers (`bearerAuth`, `basicAuth`, `apiKeyAuth`,
 * `oauth2ClientCredentials`, `oauth2RefreshToken`) or implement this for a custom scheme;
 * register every secret it handles with `registerSecret`.
 */
export interface HttpAuth {
  /** A short name for messages, e.g. `bearer`. */
  readonly kind: string
  /** Adds credentials to one outgoing request (called before every attempt). */
  apply(target: AuthTarget, context: AuthContext): void | Promise<void>
  /**
   * Present when credentials can be renewed: called once after a 401, after which the
   * request is retried once. Throwing (or a second 401) ends the request with an auth error.
   */
  refresh?(context: AuthContext): Promise<void>
}

/**
 * How the client honours the source's rate limits. A response that says when to come back
 * (a `Retry-After` on a 403, 429 or 503; a spent quota in the headers of a 403 or 429; a
 * limit the body names) is waited out without using one of the retry policy's attempts,
 * measured on the source's clock (its `Date` header). The waits of one request are bounded
 * by `maxWaitMs`, in total and each; beyond it the request fails with a `RateLimitError`
 * naming the limit and how long was waited.
 * @example
 * rateLimit: {
 *   quota: { waitOnSuccess: true, resetKind: 'epoch-seconds', name: 'primary' },
 *   bodyLimits: [{ name: 'secondary', pattern: /secondary rate limit/i, waitMs: 60_000 }],
 *   maxWaitMs: 900_000,
 * }
 */
export interface RateLimitOptions {
  /**
   * Which statuses' `Retry-After` is a rate limit, and how it is named.
   * @default { statuses: [403, 429, 503], name: 'retry-after' }
   */
  retryAfter?: RetryAfterLimitOptions
  /**
   * The quota headers (remaining and reset). `false` ignores them.
   * @default { remainingHeader: 'x-ratelimit-remaining', resetHeader: 'x-ratelimit-reset', resetKind: 'auto', statuses: [403, 429], waitOnSuccess: false }
   */
  quota?: QuotaHeaderOptions | false
  /**
   * Limits only the body of an error response names, each with the wait to take.
   * @default []
   * @example [{ name: 'secondary', pattern: /secondary rate limit|abuse detection/i, waitMs: 60_000 }]
   */
  bodyLimits?: readonly BodyRateLimit[]
  /**
   * A custom rule, consulted after the declared ones: returns how long to wait, in ms, or
   * `undefined`. On a success the client holds back all its later requests that long; on
   * an error response it waits, then sends the request again (without using an attempt).
   * Error responses come with `bodyText` (the start of the body, redacted).
   * @example (response) => response.status === 420 ? 60_000 : undefined
   */
  fromResponse?: (response: ResponseMeta) => number | undefined
  /**
   * The source's request budget, shared with every other client given the same budget (see
   * `createRateBudget`; with a `key` it is shared process-wide). Every attempt, retries
   * included, waits for a slot; a wait is reported as a `rate-limit` event.
   * @example { budget: createRateBudget({ requestsPerSecond: 10, key: `connector-acme ${baseUrl}` }) }
   */
  budget?: RateBudget
  /** Awaited before every attempt (after the budget): a custom pace or quota. */
  beforeRequest?: (request: { method: string; url: string }) => void | Promise<void>
  /**
   * Longest rate-limit wait honoured, for one wait and for all the waits of one request
   * together (at most 100 waits per request). A longer wait fails the request at once with
   * a `RateLimitError` (retryable, category `transient`): the run ends and resumes later.
   * `0` never waits.
   * @default 900000 (15 minutes)
   */
  maxWaitMs?: number
  /**
   * The connector option that sets `maxWaitMs`, so the error tells the user what to raise.
   * @default { name: 'rateLimit.maxWaitMs', value: '<maxWaitMs> ms' }
   * @example { name: 'max_rate_limit_wait_seconds', value: 900 }
   */
  maxWaitSetting?: { readonly name: string; readonly value: string | number }
}

/** Why a request is retried. */
export type RetryReason = 'status' | 'network' | 'timeout' | 'api-error' | 'invalid-body' | 'rate-limit'

/** Events emitted by the client for logging and progress. Every string in them is redacted. */
export type HttpEvent =
  | {
      readonly type: 'request'
      readonly method: string
      readonly url: string
      readonly attempt: number
    }
  | {
      readonly type: 'response'
      readonly method: string
      readonly url: string
      readonly attempt: number
      readonly status: number
      /** Time to response headers. */
      readonly durationMs: number
    }
  | {
      readonly type: 'retry'
      readonly method: string
      readonly url: string
      /** The attempt that failed (1 for the first request). */
      readonly attempt: number
      readonly waitMs: number
      readonly reason: RetryReason
      readonly status?: number
      /** For a `rate-limit` retry, the limit's name (as in the `rate-limit` event). */
      readonly limit?: string
      /** What went wrong, redacted. */
      readonly message: string
    }
  | {
      readonly type: 'rate-limit'
      readonly method: string
      readonly url: string
      readonly waitMs: number
      readonly status?: number
      /**
       * Which limit: a declared one's name (`retry-after`, `quota`, a body limit's name),
       * `budget` for the request budget, `rate-limit` for the custom hook.
       */
      readonly limit: string
    }
  | {
      readonly type: 'auth-refresh'
      readonly method: string
      readonly url: string
      readonly auth: string
    }

/** Identifies the calling package in the `User-Agent` header. */
export interface UserAgentOptions {
  /** The npm package name, e.g. `@lakeflow/connector-github`. */
  packageName: string
  /** Its version, e.g. `0.1.0`. */
  version: string
}

/** Options of {@link createHttpClient}. */
export interface HttpClientOptions {
  /**
   * Prefix for relative request paths, joined with exactly one `/` (so a path prefix such
   * as `/api/v3` is kept). Absolute URLs (a `Link` header's next page) are used as they are.
   * @example 'https://api.github.com'
   */
  baseUrl?: string
  /**
   * Headers sent with every request.
   * @example { 'X-GitHub-Api-Version': '2022-11-28' }
   */
  headers?: HeaderValues
  /**
   * Credentials. Applied only to requests for the `baseUrl` origin (any origin when there
   * is no `baseUrl`), so a next-page URL on another host never receives them.
   * @example bearerAuth(options.token)
   */
  auth?: HttpAuth
  /**
   * Per-attempt timeout covering the response headers and the whole body.
   * @default 30000
   */
  timeoutMs?: number
  /** Retry policy; see {@link RetryOptions} for each default. */
  retry?: RetryOptions
  /** Detects errors inside 2xx JSON bodies. */
  isApiError?: ApiErrorHook
  /**
   * Sets `User-Agent: lakeflow-<name without scope>/<version>`. A `User-Agent` in `headers`
   * overrides it.
   * @default core's own package, e.g. `lakeflow-core/0.1.0`
   * @example { packageName: '@lakeflow/connector-github', version: '0.1.0' } // lakeflow-connector-github/0.1.0
   */
  userAgent?: UserAgentOptions
  /**
   * A `fetch` implementation; it receives a standard `Request`. @default globalThis.fetch
   */
  fetch?: typeof globalThis.fetch
  /** Receives request, response, retry, rate-limit and auth-refresh events (redacted). Must not throw. */
  onEvent?: (event: HttpEvent) => void
  /** Rate-limit hooks. */
  rateLimit?: RateLimitOptions
  /** Cancels every request of this client. */
  signal?: AbortSignal
}

/** Options of one request. */
export interface RequestOptions {
  /** @default 'GET' */
  method?: string
  /** Query parameters, appended to those already in the path. */
  searchParams?: SearchParams
  /** Extra headers; `undefined` removes a client-level header. */
  headers?: HeaderValues
  /** A JSON request body (sets `Content-Type: application/json`). */
  json?: unknown
  /** A raw request body. */
  body?: string | Uint8Array | URLSearchParams
  /**
   * How to decode the body: parsed JSON, text, discarded, or `stream`: `data` is then an
   * `AsyncIterable<Uint8Array>` read as the caller iterates (a body of any size in bounded
   * memory; `timeoutMs` applies to each wait for data). Iterate it to the end or break off,
   * which cancels the rest. For records, prefer {@link HttpClient.streamRecords}.
   * @default 'json'
   */
  responseType?: 'json' | 'text' | 'none' | 'stream'
  /**
   * A typebox schema the parsed JSON body must match (only what the connector uses; extra
   * fields are fine unless the schema forbids them). A mismatch throws `InvalidResponseError`
   * naming every JSON path, what was expected and what arrived (redacted), and the request.
   * @example { schema: Type.Object({ items: Type.Array(Type.Object({ id: Type.Integer() })) }) }
   */
  schema?: TSchema
  /**
   * Non-2xx statuses returned as responses instead of errors (a 304 of a conditional
   * request, a 404 that means "none"). Their JSON body is `undefined` when it does not parse.
   * @example [404]
   */
  allowStatuses?: readonly number[]
  /** Overrides the client's `timeoutMs`. */
  timeoutMs?: number
  /** Overrides parts of the client's retry policy; `false` makes one attempt only. */
  retry?: RetryOptions | false
  /** Overrides the client's `isApiError`; `false` disables it. */
  isApiError?: ApiErrorHook | false
  /** Cancels this request (the signal's reason is thrown). */
  signal?: AbortSignal
}

/** Options of {@link HttpClient.getJson}. */
export type GetJsonOptions = Omit<RequestOptions, 'method' | 'responseType' | 'json' | 'body'>

/**
 * Options of {@link HttpClient.streamRecords}: the request, how the body is packed (format,
 * gzip, ZIP entries) and an optional schema every record must match.
 */
export type StreamRecordsOptions = Omit<RequestOptions, 'responseType'> & RecordStreamOptions

/** The client: a thin, retrying, redacting JSON-over-HTTP layer. */
export interface HttpClient {
  /** Any request. Resolves with the decoded body, or rejects with an `ApiCallError`. */
  request<T = unknown>(path: string, options?: RequestOptions): Promise<HttpResponse<T>>
  /**
   * GETs a JSON document.
   * @example const { data } = await client.getJson<Issue[]>('/repos/o/r/issues', { searchParams: { per_page: 100 } })
   */
  getJson<Schema extends TSchema>(
    path: string,
    options: GetJsonOptions & { schema: Schema },
  ): Promise<HttpResponse<Static<Schema>>>
  getJson<T = unknown>(path: string, options?: GetJsonOptions): Promise<HttpResponse<T>>
  /** POSTs a JSON body and parses the JSON answer (GraphQL, search endpoints). */
  postJson<Schema extends TSchema>(
    path: string,
    json: unknown,
    options: GetJsonOptions & { schema: Schema },
  ): Promise<HttpResponse<Static<Schema>>>
  postJson<T = unknown>(path: string, json: unknown, options?: GetJsonOptions): Promise<HttpResponse<T>>
  /**
   * Sends a request whose answer is a stream of records rather than one JSON document:
   * NDJSON lines or CSV rows (header row → records), possibly gzipped (`Content-Encoding` or
   * a `.gz` body) or packed in a ZIP archive. Resolves once the headers arrive (retried like
   * any request); `data` then yields records as the body arrives, in bounded memory. With a
   * `schema`, each record is checked (an `InvalidResponseError` names the record and path);
   * malformed data is an `ApiCallError` naming the request and the line or entry. Breaking
   * off the iteration cancels the rest of the body.
   * @example
   * const { data: events } = await client.streamRecords('/export', { format: 'ndjson', searchParams: { from } })
   * for await (const event of events) yield event
   */
  streamRecords<T = unknown>(path: string, options: StreamRecordsOptions): Promise<HttpResponse<AsyncIterable<T>>>
  /** The absolute URL a path resolves to, with query parameters (before auth). */
  resolveUrl(path: string, searchParams?: SearchParams): string
}
