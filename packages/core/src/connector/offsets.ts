import { InvalidOffsetError } from '../errors/errors.ts'
import { isPlainObject } from '../internal/values.ts'
import type { Offset, RawRecord, TableRead } from './types.ts'

/** Offsets larger than this (as JSON) are rejected: an offset is a position, not a data store. */
export const MAX_OFFSET_BYTES = 16 * 1024

/** Canonical JSON text of an offset (keys sorted), the form used to compare and store offsets. */
export function canonicalOffset(offset: Offset | null | undefined): string {
  if (offset === null || offset === undefined) return 'null'
  const keys = Object.keys(offset).sort()
  return `{${keys.map((key) => `${JSON.stringify(key)}:${JSON.stringify(offset[key])}`).join(',')}}`
}

/** Offset equality as the framework defines it: same keys and values, key order ignored. */
export function sameOffset(left: Offset | null | undefined, right: Offset | null | undefined): boolean {
  return canonicalOffset(left) === canonicalOffset(right)
}

/**
 * Checks that a value is a valid offset: `null` or a plain object of primitive values
 * (strings, finite numbers, booleans, null), under {@link MAX_OFFSET_BYTES} as JSON.
 * Throws `InvalidOffsetError` naming the table and the problem.
 */
export function assertOffset(value: unknown, tableName: string): asserts value is Offset | null {
  if (value === null) return
  if (typeof value !== 'object' || Array.isArray(value) || value === undefined) {
    throw new InvalidOffsetError(tableName, 'expected a JSON object of primitives or null', value)
  }
  if (!isPlainObject(value)) {
    throw new InvalidOffsetError(tableName, 'expected a plain object', value)
  }
  for (const [key, item] of Object.entries(value)) {
    const ok =
      item === null ||
      typeof item === 'string' ||
      typeof item === 'boolean' ||
      (typeof item === 'number' && Number.isFinite(item))
    if (!ok)
      throw new InvalidOffsetError(tableName, `key "${key}" must be a string, finite number, boolean or null`, value)
  }
  const size = Buffer.byteLength(canonicalOffset(value as Offset))
  if (size > MAX_OFFSET_BYTES) {
    throw new InvalidOffsetError(tableName, `offset is ${size} bytes as JSON; the limit is ${MAX_OFFSET_BYTES}`, '…')
  }
}

/** What {@link drainRead} returns. */
export interface DrainedRead {
  /** The end offset the read returned. */
  offset: Offset | null
  /** Records consumed. */
  count: number
}

/**
 * Consumes a {@link TableRead} to its end, handing each record to `onRecord`, and returns
 * the end offset. `onRecord` may be async (back-pressure).
 */
export async function drainRead(
  read: TableRead,
  onRecord: (record: RawRecord) => void | Promise<void> = () => {},
): Promise<DrainedRead> {
  let count = 0
  for (;;) {
    const step = await read.next()
    if (step.done) return { offset: step.value ?? null, count }
    count++
    const pending = onRecord(step.value)
    if (pending) await pending
  }
}

/**
 * Collects a read into memory: for tests and small tables only. With `limit`, stops after
 * that many records, closes the read, and reports `offset: undefined` (the read did not finish).
 */
export async function collectRead(
  read: TableRead,
  limit = Number.POSITIVE_INFINITY,
): Promise<{ records: RawRecord[]; offset: Offset | null | undefined; complete: boolean }> {
  const records: RawRecord[] = []
  for (;;) {
    if (records.length >= limit) {
      await read.return(null)
      return { records, offset: undefined, complete: false }
    }
    const step = await read.next()
    if (step.done) return { records, offset: step.value ?? null, complete: true }
    records.push(step.value)
  }
}
