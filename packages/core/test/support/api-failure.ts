import { expect } from 'vitest'
import { ApiCallError } from '../../src/errors/index.ts'

/** Awaits a request expected to fail and returns its `ApiCallError` (failing the test otherwise). */
export async function apiFailure(promise: Promise<unknown>): Promise<ApiCallError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  expect(ApiCallError.isInstance(error), `expected an ApiCallError, got ${String(error)}`).toBe(true)
  return error as ApiCallError
}
