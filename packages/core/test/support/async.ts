/** Helpers for tests of async iterables and typed rejections (not shipped). */

/** Every item of an async iterable, in order. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of iterable) out.push(item)
  return out
}

/** The error a promise rejects with, checked to be of one Lakeflow error type. */
export async function rejectionOf<E>(
  promise: Promise<unknown>,
  type: { name: string; isInstance(value: unknown): value is E },
): Promise<E> {
  try {
    await promise
  } catch (error) {
    if (type.isInstance(error)) return error
    throw error
  }
  throw new Error(`expected a ${type.name}`)
}
