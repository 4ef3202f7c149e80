import { ApiCallError } from '../errors/errors.ts'

/** What reading a streamed body needs from its request. */
export interface StreamContext {
  readonly url: string
  readonly method: string
  readonly status: number
  /** Longest wait for the next chunk; the request's `timeoutMs`. */
  readonly idleTimeoutMs: number
  /** Aborts the fetch (its reason marks a timeout). */
  readonly abortForTimeout: () => void
  /** The caller's cancellation. */
  readonly signal: AbortSignal | undefined
}

/**
 * A response body as byte chunks, read only as fast as the consumer asks (fetch's stream
 * backpressure), so a body of any size is never held. A stall longer than the timeout and
 * a connection dropped mid-body become a retryable `ApiCallError` naming the request;
 * the caller's cancellation is rethrown as is. Stopping early cancels the body.
 */
export async function* streamBody(
  response: Response,
  context: StreamContext,
): AsyncGenerator<Uint8Array, void, undefined> {
  const body = response.body
  if (body === null) return
  const reader = body.getReader()
  let timedOut = false
  let bytes = 0
  let timer: NodeJS.Timeout | undefined
  const arm = () => {
    clearTimeout(timer)
    timer = setTimeout(() => {
      timedOut = true
      context.abortForTimeout()
    }, context.idleTimeoutMs)
  }
  let finished = false
  try {
    for (;;) {
      arm()
      let step: Awaited<ReturnType<typeof reader.read>>
      try {
        step = await reader.read()
      } catch (error) {
        if (context.signal?.aborted) throw context.signal.reason
        const problem = timedOut
          ? `Response body stalled: no data for ${context.idleTimeoutMs} ms after ${bytes} bytes`
          : `Network error while streaming the body, after ${bytes} bytes`
        throw new ApiCallError(problem, {
          url: context.url,
          method: context.method,
          status: context.status,
          isRetryable: true,
          cause: error,
          category: 'transient',
        })
      }
      if (step.done) {
        finished = true
        return
      }
      bytes += step.value.byteLength
      yield step.value
    }
  } finally {
    clearTimeout(timer)
    if (!finished) await reader.cancel().catch(() => {})
    reader.releaseLock()
  }
}
