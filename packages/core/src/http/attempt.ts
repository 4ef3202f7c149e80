import type { KyInstance } from 'ky'
import type { ErrorCategory } from '../errors/lakeflow-error.ts'
import { redact } from '../errors/redact.ts'
import { discardBody, HOOK_BODY_CHARS, InvalidJsonBody, parseJsonBody, readErrorBody } from './json.ts'
import type { RateLimitRules, RateLimitWait } from './rate-limit.ts'
import { estimateServerTime, type RetryPolicy } from './retry.ts'
import { streamBody } from './stream-body.ts'
import type { ApiErrorHook, AuthContext, HttpAuth, HttpResponse, ResponseMeta, RetryReason } from './types.ts'

/** Everything one request needs, fixed before its first attempt. */
export interface RequestPlan {
  readonly method: string
  /** The URL before auth; the only URL that reaches responses, events and errors. */
  readonly url: string
  readonly headers: Headers
  readonly json: unknown
  readonly body: string | Uint8Array | URLSearchParams | undefined
  readonly responseType: 'json' | 'text' | 'none' | 'stream'
  readonly allowStatuses: ReadonlySet<number>
  readonly timeoutMs: number
  readonly policy: RetryPolicy
  readonly isApiError: ApiErrorHook | undefined
  readonly auth: HttpAuth | undefined
  readonly signal: AbortSignal | undefined
  /** Category of a non-retryable failure (token requests report `auth`). */
  readonly failureCategory: ErrorCategory | undefined
  /** The client's rate-limit rules; `undefined` for bare requests (token endpoints). */
  readonly rateLimit: RateLimitRules | undefined
}

/** Why an attempt failed, in plain data: no ky error, Request or Response survives it. */
export interface AttemptFailure {
  readonly reason: RetryReason | 'unauthorized' | 'fatal'
  /** Whether the same request may succeed later (the nature of the failure, not the policy). */
  readonly retryable: boolean
  /** Whether the retry policy allows another attempt for this kind of failure. */
  readonly policyAllows: boolean
  readonly message: string
  readonly status?: number
  /** The start of the response body (the error keeps only its error-shaped fields). */
  readonly body?: string
  /** A plain `{ name, message, code }` cause. */
  readonly cause?: { name: string; message: string; code?: string }
  readonly category?: ErrorCategory
  readonly retryAfter?: string | null
  /** The server's time when it answered (see `estimateServerTime`), to measure a `Retry-After` date against. */
  readonly serverNow?: number
  /** The response asked to come back later: a rate limit, waited out without using an attempt. */
  readonly rateLimit?: RateLimitWait
}

/** The result of one attempt. */
export type AttemptOutcome =
  | { readonly ok: true; readonly response: HttpResponse; readonly rateLimit: RateLimitWait | undefined }
  | { readonly ok: false; readonly failure: AttemptFailure }

const TIMEOUT = Symbol('lakeflow.http.timeout')
const NETWORK_CODES = /^(?:E[A-Z]+|UND_ERR_[A-Z_]+)$/

/** The innermost informative cause of a network error, as plain data (ky's own errors name the URL: skipped). */
function networkCause(error: unknown): { name: string; message: string; code?: string } {
  let current: unknown = error
  let best: { name: string; message: string; code?: string } = { name: 'Error', message: 'network error' }
  for (let depth = 0; depth < 6 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code
    if (!(current as { isKyError?: boolean }).isKyError) {
      best = { name: current.name, message: current.message }
      if (typeof code === 'string') best.code = code
    }
    current = current.cause
  }
  return best
}

function isNetworkError(error: unknown): boolean {
  for (let current = error, depth = 0; depth < 6 && current instanceof Error; depth++) {
    if (current.name === 'NetworkError' || current.message === 'fetch failed' || current.message === 'terminated') {
      return true
    }
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && NETWORK_CODES.test(code)) return true
    current = current.cause
  }
  return false
}

function describe(cause: { message: string; code?: string }): string {
  return cause.code && !cause.message.includes(cause.code) ? `${cause.code}: ${cause.message}` : cause.message
}

/** Classifies an exception thrown by fetch or a body read. Cancellation by the caller is rethrown. */
function transportFailure(plan: RequestPlan, timer: AbortSignal, error: unknown, phase: string): AttemptFailure {
  if (plan.signal?.aborted) throw plan.signal.reason
  if (timer.aborted && timer.reason === TIMEOUT) {
    return {
      reason: 'timeout',
      retryable: true,
      policyAllows: plan.policy.retryOnTimeout,
      message: `Request timed out after ${plan.timeoutMs} ms ${phase}`,
      cause: { name: 'TimeoutError', message: `no complete response within ${plan.timeoutMs} ms` },
    }
  }
  if (isNetworkError(error) || phase === 'while reading the body') {
    const cause = networkCause(error)
    return {
      reason: 'network',
      retryable: true,
      policyAllows: plan.policy.retryOnNetworkError,
      message: `Network error ${phase} (${describe(cause)})`,
      cause,
    }
  }
  const cause = networkCause(error)
  return {
    reason: 'fatal',
    retryable: false,
    policyAllows: false,
    message: `Request could not be sent (${describe(cause)})`,
    cause,
    category: 'internal',
  }
}

