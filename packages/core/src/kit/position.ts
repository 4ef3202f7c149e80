import type { Offset, RawRecord } from '../connector/types.ts'
import { InvalidOffsetError } from '../errors/errors.ts'
import { type CursorFormat, formatCursor, parseCursor, resolutionOf } from './cursor-values.ts'

/**
 * Where a cursor read stands: every record before `value` was read, and at `value` exactly
 * the records whose ids are in `seen` — or, when the table finishes tie groups, all of them.
 */
export interface Position {
  readonly value: number
  /** Ids read at `value`; `'all'` when every record at `value` was read (an exclusive cursor). */
  readonly seen: ReadonlySet<string> | 'all'
}

/** Whether a record at `value` with this id is new after `position`. */
export function isNewAfter(position: Position | undefined, value: number, id: () => string): boolean {
  if (position === undefined || value > position.value) return true
  if (value < position.value || position.seen === 'all') return false
  return !position.seen.has(id())
}

/** Longest `seen` list kept in an offset, in characters; a longer one moves past the value instead. */
export const MAX_SEEN_CHARS = 4000

/** How a position is written in an offset: the keys and the cursor's format. */
export interface PositionCodec {
  /** Offset key of the cursor value. @default 'cursor' */
  readonly cursorKey: string
  /** Offset key of the ids read at the cursor value, when ties are remembered; absent when groups are finished. */
  readonly seenKey: string | undefined
  readonly format: CursorFormat
}

/** Reads the position an offset holds, if any. Throws `InvalidOffsetError` for a value that is not a cursor. */
export function readPosition(codec: PositionCodec, offset: Offset | null, table: string): Position | undefined {
  const raw = offset?.[codec.cursorKey]
  if (raw === undefined || raw === null) return undefined
  const value = parseCursor(raw, codec.format)
  if (value === undefined) {
    throw new InvalidOffsetError(table, `"${codec.cursorKey}" is not a ${codec.format} cursor`, offset, codec.cursorKey)
  }
  if (codec.seenKey === undefined) return { value, seen: 'all' }
  const seen = offset?.[codec.seenKey]
  return { value, seen: new Set(typeof seen === 'string' && seen !== '' ? seen.split(',') : []) }
}

/** Writes a position: the cursor and, when ties are remembered, the ids read at it (past the value when too many to list). */
export function writePosition(
  codec: PositionCodec,
  value: number,
  seen: readonly string[],
): Record<string, string | number> {
  if (codec.seenKey === undefined) return { [codec.cursorKey]: formatCursor(value, codec.format) }
  const list = seen.join(',')
  if (list.length > MAX_SEEN_CHARS)
    return { [codec.cursorKey]: formatCursor(value + resolutionOf(codec.format), codec.format) }
  const out: Record<string, string | number> = { [codec.cursorKey]: formatCursor(value, codec.format) }
  if (list !== '') out[codec.seenKey] = list
  return out
}

/** Collects the newest value read and the ids read at it, to write the next position. */
export class PositionTracker {
  newest: number | undefined
  #atNewest: string[] = []
  #chars = 0
  readonly #remember: boolean

  /** @param remember whether ids at the newest value are kept (ties remembered) */
  constructor(remember: boolean) {
    this.#remember = remember
  }

  /** Notes a new record at `value`. */
  add(value: number, id: () => string): void {
    if (this.newest === undefined || value > this.newest) {
      this.newest = value
      this.#atNewest = []
      this.#chars = 0
    } else if (value < this.newest) return
    if (!this.#remember) return
    const text = id()
    this.#atNewest.push(text)
    this.#chars += text.length + 1
  }

  /** Whether the ids at the newest value still fit in an offset. */
  fits(previous: Position | undefined): boolean {
    const carried = previous !== undefined && previous.value === this.newest && previous.seen !== 'all'
    return this.#chars + (carried ? [...(previous.seen as Set<string>)].join(',').length : 0) <= MAX_SEEN_CHARS
  }

  /** The offset fields after this read, or `undefined` when nothing new was read. */
  position(codec: PositionCodec, previous: Position | undefined): Record<string, string | number> | undefined {
    if (this.newest === undefined) return undefined
    const carried =
      previous !== undefined && previous.value === this.newest && previous.seen !== 'all' ? [...previous.seen] : []
    return writePosition(codec, this.newest, [...carried, ...this.#atNewest])
  }
}

/** An id as it is listed in an offset: commas (the separator) and percent signs escaped. */
export function listedId(id: string): string {
  return /[,%]/.test(id) ? id.replaceAll('%', '%25').replaceAll(',', '%2C') : id
}

/** A record's id for tie bookkeeping, as listed in offsets: its primary key fields joined. */
export function recordIdOf(keys: readonly string[]): (record: RawRecord) => string {
  if (keys.length === 1) {
    const key = keys[0]!
    return (record) => listedId(String(record[key]))
  }
  return (record) => listedId(keys.map((key) => String(record[key])).join('|'))
}
