import { setTimeout as delay } from 'node:timers/promises'
import ky from 'ky'
import corePackage from '../../package.json' with { type: 'json' }
import { ApiCallError } from '../errors/errors.ts'
import type { ErrorCategory } from '../errors/lakeflow-error.ts'
import { redact, redactUrl } from '../errors/redact.ts'
import { currentHttpScope, notify } from './ambient.ts'
import { type AttemptFailure, type RequestPlan, runAttempt } from './attempt.ts'
import { resolveRetryPolicy, retryWait } from './retry.ts'
import type {
  AuthContext,
  HeaderValues,
  HttpClient,
  HttpClientOptions,
  HttpEvent,
  HttpResponse,
  RequestOptions,
  SearchParams,
  StreamRecordsOptions,
} from './types.ts'
import { buildUrl, originOf, userAgentFor } from './url.ts'
import { checkResponseBody, streamedRecords } from './validate-body.ts'

const DEFAULT_TIMEOUT_MS = 30_000
const CORE_USER_AGENT = { packageName: corePackage.name, version: corePackage.version }
const DEFAULT_MAX_RATE_LIMIT_WAIT_MS = 15 * 60_000

/** Internal request settings the public options do not expose. */
interface InternalSettings {
  /** Skip auth, rate-limit hooks and the request gate (token endpoint calls). */
  readonly bare?: boolean
  readonly failureCategory?: ErrorCategory
}

