import type { Offset, RawRecord, TableRead } from '../connector/types.ts'
import { InvalidOptionsError } from '../errors/errors.ts'
import { LakeflowError } from '../errors/lakeflow-error.ts'
import { excerpt } from '../errors/redact.ts'
import type { ListingRequest } from '../http/paginators.ts'
import type { InitClock } from './clock.ts'
import { type CursorFormat, isTimeFormat, parseCursor } from './cursor-values.ts'
import { chunksOf, type Listing } from './listing.ts'
import { isNewAfter, type Position, type PositionCodec, PositionTracker, readPosition } from './position.ts'

/** How one table's cursor reads behave, resolved from its declaration and options. */
export interface CursorSettings {
  readonly table: string
  /** The record's cursor value (epoch ms for times). */
  readonly cursorOf: (record: RawRecord) => number
  /** The record's id as listed in offsets; required when ties are remembered or pages restart. */
  readonly idOf: ((record: RawRecord) => string) | undefined
  /** With ids remembered: still end a capped batch only where the cursor value changes. */
  readonly finishGroup: boolean
  readonly codec: PositionCodec
  readonly clock: InitClock
  /** Records per call. @default unlimited */
  readonly limit: number
  /** Re-read this far before the cursor (only when something is new), in ms. */
  readonly lookbackMs: number
  /** Where a stream without a position starts (inclusive when ids are remembered, else exclusive). */
  readonly start: number | undefined
  /** Restart the listing from the last cursor after each page (keyset paging). */
  readonly keyset: boolean
  /** Reshapes each record; `undefined` drops it. */
  readonly map: (record: RawRecord) => RawRecord | undefined
  /** When records without a cursor are skipped (not stamped yet): whether a record has one. */
  readonly stamped?: (record: RawRecord) => boolean
}

/** Reads a record's cursor field as an engine number, or fails naming the table, field and value. */
export function cursorReader(table: string, field: string, read: (record: RawRecord) => unknown, format: CursorFormat) {
  return (record: RawRecord): number => {
    const raw = read(record)
    const value = parseCursor(raw, format)
    if (value === undefined) {
      throw new LakeflowError(
        `Table "${table}": a record's cursor "${field}" is ${excerpt(raw, 60)}; expected a ${format} value`,
        { category: 'source' },
      )
    }
    return value
  }
}

/**
 * Parses a start option (`start_date`) as an engine value, or throws `InvalidOptionsError`
 * naming the option: a date, a date-time, or (for numeric cursors) a number.
 */
export function startOption(table: string, value: string | number, format: CursorFormat, key = 'start_date'): number {
  const parsed = parseCursor(value, format)
  if (parsed !== undefined) return parsed
  const expected = isTimeFormat(format)
    ? 'a date such as "2024-01-01" or a date-time such as "2024-01-01T00:00:00Z"'
    : `a ${format} value`
  throw new InvalidOptionsError({
    key,
    where: `table ${table}`,
    problem: `expected ${expected}, got ${excerpt(value, 60)}`,
  })
}

/** Where a read starts: the offset's position, else the start option, else the beginning. */
export function startPosition(settings: CursorSettings, offset: Offset | null): Position | undefined {
  const fromOffset = readPosition(settings.codec, offset, settings.table)
  if (fromOffset !== undefined || settings.start === undefined) return fromOffset
  return { value: settings.start, seen: settings.idOf === undefined ? 'all' : new Set() }
}

/** One ascending pass over a listing: what is new, what to ask for, where to stop. */
export interface AscendingPass {
  readonly start: Position | undefined
  /** The lowest value asked for (the position less the lookback). */
  readonly lowest: number | undefined
  /** The highest value read, inclusive: the cap or a window's end; the clock's cap when undefined. */
  readonly upper: number | undefined
  /** Sent as the listing's `until`. */
  readonly sendUpper: boolean
  /** Emit records read before (inside the lookback) alongside the new ones. */
  readonly reread: boolean
  readonly tracker: PositionTracker
  readonly limit: number
  /** Overrides the settings' `map` (a fan-out child copies its parent's fields). */
  readonly map?: (record: RawRecord) => RawRecord | undefined
}

/**
 * Reads an ascending listing, page by page, yielding records as pages arrive. Returns
 * whether it reached the upper bound (`false` when the batch limit cut it).
 */
export async function* scanAscending(listing: Listing, settings: CursorSettings, pass: AscendingPass) {
  const { start, lowest, tracker } = pass
  const idOf = settings.idOf
  const map = pass.map ?? settings.map
  const needsAtStart = start !== undefined && (start.seen !== 'all' || pass.reread)
  const bounds = (since: number | undefined, inclusive: boolean) => ({
    since,
    sinceInclusive: inclusive,
    ...(pass.sendUpper ? { until: pass.upper } : {}),
  })
  let since = lowest
  let request: ListingRequest | undefined = listing.first(bounds(since, needsAtStart))
  let upper = pass.upper
  // Records at the last value already yielded by this call (a restarted page re-reads them).
  let last = Number.NEGATIVE_INFINITY
  const atLast = new Set<string>()
  let count = 0
  let stopAt: number | undefined
  while (request !== undefined) {
    const page = await listing.fetch(request)
    upper ??= await settings.clock.cap()
    let progressed = false
    for await (const chunk of chunksOf(page)) {
      for (const record of chunk) {
        const value = settings.cursorOf(record)
        if (value > upper) return true
        if (stopAt !== undefined && value !== stopAt) return false
        if (lowest !== undefined && value < lowest) continue
        if (idOf !== undefined) {
          // A restarted page (keyset), or an export that repeats its boundary, gives records again.
          const id = idOf(record)
          if ((settings.keyset && value < last) || (value === last && atLast.has(id))) continue
          if (value !== last) atLast.clear()
          last = value
          atLast.add(id)
          progressed = true
        }
        const isNew = isNewAfter(start, value, () => idOf!(record))
        if (!isNew && !pass.reread) continue
        const mapped = map(record)
        if (mapped !== undefined) yield mapped
        if (!isNew) continue
        tracker.add(value, () => idOf!(record))
        if (++count >= pass.limit && stopAt === undefined) {
          // Remembered ids let a batch end anywhere, as long as they fit in an offset.
          if (idOf !== undefined && !settings.finishGroup && tracker.fits(start)) return false
          stopAt = value
        }
      }
    }
    request = listing.next(page)
    if (request !== undefined && settings.keyset && progressed && (since === undefined || last > since)) {
      since = last
      request = listing.first(bounds(since, true))
    }
  }
  return true
}

