/**
 * Where an incremental read stands. GitHub's times have whole seconds, and a record can be
 * written in the same second as a read, after it. So a position is a time plus the records
 * already read at exactly that time: `{"cursor": "2024-05-31T17:00:00Z", "seen": "17,42"}`
 * means every record before 17:00:00 was read, and at 17:00:00 the records 17 and 42. A
 * record is new when it is later, or at that second and not seen: nothing written in the
 * boundary second is lost, and nothing read is taken for new.
 */
import type { Offset, RawRecord } from '@lakeflow/core/connector'
import { parseStartDate } from './github-options.ts'
import { offsetString, offsetTimeOf, recordId } from './github-reads.ts'
import { addSeconds, formatTime } from './github-time.ts'

/** Everything before `time` was read, and at `time` the records in `seen`. */
export interface Position {
  readonly time: number
  readonly seen: ReadonlySet<string>
}

/** Longest `seen` list kept in an offset (characters); a longer one moves past the second instead. */
const MAX_SEEN_CHARS = 4000

/** The position in an offset (`cursor` and `seen`), if any. */
export function positionOf(offset: Offset | null, table: string): Position | undefined {
  const time = offsetTimeOf(offset, 'cursor', table)
  if (time === undefined) return undefined
  const seen = offsetString(offset, 'seen', table)
  return { time, seen: new Set(seen ? seen.split(',') : []) }
}

/** Where a read starts: the offset's position, else `start_date` (nothing before it), else the beginning. */
export function startPosition(
  offset: Offset | null,
  startDate: string | undefined,
  table: string,
): Position | undefined {
  const fromOffset = positionOf(offset, table)
  if (fromOffset !== undefined) return fromOffset
  return startDate === undefined ? undefined : { time: parseStartDate(startDate, table), seen: new Set() }
}

/** Whether a record at `time` is new after `position`. */
export function isNewAfter(position: Position | undefined, time: number, record: RawRecord): boolean {
  if (position === undefined || time > position.time) return true
  return time === position.time && !position.seen.has(recordId(record))
}

/** Collects the newest time read and the records read at it, and writes the next position. */
export class PositionTracker {
  newest: number | undefined
  #atNewest: string[] = []

  /** Notes a new record read at `time`. */
  add(time: number, record: RawRecord): void {
    if (this.newest === undefined || time > this.newest) {
      this.newest = time
      this.#atNewest = [recordId(record)]
    } else if (time === this.newest) this.#atNewest.push(recordId(record))
  }

  /** The records read at the newest time, with those of `previous` when it is the same second. */
  seenAtNewest(previous: Position | undefined): string[] {
    const earlier = previous !== undefined && previous.time === this.newest ? [...previous.seen] : []
    return [...earlier, ...this.#atNewest]
  }

  /**
   * The offset after this read, or `undefined` when nothing new was read. When too many
   * records share the newest second to list, moves past that second instead.
   */
  toOffset(previous: Position | undefined): Offset | undefined {
    if (this.newest === undefined) return undefined
    return positionOffset(this.newest, this.seenAtNewest(previous))
  }
}

/** `{cursor, seen}` for a time and the records read at it. */
export function positionOffset(time: number, seen: readonly string[]): Offset {
  const list = seen.join(',')
  if (list.length > MAX_SEEN_CHARS) return { cursor: formatTime(addSeconds(time, 1)) }
  return list === '' ? { cursor: formatTime(time) } : { cursor: formatTime(time), seen: list }
}
