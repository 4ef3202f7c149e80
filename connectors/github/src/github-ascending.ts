/**
 * Incremental reads of listings that filter by `since` and sort oldest update first
 * (`sort=updated&direction=asc`): issues and issue comments.
 */
import type { Offset, TableRead } from '@lakeflow/core/connector'
import type { GithubContext } from './github-context.ts'
import { isNewAfter, type Position, PositionTracker, positionOf, startPosition } from './github-position.ts'
import { type ListingSpec, recordId, updatedAt, withRepository } from './github-reads.ts'
import { addSeconds, formatTime } from './github-time.ts'

/**
 * Reads the records updated after the offset's position, up to the server clock.
 *
 * - Pages by `since` (keyset) rather than page numbers: a record updated during the read
 *   moves to the end of the listing, which with page numbers would shift an unread record
 *   onto a page already read.
 * - `lookback_seconds` re-reads records updated shortly before the cursor, but only when
 *   there is something new (a one-record probe decides), so a caught-up read returns its
 *   start offset and no records.
 * - With `max_records_per_batch`, stops at the first change of `updated_at` after the cap,
 *   so records sharing one time are never split across reads.
 */
export async function* readUpdatedAscending(
  context: GithubContext,
  offset: Offset | null,
  spec: ListingSpec,
): TableRead {
  const { api } = context
  const unchanged = offset ?? {}
  const start = startPosition(offset, spec.options.start_date, spec.table)
  const lookback = positionOf(offset, spec.table) === undefined ? 0 : (spec.options.lookback_seconds ?? 0)
  const lowest = start === undefined ? undefined : addSeconds(start.time, -lookback)
  const base = { ...spec.params, sort: 'updated', direction: 'asc', per_page: spec.options.per_page }
  if (start !== undefined && lookback > 0 && !(await hasNewRecords(context, spec, start))) return unchanged
  const limit = spec.options.max_records_per_batch ?? Number.POSITIVE_INFINITY
  const tracker = new PositionTracker()
  const end = (): Offset => tracker.toOffset(start) ?? unchanged
  let since = lowest
  let page = 1
  let lastTime = Number.NEGATIVE_INFINITY
  const readAtLastTime = new Set<string>()
  let newCount = 0
  let stopAt: number | undefined
  for (;;) {
    // GitHub's `since` is inclusive ("updated at or after"): records at `since` come back and are skipped.
    const sinceParam = since === undefined ? undefined : formatTime(since)
    const result = await api.getPage(spec.path, { ...base, since: sinceParam, page: page > 1 ? page : undefined })
    const cap = await api.cap()
    let progressed = false
    for (const record of result.records) {
      const time = updatedAt(record)
      if (time > cap || (stopAt !== undefined && time !== stopAt)) return end()
      if (lowest !== undefined && time < lowest) continue
      const id = recordId(record)
      if (time < lastTime || (time === lastTime && readAtLastTime.has(id))) continue // read earlier in this call
      if (time !== lastTime) readAtLastTime.clear()
      lastTime = time
      readAtLastTime.add(id)
      progressed = true
      const isNew = isNewAfter(start, time, record)
      if (!isNew && lookback === 0) continue // read by an earlier call, and no lookback asked for
      yield withRepository(record, spec.owner, spec.repo)
      if (isNew) {
        tracker.add(time, record)
        if (++newCount >= limit) stopAt ??= time
      }
    }
    if (!result.hasNext) break
    if (progressed && (since === undefined || lastTime > since)) {
      since = lastTime
      page = 1
    } else {
      page++ // still inside one time (more records share it than a page holds): same query, next page
    }
  }
  return end()
}

/**
 * Whether anything was updated after `start` (up to the cap): pages from `since` = the
 * position's second past the records already read there, so a read with a lookback window
 * runs only when it has something new to return with the re-read records.
 */
async function hasNewRecords(context: GithubContext, spec: ListingSpec, start: Position): Promise<boolean> {
  const { api } = context
  const params = { ...spec.params, sort: 'updated', direction: 'asc', since: formatTime(start.time) }
  // Usually one record answers; more only while the records already read at that second fill the page.
  const perPage = Math.min(100, start.seen.size + 1)
  for (let page = 1; ; page++) {
    const result = await api.getPage(spec.path, { ...params, per_page: perPage, page: page > 1 ? page : undefined })
    const cap = await api.cap()
    for (const record of result.records) {
      const time = updatedAt(record)
      if (time > cap) return false
      if (isNewAfter(start, time, record)) return true
    }
    if (!result.hasNext) return false
  }
}
