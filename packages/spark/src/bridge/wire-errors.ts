import { ApiCallError, LakeflowError, redact } from '@lakeflow/core/errors'
import type { WireError } from '../protocol/messages.ts'

/**
 * An error as it crosses the bridge: class name, category, redacted message, and for API
 * calls whether a retry may succeed and the HTTP status. Stacks travel only for errors
 * that are not Lakeflow errors (bugs), redacted like the message.
 */
export function toWireError(error: unknown): WireError {
  if (LakeflowError.isInstance(error)) {
    const wire: WireError = { name: error.name, category: error.category, message: error.message }
    if (ApiCallError.isInstance(error)) {
      wire.retryable = error.isRetryable
      if (error.status !== undefined) wire.status = error.status
    }
    return wire
  }
  if (error instanceof Error) {
    const wire: WireError = { name: error.name, category: 'internal', message: redact(error.message) }
    if (error.stack) wire.stack = redact(error.stack)
    return wire
  }
  return { name: 'Error', category: 'internal', message: redact(String(error)) }
}
