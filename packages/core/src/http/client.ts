import { setTimeout as delay } from 'node:timers/promises'
import ky from 'ky'
import corePackage from '../../package.json' with { type: 'json' }
import { ApiCallError } from '../errors/errors.ts'
import type { ErrorCategory } from '../errors/lakeflow-error.ts'
import { RateLimitError } from '../errors/rate-limit-error.ts'
import { redact, redactUrl } from '../errors/redact.ts'
import { currentHttpScope, notify } from './ambient.ts'
import { type AttemptFailure, type RequestPlan, runAttempt } from './attempt.ts'
import { type RateLimitWait, resolveRateLimitRules } from './rate-limit.ts'
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
/** Rate-limit waits one request may take, however short each (a server saying "come back" forever). */
const MAX_RATE_LIMIT_WAITS = 100

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

/** An epoch time as ISO 8601, without milliseconds when it has none. */
function instant(epochMs: number): string {
  const text = new Date(epochMs).toISOString()
  return epochMs % 1000 === 0 ? `${text.slice(0, 19)}Z` : text
}

const seconds = (ms: number) => Math.ceil(ms / 1000)

/** Why a rate-limit wait is not taken, for a `RateLimitError`. */
function exceededMessage(
  wait: RateLimitWait,
  waitMs: number,
  waitedMs: number,
  bound: 'one wait' | 'all waits' | 'wait count',
  setting: { readonly name: string; readonly value: string | number },
): string {
  const asked = `${wait.description} at ${instant(wait.resumeAt)}, in ${seconds(waitMs)} s`
  const verdict =
    bound === 'wait count'
      ? `; this request already waited ${MAX_RATE_LIMIT_WAITS} times (${seconds(waitedMs)} s), the most one request may`
      : bound === 'all waits'
        ? `; this request already waited ${seconds(waitedMs)} s, and ${seconds(waitedMs + waitMs)} s in all is longer than ${setting.name} (${setting.value})`
        : `, longer than ${setting.name} (${setting.value})`
  return (
    `${asked}${verdict}. Nothing was skipped: the read resumes from its last offset on the next run; ` +
    `raise ${setting.name} to wait instead`
  )
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
  const rateLimitRules = resolveRateLimitRules(options.rateLimit)
  const maxWaitSetting = options.rateLimit?.maxWaitSetting ?? {
    name: 'rateLimit.maxWaitMs',
    value: `${maxRateLimitWaitMs} ms`,
  }
  const budget = options.rateLimit?.budget
  /** Epoch ms before which no request is sent (set by a success that used the quota up), and why. */
  let notBefore = 0
  let gateLimit: RateLimitWait | undefined

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
      body: failure.body,
      isRetryable: failure.retryable,
      attempts,
      cause: failure.cause,
      category: failure.category,
    })
  }

  async function waitForGate(plan: RequestPlan, shownUrl: string): Promise<void> {
    const waitMs = notBefore - Date.now()
    if (waitMs <= 0 || gateLimit === undefined) return
    if (waitMs > maxRateLimitWaitMs) {
      throw new RateLimitError(exceededMessage(gateLimit, waitMs, 0, 'one wait', maxWaitSetting), {
        url: plan.url,
        method: plan.method,
        attempts: 0,
        limit: gateLimit.limit,
        waitMs,
        waitedMs: 0,
        resumeAt: gateLimit.resumeAt,
      })
    }
    emit({ type: 'rate-limit', method: plan.method, url: shownUrl, waitMs, limit: gateLimit.limit })
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
      rateLimit: internal.bare ? undefined : rateLimitRules,
    }
    /** Requests sent, every kind counted (what errors and events call attempts). */
    let sent = 0
    /** Failed attempts the retry policy counts: errors, not rate-limit waits nor a credential refresh. */
    let errorAttempts = 0
    let refreshed = false
    let rateLimitWaits = 0
    let rateLimitWaitedMs = 0
    for (;;) {
      const attempt = ++sent
      if (!internal.bare) {
        await waitForGate(plan, shownUrl)
        if (budget) {
          const waitMs = await budget.acquire(plan.signal)
          if (waitMs > 0) emit({ type: 'rate-limit', method, url: shownUrl, waitMs, limit: 'budget' })
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
        const wait = outcome.rateLimit
        if (wait !== undefined && wait.waitMs > 0 && Date.now() + wait.waitMs > notBefore) {
          notBefore = Date.now() + wait.waitMs
          gateLimit = wait
        }
        const response = outcome.response
        if (request.schema && responseType === 'json' && response.status < 300)
          checkResponseBody(request.schema, response.data, response)
        return response as HttpResponse<T>
      }
      const failure = outcome.failure
      if (failure.reason === 'unauthorized' && !refreshed && plan.auth?.refresh) {
        refreshed = true
        emit({ type: 'auth-refresh', method, url: shownUrl, auth: plan.auth.kind })
        try {
          await plan.auth.refresh(authContext)
        } catch (error) {
          throw new ApiCallError('Source API answered 401 and renewing the credentials failed', {
            url,
            method,
            status: 401,
            body: failure.body,
            isRetryable: false,
            attempts: attempt,
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
          attempt,
        )
      }
      const wait = failure.rateLimit
      if (wait !== undefined) {
        // The source said when to come back: wait, within bounds, without using an attempt.
        const total = rateLimitWaitedMs + wait.waitMs
        const bound =
          wait.waitMs > maxRateLimitWaitMs
            ? 'one wait'
            : total > maxRateLimitWaitMs
              ? 'all waits'
              : rateLimitWaits >= MAX_RATE_LIMIT_WAITS
                ? 'wait count'
                : undefined
        if (bound !== undefined) {
          throw new RateLimitError(exceededMessage(wait, wait.waitMs, rateLimitWaitedMs, bound, maxWaitSetting), {
            url,
            method,
            status: failure.status,
            body: failure.body,
            attempts: attempt,
            limit: wait.limit,
            waitMs: wait.waitMs,
            waitedMs: rateLimitWaitedMs,
            resumeAt: wait.resumeAt,
          })
        }
        rateLimitWaits++
        rateLimitWaitedMs = total
        emit({
          type: 'rate-limit',
          method,
          url: shownUrl,
          waitMs: wait.waitMs,
          status: failure.status,
          limit: wait.limit,
        })
        emit({
          type: 'retry',
          method,
          url: shownUrl,
          attempt,
          waitMs: wait.waitMs,
          reason: 'rate-limit',
          status: failure.status,
          limit: wait.limit,
          message: `${failure.message}: the source allows the next request in ${seconds(wait.waitMs)} s`,
        })
        await sleep(wait.waitMs, plan.signal)
        continue
      }
      errorAttempts++
      if (!failure.retryable || !failure.policyAllows || errorAttempts >= plan.policy.limit) {
        throw toError(plan, failure, attempt)
      }
      const waitMs = retryWait(plan.policy, errorAttempts, failure.retryAfter ?? null, failure.serverNow)
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
