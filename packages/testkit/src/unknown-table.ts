import { isAsyncRead } from './reads.ts'

/** Upstream's name for a table no connector has. */
export const BAD_TABLE = '__nonexistent_table_$$_9z9z9z__'

/**
 * Calls a method that should fail and returns what it threw (or undefined): a synchronous
 * throw, a rejected promise, or a read that fails on its first `next()` all count.
 */
export async function thrownBy(call: () => unknown): Promise<unknown> {
  try {
    const result = call()
    if (isAsyncRead(result)) {
      try {
        await result.next()
      } finally {
        await result.return?.(undefined)
      }
    } else await result
    return undefined
  } catch (error) {
    return error ?? new Error('threw a nullish value')
  }
}