function applyHeaders(target: Headers, values: HeaderValues | undefined): void {
  if (!values) return
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) target.delete(name)
    else target.set(name, value)
  }
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${value}`)
  return value
}

/**
 * Creates the HTTP client connectors use for every call to their source. It is built on
 * ky with ky's retry disabled: this client alone retries (see {@link RetryOptions}),
 * translates every failure into an `ApiCallError` and redacts secrets from errors and events.
 * @example
 * const client = createHttpClient({
 *   baseUrl: 'https://api.github.com',
 *   auth: bearerAuth(options.token),
 *   userAgent: { packageName: '@lakeflow/connector-github', version: '0.1.0' },
 *   rateLimit: { fromResponse: headerRateLimit() },
 * })
 * const { data } = await client.getJson<Repo>('/repos/octocat/hello-world')
 */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const clientPolicy = resolveRetryPolicy(options.retry)
  const timeoutMs = positive('timeoutMs', options.timeoutMs ?? DEFAULT_TIMEOUT_MS)
  const maxRateLimitWaitMs = options.rateLimit?.maxWaitMs ?? DEFAULT_MAX_RATE_LIMIT_WAIT_MS
  const baseOrigin = options.baseUrl ? originOf(options.baseUrl) : undefined
  if (options.baseUrl && baseOrigin === undefined) {
    throw new TypeError(`baseUrl must be an absolute URL, got ${JSON.stringify(redactUrl(options.baseUrl))}`)
  }
  if (options.baseUrl && /^[a-z][a-z\d+.-]*:\/\/[^/?#]*@/i.test(options.baseUrl)) {
    throw new TypeError(
      `baseUrl must not contain credentials (use basicAuth or another auth helper), got ${JSON.stringify(redactUrl(options.baseUrl))}`,
    )
  }
  const kyInstance = ky.create({ retry: 0, timeout: false, throwHttpErrors: false, fetch: options.fetch })
  const baseHeaders = new Headers()
  // Without a connector's own identity, requests still name the framework (never fetch's default).
  baseHeaders.set('user-agent', userAgentFor(options.userAgent ?? CORE_USER_AGENT))
  applyHeaders(baseHeaders, options.headers)
  const onEvent = options.onEvent
  const fromResponse = options.rateLimit?.fromResponse
  const budget = options.rateLimit?.budget
  /** Epoch ms before which no request is sent (set by the rate-limit hook on a success). */
  let notBefore = 0

  function emit(event: HttpEvent): void {
    onEvent?.(event)
    const scopeListener = currentHttpScope()?.onEvent
    if (scopeListener) notify(scopeListener, event)
  }

  function combinedSignal(signal: AbortSignal | undefined): AbortSignal | undefined {
    if (options.signal && signal) return AbortSignal.any([options.signal, signal])
    return signal ?? options.signal
  }

  async function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    if (ms <= 0) return
    try {
      await delay(ms, undefined, { signal })
    } catch (error) {
      if (signal?.aborted) throw signal.reason
      throw error
    }
  }

  const authContext: AuthContext = {
    postForm(url, form, headers) {
      return execute(
        url,
        { method: 'POST', body: new URLSearchParams(form as Record<string, string>), headers },
        { bare: true, failureCategory: 'auth' },
      )
    },
  }

  function toError(plan: RequestPlan, failure: AttemptFailure, attempts: number): ApiCallError {
    return new ApiCallError(failure.message, {
      url: plan.url,
      method: plan.method,
      status: failure.status,
      bodyExcerpt: failure.bodyExcerpt || undefined,
      isRetryable: failure.retryable,
      attempts,
      cause: failure.cause,
      category: failure.category,
    })
  }

  async function waitForGate(plan: RequestPlan, shownUrl: string): Promise<void> {
    const waitMs = notBefore - Date.now()
    if (waitMs <= 0) return
    if (waitMs > maxRateLimitWaitMs) {
      throw new ApiCallError(
        `Rate limit exhausted: the source allows the next request in ${Math.ceil(waitMs / 1000)} s, more than rateLimit.maxWaitMs (${maxRateLimitWaitMs} ms)`,
        { url: plan.url, method: plan.method, isRetryable: true, attempts: 0, category: 'transient' },
      )
    }
    emit({ type: 'rate-limit', method: plan.method, url: shownUrl, waitMs })
    await sleep(waitMs, plan.signal)
  }

  async function execute<T>(path: string, request: RequestOptions, internal: InternalSettings = {}) {
    const method = (request.method ?? 'GET').toUpperCase()
    const url = buildUrl(options.baseUrl, path, request.searchParams)
    const shownUrl = redactUrl(url)
    const responseType = request.responseType ?? 'json'
    const headers = new Headers(baseHeaders)
    if (responseType === 'json' && !headers.has('accept')) headers.set('accept', 'application/json')
    applyHeaders(headers, request.headers)
    const sameOrigin = baseOrigin === undefined || originOf(url) === baseOrigin
    const scope = currentHttpScope()
    const policy =
      scope?.retry === undefined && request.retry === undefined
        ? clientPolicy
        : resolveRetryPolicy(options.retry, scope?.retry, request.retry)
    const plan: RequestPlan = {
      method,
      url,
      headers,
      json: request.json,
      body: request.body,
      responseType,
      allowStatuses: new Set(request.allowStatuses ?? []),
      timeoutMs: positive('timeoutMs', request.timeoutMs ?? scope?.timeoutMs ?? timeoutMs),
      policy,
      isApiError: request.isApiError === false ? undefined : (request.isApiError ?? options.isApiError),
      auth: internal.bare || !sameOrigin ? undefined : options.auth,
      signal: combinedSignal(request.signal),
      failureCategory: internal.failureCategory,
      onResponseMeta: internal.bare ? undefined : fromResponse,
    }
    let attempt = 0
    let refreshed = false
    for (;;) {
      attempt++
      if (!internal.bare) {
        await waitForGate(plan, shownUrl)
        if (budget) {
          const waitMs = await budget.acquire(plan.signal)
          if (waitMs > 0) emit({ type: 'rate-limit', method, url: shownUrl, waitMs })
        }
        await options.rateLimit?.beforeRequest?.({ method, url: shownUrl })
      }
      emit({ type: 'request', method, url: shownUrl, attempt })
      const started = performance.now()
      const outcome = await runAttempt(kyInstance, plan, authContext)
      const status = outcome.ok ? outcome.response.status : outcome.failure.status
      if (status !== undefined) {
        emit({ type: 'response', method, url: shownUrl, attempt, status, durationMs: performance.now() - started })
      }
      if (outcome.ok) {
        const waitMs = outcome.rateLimitWaitMs
        if (waitMs !== undefined && waitMs > 0) notBefore = Math.max(notBefore, Date.now() + waitMs)
        const response = outcome.response
        if (request.schema && responseType === 'json' && response.status < 300)
          checkResponseBody(request.schema, response.data, response)
        return response as HttpResponse<T>
      }
      const failure = outcome.failure
      if (failure.reason === 'unauthorized' && !refreshed && plan.auth?.refresh) {
        refreshed = true
        attempt--
        emit({ type: 'auth-refresh', method, url: shownUrl, auth: plan.auth.kind })
        try {
          await plan.auth.refresh(authContext)
        } catch (error) {
          throw new ApiCallError('Source API answered 401 and renewing the credentials failed', {
            url,
            method,
            status: 401,
            bodyExcerpt: failure.bodyExcerpt || undefined,
            isRetryable: false,
            attempts: attempt + 1,
            category: 'auth',
            cause: error,
          })
        }
        continue
      }
      if (failure.reason === 'unauthorized') {
        throw toError(
          plan,
          { ...failure, message: 'Source API rejected the credentials, even after renewing them', category: 'auth' },
          attempt + (refreshed ? 1 : 0),
        )
      }
      const attempts = attempt + (refreshed ? 1 : 0)
      if (!failure.retryable || !failure.policyAllows || attempt >= plan.policy.limit) {
        throw toError(plan, failure, attempts)
      }
      let waitMs: number
      if (failure.rateLimitWaitMs !== undefined) {
        waitMs = failure.rateLimitWaitMs
        if (waitMs > maxRateLimitWaitMs) {
          throw toError(
            plan,
            {
              ...failure,
              message: `Rate limited; the source allows the next request in ${Math.ceil(waitMs / 1000)} s, more than rateLimit.maxWaitMs (${maxRateLimitWaitMs} ms)`,
              category: 'transient',
            },
            attempts,
          )
        }
        emit({ type: 'rate-limit', method, url: shownUrl, waitMs, status: failure.status })
      } else {
        waitMs = retryWait(plan.policy, attempt, failure.retryAfter ?? null, failure.serverNow)
      }
      emit({
        type: 'retry',
        method,
        url: shownUrl,
        attempt,
        waitMs,
        reason: failure.reason === 'fatal' ? 'status' : failure.reason,
        status: failure.status,
        message: redact(failure.message),
      })
      await sleep(waitMs, plan.signal)
    }
  }

  const client: HttpClient = {
    request<T = unknown>(path: string, request: RequestOptions = {}): Promise<HttpResponse<T>> {
      return execute<T>(path, request)
    },
    getJson(path: string, request: RequestOptions = {}) {
      return execute(path, { ...request, method: 'GET', responseType: 'json' })
    },
    postJson(path: string, json: unknown, request: RequestOptions = {}) {
      return execute(path, { ...request, method: 'POST', responseType: 'json', json })
    },
    async streamRecords<T = unknown>(path: string, options: StreamRecordsOptions) {
      const { format, csv, compression, archive, entries, schema, ...request } = options
      const response = await execute<AsyncIterable<Uint8Array> | undefined>(path, {
        ...request,
        responseType: 'stream',
      })
      const data = streamedRecords(response.data, { format, csv, compression, archive, entries }, schema, response)
      return { ...response, data: data as AsyncIterable<T> }
    },
    resolveUrl(path: string, searchParams?: SearchParams): string {
      return buildUrl(options.baseUrl, path, searchParams)
    },
  }
  return client
}
