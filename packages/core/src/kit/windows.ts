import type { Offset, TableRead } from '../connector/types.ts'
import type { ListingRequest } from '../http/paginators.ts'
import { formatCursor, parseCursor, resolutionOf } from './cursor-values.ts'
import { type CursorSettings, caughtUp, firstAfter, scanAscending, startPosition } from './engine.ts'
import { chunksOf, type Listing } from './listing.ts'
import { PositionTracker, writePosition } from './position.ts'

/**
 * A windowed read: one bounded window per call, starting at the next record after the
 * position (so empty time is jumped over) and `windowMs` wide, capped at the init-time cap.
 * The offset is the window's end once it was read whole, else the last cursor read. Needs
 * exclusive positions (finished tie groups) and an `until` parameter.
 */
export async function* readWindow(
  listing: Listing,
  settings: CursorSettings,
  offset: Offset | null,
  windowMs: number,
): TableRead {
  const unchanged = offset ?? {}
  const start = startPosition(settings, offset)
  const cap = await settings.clock.cap()
  if (caughtUp(start, cap)) return unchanged
  const next = await firstAfter(listing, start, cap)
  if (next === undefined) return unchanged
  const upper = Math.min(settings.cursorOf(next) + windowMs, cap)
  const tracker = new PositionTracker(false)
  const pass = { start, lowest: start?.value, upper, sendUpper: true, reread: false, tracker, limit: settings.limit }
  const drained = yield* scanAscending(listing, settings, pass)
  if (tracker.newest === undefined) return unchanged
  return drained
    ? { [settings.codec.cursorKey]: formatCursor(upper, settings.codec.format) }
    : (tracker.position(settings.codec, start) ?? unchanged)
}

/**
 * Tiled windows: consecutive windows `[start, start + width - step]` (the API's `since` and
 * `until` both inclusive, `step` the cursor's resolution) from the position up to the cap,
 * each read whole in whatever order the API lists it. The last window ends at the cap; its
 * value is read again by the next call, skipping the ids listed in `seen`, so a record
 * stamped later in that second is not lost. A window cut by the batch limit resumes at its
 * next page (`{cursor, seen, page, until, until_seen}`: `until_seen` lists the ids already
 * read at the window's last value, which join `seen` when the window ends at the cap).
 * Without a position or start option, `discover` names where the first window starts.
 */
export async function* readTiles(
  listing: Listing,
  settings: CursorSettings,
  offset: Offset | null,
  windowMs: number,
  discover?: (listing: Listing) => Promise<number | undefined>,
): TableRead {
  const { codec } = settings
  const unchanged = offset ?? {}
  let position = startPosition(settings, offset)
  if (position === undefined) {
    const first = await discover?.(listing)
    if (first === undefined) return unchanged
    position = { value: first, seen: new Set() }
  }
  const cap = await settings.clock.cap()
  if (position.value > cap) return unchanged
  const from = position.value
  const seen = position.seen === 'all' ? new Set<string>() : position.seen
  const step = resolutionOf(codec.format)
  const at = (value: number) => formatCursor(value, codec.format)
  const list = (value: unknown) => (typeof value === 'string' ? value.split(',').filter(Boolean) : [])
  let windowStart = from
  let page = typeof offset?.page === 'number' ? offset.page : 1
  let windowEnd = parseCursor(offset?.until, codec.format) ?? Math.min(windowStart + windowMs - step, cap)
  // Ids read at the window's last value, by earlier calls of this window (a cut window) and this one.
  let atEnd = new Set(list(offset?.until_seen))
  const atCap: string[] = []
  let count = 0
  const seenAt = (value: number) => (value === from ? [...seen] : [])
  for (;;) {
    let request: ListingRequest | undefined = listing.first({
      since: windowStart,
      sinceInclusive: true,
      until: windowEnd,
      page,
    })
    while (request !== undefined) {
      const fetched = await listing.fetch(request)
      for await (const chunk of chunksOf(fetched)) {
        for (const record of chunk) {
          const value = settings.cursorOf(record)
          const id = settings.idOf!(record)
          if (value === from && seen.has(id)) continue // read by the previous call
          const mapped = settings.map(record)
          if (mapped !== undefined) yield mapped
          count++
          if (value === cap) atCap.push(id)
          if (value === windowEnd) atEnd.add(id)
        }
      }
      request = listing.next(fetched)
      if (count >= settings.limit && request !== undefined) {
        const pending: Record<string, string | number> = { [codec.cursorKey]: at(windowStart) }
        if (seenAt(windowStart).length > 0) pending[codec.seenKey!] = seenAt(windowStart).join(',')
        if (atEnd.size > 0) pending.until_seen = [...atEnd].join(',')
        return { ...pending, page: (fetched.page ?? 1) + 1, until: at(windowEnd) }
      }
    }
    if (windowEnd >= cap) {
      const carried = windowEnd === cap ? [...atEnd] : []
      return writePosition(codec, cap, [...new Set([...seenAt(cap), ...carried, ...atCap])])
    }
    windowStart = windowEnd + step
    page = 1
    atEnd = new Set()
    if (count >= settings.limit) return { [codec.cursorKey]: at(windowStart) }
    windowEnd = Math.min(windowStart + windowMs - step, cap)
  }
}
