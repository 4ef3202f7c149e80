/**
 * Incremental reads of newest-first listings without a time filter: pull requests (the
 * pulls API has no `since`), the pull requests behind `reviews`, and issue events. A read
 * walks down from the newest record to its cursor, so it costs what changed, not the
 * history. A read capped by `max_records_per_batch` ends part way through such a pass; its
 * offset says where the pass resumes as a distance below the pass's newest record
 * (`depth`), so every field of the offset only grows while the pass goes on.
 */
import type { Offset, RawRecord, TableRead } from '@lakeflow/core/connector'
import { InvalidOffsetError } from '@lakeflow/core/errors'
import type { GithubApi, GithubParams } from './github-api.ts'
import type { GithubContext } from './github-context.ts'
import { isNewAfter, type Position, positionOf, positionOffset, startPosition } from './github-position.ts'
import {
  type ListingSpec,
  offsetNumber,
  offsetString,
  offsetTimeOf,
  recordId,
  updatedAt,
  withRepository,
} from './github-reads.ts'
import { addSeconds, formatTime } from './github-time.ts'

/** Where a newest-first scan resumes: below the records keyed at or above `upper`, from `page`. */
export interface ScanResume {
  readonly upper: number
  readonly page: number
}

/** One record of a newest-first scan. */
export interface ScannedRecord {
  readonly record: RawRecord
  /** The record's ordering key (a time in epoch ms, or an id). */
  readonly key: number
  /** The page it was on. */
  readonly page: number
}

/** What {@link scanDescending} walks and where it stops. */
export interface DescendingScan {
  readonly path: string
  readonly params: GithubParams
  /** The key the listing is ordered by, newest (largest) first. */
  readonly keyOf: (record: RawRecord) => number
  /** True for the first record an earlier pass already covered: the scan ends there. */
  readonly isOld: (record: RawRecord, key: number) => boolean
  /** Resume point of a pending pass. */
  readonly resume?: ScanResume | undefined
}

/**
 * Walks a newest-first listing (page numbers; the `Link` header says whether there is a
 * next page) down to the first old record. When resuming, skips records keyed at or above
 * `resume.upper` (read before) and, if records moved up past the resume page (one left
 * the listing), steps back a page.
 */
export async function* scanDescending(
  api: GithubApi,
  scan: DescendingScan,
): AsyncGenerator<ScannedRecord, void, undefined> {
  const { resume } = scan
  let page = resume?.page ?? 1
  let checkResume = resume !== undefined && page > 1
  for (;;) {
    const result = await api.getPage(scan.path, { ...scan.params, page: page > 1 ? page : undefined })
    const head = result.records[0]
    if (checkResume && head !== undefined && scan.keyOf(head) < resume!.upper && page > 1) {
      page--
      continue
    }
    checkResume = false
    for (const record of result.records) {
      const key = scan.keyOf(record)
      if (scan.isOld(record, key)) return
      if (resume !== undefined && key >= resume.upper) continue
      yield { record, key, page }
    }
    if (!result.hasNext) return
    page++
  }
}

/** Reads an integer (any sign) of an offset. */
export function offsetInteger(offset: Offset | null, key: string, table: string): number | undefined {
  const value = offset?.[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new InvalidOffsetError(table, `"${key}" must be an integer`, offset)
  }
  return value
}

/** The `depth`/`page` pair of a pending pass, or `undefined` when no pass is pending. */
export function pendingDepth(offset: Offset | null, table: string): { depth: number; page: number } | undefined {
  const depth = offsetInteger(offset, 'depth', table)
  const page = offsetNumber(offset, 'page', table)
  if (depth === undefined && page === undefined) return undefined
  if (depth === undefined || page === undefined)
    throw new InvalidOffsetError(table, '"depth" and "page" go together', offset)
  return { depth, page }
}

/** Copies the start position keys (`cursor`, `seen`) of `offset` into a pending offset. */
export function keepStart(offset: Offset | null, pending: Record<string, string | number>, keys = ['cursor', 'seen']) {
  for (const key of keys) {
    const value = offset?.[key]
    if (typeof value === 'string' || typeof value === 'number') pending[key] = value
  }
  return pending
}

/**
 * An incremental read of pull requests, newest-updated first, down to the offset's
 * position (minus `lookback_seconds`). Re-read records are emitted only when the pass found
 * new ones. A capped read returns `{cursor, seen, high, high_seen, depth, page}`; the pass
 * ends with `{cursor: high, seen: ...}`.
 */
export async function* readUpdatedDescending(
  context: GithubContext,
  offset: Offset | null,
  spec: ListingSpec,
): TableRead {
  const { api } = context
  const unchanged = offset ?? {}
  const start = startPosition(offset, spec.options.start_date, spec.table)
  const lookback = positionOf(offset, spec.table) === undefined ? 0 : (spec.options.lookback_seconds ?? 0)
  const lowest = start === undefined ? undefined : addSeconds(start.time, -lookback)
  const pending = pendingDepth(offset, spec.table)
  let high: { time: number } | undefined
  const highSeen: string[] = []
  if (pending !== undefined) {
    const time = offsetTimeOf(offset, 'high', spec.table)
    if (time === undefined) throw new InvalidOffsetError(spec.table, '"depth" needs "high"', offset)
    high = { time }
    highSeen.push(...(offsetString(offset, 'high_seen', spec.table)?.split(',').filter(Boolean) ?? []))
  }
  const resume = pending === undefined ? undefined : { upper: high!.time - pending.depth, page: pending.page }
  const limit = spec.options.max_records_per_batch ?? Number.POSITIVE_INFINITY
  const params = { ...spec.params, sort: 'updated', direction: 'desc', per_page: spec.options.per_page }
  const isOld = (_: RawRecord, time: number) => lowest !== undefined && time < lowest
  let passHasNew = pending !== undefined
  let count = 0
  let stopAt: number | undefined
  let cap: number | undefined
  for await (const { record, key: time, page } of scanDescending(api, {
    path: spec.path,
    params,
    keyOf: updatedAt,
    isOld,
    resume,
  })) {
    cap ??= await api.cap()
    if (time > cap) continue
    const isNew = isNewAfter(start, time, record)
    if (!isNew && !passHasNew) {
      if (time < start!.time) return unchanged // below the position: only re-reads left, nothing new
      continue // read before, at the position's second; a new record may share that second
    }
    if (!isNew && lookback === 0) continue // read by an earlier call, and no lookback asked for
    if (stopAt !== undefined && time !== stopAt) {
      return keepStart(offset, {
        high: formatTime(high!.time),
        high_seen: highSeen.join(','),
        depth: high!.time - stopAt,
        page,
      })
    }
    yield withRepository(record, spec.owner, spec.repo)
    if (!isNew) continue
    passHasNew = true
    if (high === undefined) high = { time }
    if (time === high.time) highSeen.push(recordId(record))
    if (++count >= limit) stopAt ??= time
  }
  if (high === undefined) return unchanged
  return passEnd(start, high.time, highSeen)
}

/** The offset a finished pass ends with: its newest time and the records read at it. */
function passEnd(start: Position | undefined, newest: number, seenAtNewest: string[]): Offset {
  const earlier = start !== undefined && start.time === newest ? [...start.seen] : []
  return positionOffset(newest, [...earlier, ...seenAtNewest])
}
