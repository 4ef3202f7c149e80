import type { Offset, OffsetValue, RawRecord, TableRead } from '../connector/types.ts'
import { InvalidOffsetError } from '../errors/errors.ts'
import { formatCursor, parseCursor } from './cursor-values.ts'
import type { CursorSettings } from './engine.ts'
import { chunksOf, type Listing } from './listing.ts'
import { isNewAfter, readPosition, writePosition } from './position.ts'

/** Where a newest-first walk resumes: below `below` (records at or above it were read), from `page`. */
export interface ScanResume {
  readonly below: number
  readonly page: number
}

/** One record of a newest-first walk. */
export interface ScannedRecord {
  readonly record: RawRecord
  /** Its ordering key (the cursor). */
  readonly key: number
  /** The page it was on. */
  readonly page: number
}

/** What {@link scanDescending} walks and where it stops. */
export interface DescendingScan {
  /** The key the listing is ordered by, newest (largest) first. */
  readonly keyOf: (record: RawRecord) => number
  /** True for the first record an earlier pass already covered: the walk ends there. */
  readonly isOld: (record: RawRecord, key: number) => boolean
  /** Where a pending pass resumes. */
  readonly resume?: ScanResume | undefined
}

/**
 * Walks a newest-first listing by page number down to the first old record. When resuming,
 * skips records keyed at or above `resume.below` and, if records moved up past the resume
 * page (one left the listing), steps back a page.
 */
export async function* scanDescending(
  listing: Listing,
  scan: DescendingScan,
): AsyncGenerator<ScannedRecord, void, undefined> {
  const { resume } = scan
  let page = resume?.page ?? 1
  let checkResume = resume !== undefined && page > 1
  for (;;) {
    const fetched = await listing.fetch(listing.first({ page }), false)
    const records: RawRecord[] = []
    for await (const chunk of chunksOf(fetched)) records.push(...chunk)
    const head = records[0]
    if (checkResume && head !== undefined && scan.keyOf(head) < resume!.below && page > 1) {
      page--
      continue
    }
    checkResume = false
    for (const record of records) {
      const key = scan.keyOf(record)
      if (scan.isOld(record, key)) return
      if (resume !== undefined && key >= resume.below) continue
      yield { record, key, page }
    }
    if (listing.next(fetched) === undefined) return
    page++
  }
}

/** Offset keys of a pending newest-first pass. */
const PASS = { high: 'high', highSeen: 'high_seen', below: 'below', page: 'page' } as const

/** The pending pass an offset holds: the pass's newest value, the ids read at it, and where it resumes. */
function pendingPass(settings: CursorSettings, offset: Offset | null) {
  const value = (key: string) => offset?.[key]
  if (value(PASS.below) === undefined && value(PASS.page) === undefined) return undefined
  const parse = (key: string) => {
    const parsed = parseCursor(value(key), settings.codec.format)
    if (parsed === undefined) {
      throw new InvalidOffsetError(settings.table, `"${key}" must be a ${settings.codec.format} value`, offset, key)
    }
    return parsed
  }
  const page = value(PASS.page)
  if (typeof page !== 'number' || !Number.isInteger(page) || page < 1) {
    throw new InvalidOffsetError(settings.table, `"${PASS.page}" must be a positive integer`, offset, PASS.page)
  }
  const seen = value(PASS.highSeen)
  return {
    high: parse(PASS.high),
    highSeen: typeof seen === 'string' && seen !== '' ? seen.split(',') : [],
    below: parse(PASS.below),
    page,
  }
}

/**
 * An incremental read of a newest-first listing with no time filter: a pass walks down from
 * the newest record to the offset's position (less the lookback), so it costs what changed.
 * A capped pass ends where the cursor value changes and resumes below it, by page:
 * `{...position, high, high_seen, below, page}` (`below` decreases while the pass goes on);
 * the pass ends with the position of its newest record. Records newer than the cap are left
 * for a later instance; re-read records are emitted only when the pass found new ones.
 * @param timeOf the record's time compared with the cap and the start option, when the cursor is an id
 */
export async function* readDescending(
  listing: Listing,
  settings: CursorSettings,
  offset: Offset | null,
  timeOf: (record: RawRecord) => number = settings.cursorOf,
): TableRead {
  const { codec, idOf } = settings
  const unchanged = offset ?? {}
  const position = readPosition(codec, offset, settings.table)
  const lookback = position === undefined ? 0 : settings.lookbackMs
  const lowest = position === undefined ? undefined : position.value - lookback
  const exclusive = position?.seen === 'all' && lookback === 0
  const fromStart = position === undefined && settings.start !== undefined ? settings.start : undefined
  const isOld = (record: RawRecord, key: number) =>
    lowest !== undefined
      ? exclusive
        ? key <= lowest
        : key < lowest
      : fromStart !== undefined && timeOf(record) < fromStart
  const pending = pendingPass(settings, offset)
  let high = pending?.high
  const highSeen = [...(pending?.highSeen ?? [])]
  let passHasNew = pending !== undefined
  let count = 0
  let stopAt: number | undefined
  let cap: number | undefined
  const scan = { keyOf: settings.cursorOf, isOld, resume: pending && { below: pending.below, page: pending.page } }
  for await (const { record, key, page } of scanDescending(listing, scan)) {
    cap ??= await settings.clock.cap()
    if (timeOf(record) > cap) continue
    const isNew = isNewAfter(position, key, () => idOf!(record))
    if (!isNew && !passHasNew) {
      if (key < position!.value) return unchanged // below the position: only re-reads left, nothing new
      continue // read before, at the position's value; a new record may share it
    }
    if (!isNew && lookback === 0) continue
    if (stopAt !== undefined && key !== stopAt) {
      const cut: Record<string, OffsetValue> = { [PASS.high]: formatCursor(high!, codec.format) }
      for (const name of [codec.cursorKey, codec.seenKey]) if (name && offset?.[name] != null) cut[name] = offset[name]!
      if (highSeen.length > 0) cut[PASS.highSeen] = highSeen.join(',')
      return { ...cut, [PASS.below]: formatCursor(stopAt, codec.format), [PASS.page]: page }
    }
    const mapped = settings.map(record)
    if (mapped !== undefined) yield mapped
    if (!isNew) continue
    passHasNew = true
    high ??= key
    if (idOf !== undefined && key === high) highSeen.push(idOf(record))
    if (++count >= settings.limit) stopAt ??= key
  }
  if (high === undefined) return unchanged
  const earlier = position !== undefined && position.value === high && position.seen !== 'all' ? [...position.seen] : []
  return writePosition(codec, high, idOf === undefined ? [] : [...earlier, ...highSeen])
}

/** The schema keys a pending newest-first pass adds to a table's offset. */
export const PENDING_PASS_KEYS = PASS
