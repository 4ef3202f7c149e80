import { isPlainObject } from '../internal/values.ts'
import type { ApiErrorHook, ApiErrorVerdict } from './types.ts'

/** GraphQL error codes (`extensions.code` or `type`) that mean "try again later". */
const GRAPHQL_RETRYABLE = new Set([
  'RATE_LIMITED',
  'INTERNAL_SERVER_ERROR',
  'SERVICE_UNAVAILABLE',
  'TIMEOUT',
  'THROTTLED',
])

/** Options of {@link graphqlApiError}. */
export interface GraphqlApiErrorOptions {
  /**
   * Treat a response that has both `data` and `errors` as good (partial results); by
   * default any error fails the request, since a partial page would silently lose records.
   * @default false
   */
  allowPartialData?: boolean
  /**
   * Error codes (from `extensions.code` or GitHub's `type`) that are retried.
   * @default ['RATE_LIMITED', 'INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE', 'TIMEOUT', 'THROTTLED']
   */
  retryableCodes?: readonly string[]
}

/**
 * An `isApiError` hook for GraphQL: a 200 whose body has a non-empty `errors` array fails,
 * retryable when an error's code is in `retryableCodes`.
 * @example createHttpClient({ baseUrl, isApiError: graphqlApiError() })
 */
export function graphqlApiError(options: GraphqlApiErrorOptions = {}): ApiErrorHook {
  const retryable = new Set(options.retryableCodes ?? GRAPHQL_RETRYABLE)
  return (body) => {
    if (!isPlainObject(body) || !Array.isArray(body.errors) || body.errors.length === 0) return undefined
    if (options.allowPartialData && body.data !== undefined && body.data !== null) return undefined
    const errors = body.errors.filter(isPlainObject)
    const codes = errors.map((error) => {
      const extensions = isPlainObject(error.extensions) ? error.extensions : {}
      return String(extensions.code ?? error.type ?? '')
    })
    const messages = errors.map((error) => String(error.message ?? 'error')).slice(0, 3)
    const more = body.errors.length > 3 ? ` (+${body.errors.length - 3} more)` : ''
    const verdict: ApiErrorVerdict = {
      message: `GraphQL errors: ${messages.join('; ')}${more}`,
      retryable: codes.some((code) => retryable.has(code)),
    }
    return verdict
  }
}

/** FHIR issue codes of the `transient` family: retrying may succeed. */
const FHIR_TRANSIENT = new Set([
  'transient',
  'lock-error',
  'no-store',
  'exception',
  'timeout',
  'incomplete',
  'throttled',
])

/**
 * An `isApiError` hook for FHIR: an `OperationOutcome` with an `error` or `fatal` issue in
 * a 2xx body fails; retryable when the issue code is of the `transient` family
 * (`transient`, `throttled`, `timeout`, `lock-error`, ...). Warnings and information pass.
 * @example createHttpClient({ baseUrl, isApiError: fhirOperationOutcomeApiError() })
 */
export function fhirOperationOutcomeApiError(): ApiErrorHook {
  return (body) => {
    if (!isPlainObject(body) || body.resourceType !== 'OperationOutcome' || !Array.isArray(body.issue)) return undefined
    const issues = body.issue
      .filter(isPlainObject)
      .filter((issue) => issue.severity === 'error' || issue.severity === 'fatal')
    if (issues.length === 0) return undefined
    const describe = (issue: Record<string, unknown>) => {
      const details = isPlainObject(issue.details) ? issue.details.text : undefined
      return `${String(issue.code ?? 'unknown')}: ${String(issue.diagnostics ?? details ?? 'no diagnostics')}`
    }
    return {
      message: `FHIR OperationOutcome: ${issues.slice(0, 3).map(describe).join('; ')}`,
      retryable: issues.every((issue) => FHIR_TRANSIENT.has(String(issue.code))),
    }
  }
}