/** Sends one attempt and classifies its result. Never throws, except the caller's own cancellation. */
export async function runAttempt(ky: KyInstance, plan: RequestPlan, authContext: AuthContext): Promise<AttemptOutcome> {
  const url = new URL(plan.url)
  const headers = new Headers(plan.headers)
  if (plan.auth) await plan.auth.apply({ url, headers }, authContext)
  const timer = new AbortController()
  const timeout = setTimeout(() => timer.abort(TIMEOUT), plan.timeoutMs)
  const signal = plan.signal ? AbortSignal.any([timer.signal, plan.signal]) : timer.signal
  try {
    let response: Response
    try {
      response = await ky(url.href, {
        method: plan.method,
        headers,
        json: plan.json,
        body: plan.body,
        signal,
        retry: 0,
        timeout: false,
        throwHttpErrors: false,
      })
    } catch (error) {
      return { ok: false, failure: transportFailure(plan, timer.signal, error, 'before the response headers') }
    }
    const meta: ResponseMeta = {
      status: response.status,
      headers: response.headers,
      url: plan.url,
      method: plan.method,
    }
    const allowed = plan.allowStatuses.has(response.status)
    const serverNow = estimateServerTime(response.headers.get('date'))
    if (response.ok || allowed) {
      const rateLimit = plan.rateLimit?.waitFor(meta, serverNow)
      if (plan.responseType === 'stream') {
        if (!response.ok) await discardBody(response)
        const data = response.ok
          ? streamBody(response, {
              url: plan.url,
              method: plan.method,
              status: response.status,
              idleTimeoutMs: plan.timeoutMs,
              abortForTimeout: () => timer.abort(TIMEOUT),
              signal: plan.signal,
            })
          : undefined
        return { ok: true, response: { ...meta, data }, rateLimit }
      }
      let data: unknown
      try {
        if (plan.responseType === 'none') await discardBody(response)
        else {
          const text = await response.text()
          data = plan.responseType === 'text' ? text : parseJsonBody(text)
        }
      } catch (error) {
        return { ok: false, failure: transportFailure(plan, timer.signal, error, 'while reading the body') }
      }
      if (data instanceof InvalidJsonBody) {
        if (!response.ok) data = undefined
        else {
          return {
            ok: false,
            failure: {
              reason: 'invalid-body',
              retryable: true,
              policyAllows: true,
              status: response.status,
              message: `Response body is not valid JSON, malformed or truncated (${data.message})`,
              body: data.excerpt,
            },
          }
        }
      }
      const hook = response.ok && plan.responseType === 'json' && data !== undefined ? plan.isApiError : undefined
      const verdict = hook?.(data, meta)
      if (verdict) {
        return {
          ok: false,
          failure: {
            reason: 'api-error',
            retryable: verdict.retryable,
            policyAllows: true,
            status: response.status,
            message: `Source API reported an error inside a ${response.status} response: ${verdict.message}`,
            category: verdict.category ?? (verdict.retryable ? 'transient' : 'source'),
          },
        }
      }
      return { ok: true, response: { ...meta, data }, rateLimit }
    }
    // An error body is small and read whole: the rate-limit rules see its start.
    const body = redact(await readErrorBody(response, HOOK_BODY_CHARS))
    const rateLimit = plan.rateLimit?.waitFor({ ...meta, bodyText: body }, serverNow)
    const status = response.status
    if (status === 401 && plan.auth?.refresh) {
      return {
        ok: false,
        failure: {
          reason: 'unauthorized',
          retryable: false,
          policyAllows: false,
          status,
          message: 'Unauthorized',
          body,
        },
      }
    }
    if (rateLimit !== undefined) {
      return {
        ok: false,
        failure: {
          reason: 'rate-limit',
          retryable: true,
          policyAllows: true,
          status,
          message: `Rate limited (${rateLimit.limit})`,
          body,
          rateLimit,
        },
      }
    }
    const retryable = plan.policy.statusCodes.has(status)
    return {
      ok: false,
      failure: {
        reason: 'status',
        retryable,
        policyAllows: retryable,
        status,
        message:
          status === 401 || status === 403
            ? 'Source API rejected the credentials'
            : 'Source API returned an error status',
        body,
        retryAfter: response.headers.get('retry-after'),
        serverNow,
        category: retryable ? undefined : plan.failureCategory,
      },
    }
  } finally {
    clearTimeout(timeout)
  }
}