/**
 * Whether anything new after `start` exists up to the cap, asking for as few records as
 * the records already read at the position allow: a read with a lookback runs only when it
 * has something new to return alongside the re-read records.
 */
async function hasNew(listing: Listing, settings: CursorSettings, start: Position): Promise<boolean> {
  const pageSize = listing.settings.paginator.description.pageSize?.value
  const seen = start.seen === 'all' ? 0 : start.seen.size
  const size = pageSize === undefined ? undefined : Math.min(pageSize, seen + 1)
  const known = settings.clock.known()
  let request: ListingRequest | undefined = listing.first({
    since: start.value,
    sinceInclusive: start.seen !== 'all',
    ...(size === undefined ? {} : { size }),
    ...(listing.settings.until && known !== undefined ? { until: known } : {}),
  })
  while (request !== undefined) {
    const page = await listing.fetch(request)
    const cap = await settings.clock.cap()
    for await (const chunk of chunksOf(page)) {
      for (const record of chunk) {
        const value = settings.cursorOf(record)
        if (value > cap) return false
        if (isNewAfter(start, value, () => settings.idOf!(record))) return true
      }
    }
    request = listing.next(page)
  }
  return false
}

/** True when the start lies at or past the cap, so nothing can be new (no request needed). */
export function caughtUp(start: Position | undefined, cap: number | undefined): boolean {
  if (start === undefined || cap === undefined) return false
  return start.value > cap || (start.seen === 'all' && start.value >= cap)
}

/**
 * The incremental read of an ascending listing: from the offset's position (less the
 * lookback, when something is new) up to the init-time cap, at most `limit` new records per
 * call without ever splitting what the next call cannot tell apart. Returns the position
 * after the newest record read, or the start offset unchanged when nothing is new.
 */
export async function* readAscending(listing: Listing, settings: CursorSettings, offset: Offset | null): TableRead {
  const unchanged = offset ?? {}
  const fromOffset = readPosition(settings.codec, offset, settings.table)
  const start = startPosition(settings, offset)
  if (caughtUp(start, settings.clock.known())) return unchanged
  const lookback = fromOffset === undefined ? 0 : settings.lookbackMs
  if (fromOffset !== undefined && lookback > 0 && !(await hasNew(listing, settings, fromOffset))) return unchanged
  const sendUpper = listing.settings.until !== undefined
  const upper = sendUpper ? await settings.clock.cap() : undefined
  if (caughtUp(start, upper)) return unchanged
  const tracker = new PositionTracker(settings.idOf !== undefined)
  const pass = {
    start,
    lowest: start === undefined ? undefined : start.value - lookback,
    upper,
    sendUpper,
    reread: lookback > 0,
    tracker,
    limit: settings.limit,
  }
  yield* scanAscending(listing, settings, pass)
  return tracker.position(settings.codec, start) ?? unchanged
}

/** The first record after `since` up to `until`: one record asked for. */
export async function firstAfter(listing: Listing, since: Position | undefined, until: number, query = {}) {
  const page = await listing.fetch(
    listing.first({ since: since?.value, sinceInclusive: since?.seen !== 'all', until, size: 1, query }),
  )
  for await (const chunk of chunksOf(page)) if (chunk.length > 0) return chunk[0]
  return undefined
}

/** Reads every page of a listing, mapping each record: a snapshot, or a fan-out's parents. */
export async function* readAll(
  listing: Listing,
  map: (record: RawRecord) => RawRecord | undefined,
): AsyncGenerator<RawRecord, void, undefined> {
  for (let request: ListingRequest | undefined = listing.first(); request !== undefined; ) {
    const page = await listing.fetch(request)
    for await (const chunk of chunksOf(page)) {
      for (const record of chunk) {
        const mapped = map(record)
        if (mapped !== undefined) yield mapped
      }
    }
    request = listing.next(page)
  }
}

/** Reads every record between two values (a partition): `(since, until]`, no batch limit. */
export async function* readRange(
  listing: Listing,
  settings: CursorSettings,
  since: number | undefined,
  until: number,
): AsyncGenerator<RawRecord, void, undefined> {
  const start = since === undefined ? undefined : { value: since, seen: 'all' as const }
  const tracker = new PositionTracker(false)
  const pass = { start, lowest: since, upper: until, sendUpper: true, reread: false, tracker, limit: Infinity }
  yield* scanAscending(listing, settings, pass)
}
