import { ApiCallError, type ApiCallErrorDetails } from './errors.ts'
import { hasMarker } from './lakeflow-error.ts'

const RATE_LIMIT_ERROR = Symbol.for('lakeflow.error.RateLimitError')

/** What {@link RateLimitError} carries beyond an `ApiCallError`. */
export interface RateLimitErrorDetails extends Omit<ApiCallErrorDetails, 'isRetryable' | 'category'> {
  /** The limit the source named, as the connector calls it (`retry-after`, `quota`, `secondary`). */
  limit: string
  /** The wait the source asked for and the client did not take, in ms. */
  waitMs: number
  /** How long this request already waited for rate limits, in ms. */
  waitedMs: number
  /** When the source allows the next request, epoch ms on the source's clock, when known. */
  resumeAt?: number
}

/**
 * The source asked the client to wait longer than it may (`rateLimit.maxWaitMs`, for one
 * wait or in total for one request). Always retryable and `transient`: nothing was read
 * past the last offset, and a later run continues from it.
 */
export class RateLimitError extends ApiCallError {
  readonly [RATE_LIMIT_ERROR] = true
  /** The limit the source named. */
  readonly limit: string
  /** The wait asked for and not taken, in ms. */
  readonly waitMs: number
  /** How long the request had already waited, in ms. */
  readonly waitedMs: number
  /** When the source allows the next request (epoch ms, the source's clock), if known. */
  readonly resumeAt: number | undefined

  constructor(message: string, details: RateLimitErrorDetails) {
    super(message, { ...details, isRetryable: true, category: 'transient' })
    this.name = 'RateLimitError'
    this.limit = details.limit
    this.waitMs = details.waitMs
    this.waitedMs = details.waitedMs
    this.resumeAt = details.resumeAt
  }

  static override isInstance(value: unknown): value is RateLimitError {
    return hasMarker(value, RATE_LIMIT_ERROR)
  }
}
