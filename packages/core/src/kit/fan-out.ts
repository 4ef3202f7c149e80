import type { Offset, OffsetValue, RawRecord, TableRead } from '../connector/types.ts'
import { InvalidOffsetError } from '../errors/errors.ts'
import { formatCursor, parseCursor } from './cursor-values.ts'
import { PENDING_PASS_KEYS as PASS, scanDescending } from './descending.ts'
import { type CursorSettings, readAll, startPosition } from './engine.ts'
import type { Listing } from './listing.ts'
import { isNewAfter, type Position, PositionTracker, readPosition, writePosition } from './position.ts'

/** A child listing with the mapping of its records (which copies its parent's fields). */
export interface ChildListing {
  readonly listing: Listing
  readonly map: (record: RawRecord) => RawRecord | undefined
}

/** The children of one listing that are new after `start` and stamped up to `cap`, in any order. */
async function* newChildren(child: ChildListing, settings: CursorSettings, start: Position | undefined, cap: number) {
  for await (const record of readAll(child.listing, (record) => record)) {
    if (settings.stamped && !settings.stamped(record)) continue
    const value = settings.cursorOf(record)
    if (value > cap || !isNewAfter(start, value, () => settings.idOf!(record))) continue
    const mapped = child.map(record)
    if (mapped !== undefined) yield { record: mapped, value, id: () => settings.idOf!(record) }
  }
}

/**
 * A fan-out read: every child listing (one per parent) read whole, its records filtered to
 * those new after the position and stamped up to the cap, into one position. No batch
 * limit: every child is read to the same cap.
 */
export async function* readFanOut(
  children: AsyncIterable<ChildListing> | Iterable<ChildListing>,
  settings: CursorSettings,
  offset: Offset | null,
): TableRead {
  const start = startPosition(settings, offset)
  const cap = await settings.clock.cap()
  const tracker = new PositionTracker(settings.idOf !== undefined)
  for await (const child of children) {
    for await (const { record, value, id } of newChildren(child, settings, start, cap)) {
      tracker.add(value, id)
      yield record
    }
  }
  return tracker.position(settings.codec, start) ?? offset ?? {}
}

/** How a parent pass reaches its children. */
export interface ParentPass {
  /** The parents, newest first, by page. */
  readonly parents: Listing
  /** The parent's ordering value (when it last changed). */
  readonly parentKeyOf: (parent: RawRecord) => number
  /** The child listing of one parent. */
  readonly childrenOf: (parent: RawRecord) => ChildListing
}

/**
 * Children found through their parents: the parents changed since the position (less the
 * lookback) are walked newest first, and their children new after the position and stamped
 * up to the pass's cap are emitted. The cap is fixed for the whole pass, even when it spans
 * several calls, so no child falls between two caps; the ids read at the cap second are kept
 * (`high_seen`). A call capped by `limit` stops at a parent boundary and resumes below it
 * (`{high, high_seen, below, page}`). The pass ends with the position `{cursor: cap, seen}`.
 */
export async function* readParentPass(pass: ParentPass, settings: CursorSettings, offset: Offset | null): TableRead {
  const { codec } = settings
  const unchanged = offset ?? {}
  const start = startPosition(settings, offset)
  const fromOffset = readPosition(codec, offset, settings.table) !== undefined
  const floor = start === undefined ? undefined : start.value - (fromOffset ? settings.lookbackMs : 0)
  let cap = parseCursor(offset?.[PASS.high], codec.format)
  const below = parseCursor(offset?.[PASS.below], codec.format)
  if (below !== undefined && cap === undefined) {
    throw new InvalidOffsetError(settings.table, `"${PASS.below}" needs "${PASS.high}"`, offset, PASS.high)
  }
  const highSeen = offset?.[PASS.highSeen]
  const atCap = new Set(typeof highSeen === 'string' ? highSeen.split(',').filter(Boolean) : [])
  const resume = below === undefined ? undefined : { below, page: Number(offset?.[PASS.page] ?? 1) }
  let sawNew = resume !== undefined
  let count = 0
  let stopAt: number | undefined
  const scan = {
    keyOf: pass.parentKeyOf,
    isOld: (_: RawRecord, key: number) => floor !== undefined && key < floor,
    resume,
  }
  for await (const item of scanDescending(pass.parents, scan)) {
    // The server's current second is read too; children stamped later in it are told apart by id.
    cap ??= await settings.clock.cap()
    if (stopAt !== undefined && item.key !== stopAt) {
      const cut: Record<string, OffsetValue> = {}
      for (const key of [codec.cursorKey, codec.seenKey]) if (key && offset?.[key] != null) cut[key] = offset[key]!
      if (atCap.size > 0) cut[PASS.highSeen] = [...atCap].join(',')
      const at = (value: number) => formatCursor(value, codec.format)
      return { ...cut, [PASS.high]: at(cap), [PASS.below]: at(stopAt), [PASS.page]: item.page }
    }
    // Parents changed after the cap are walked too: one of their children may predate it.
    if (start === undefined || item.key > start.value) sawNew = true
    for await (const { record, value, id } of newChildren(pass.childrenOf(item.record), settings, start, cap)) {
      if (value === cap) atCap.add(id())
      sawNew = true
      yield record
      count++
    }
    if (count >= settings.limit) stopAt ??= item.key
  }
  if (!sawNew || cap === undefined) return unchanged
  const carried = start !== undefined && start.value === cap && start.seen !== 'all' ? [...start.seen] : []
  return writePosition(codec, cap, [...new Set([...carried, ...atCap])])
}
