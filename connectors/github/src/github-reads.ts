/**
 * The read strategies the tables share: full listings (snapshots), `updated_at`-ordered
 * incremental reads in both directions, and the offset helpers behind them.
 *
 * Offsets hold GitHub times (`{"cursor": "2024-05-01T12:00:00Z"}`) plus, while a capped
 * read is part way through a newest-first listing, where to resume. Every read stops at
 * the init-time cap (the server clock at the connector's first request), emits re-read
 * (lookback) records only together with new ones, and returns a different offset whenever
 * it returns records, so reads converge and Spark plans every batch.
 */
import type { Offset, RawRecord, TableRead } from '@lakeflow/core/connector'
import { InvalidOffsetError } from '@lakeflow/core/errors'
import type { GithubApi, GithubParams } from './github-api.ts'
import type { GithubContext } from './github-context.ts'
import { parseStartDate } from './github-options.ts'
import { addSeconds, formatTime, offsetTime, recordTime } from './github-time.ts'

/** Options the incremental reads take from the table options. */
export interface IncrementalOptions {
  readonly per_page: number
  readonly lookback_seconds?: number
  readonly start_date?: string | undefined
  readonly max_records_per_batch?: number | undefined
}

/** What an incremental read of one repository listing needs. */
export interface ListingSpec {
  /** Table name, for messages. */
  readonly table: string
  /** Listing path, e.g. `/repos/o/r/issues`. */
  readonly path: string
  /** Extra query parameters (`state`). */
  readonly params: GithubParams
  readonly owner: string
  readonly repo: string
  readonly options: IncrementalOptions
}

/** Reads a string value of an offset, throwing `InvalidOffsetError` for other types. */
export function offsetString(offset: Offset | null, key: string, table: string): string | undefined {
  const value = offset?.[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw new InvalidOffsetError(table, `"${key}" must be a string`, offset)
  return value
}

/** Reads a positive integer of an offset, throwing `InvalidOffsetError` for other values. */
export function offsetNumber(offset: Offset | null, key: string, table: string): number | undefined {
  const value = offset?.[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InvalidOffsetError(table, `"${key}" must be a positive integer`, offset)
  }
  return value
}

/** Reads a time of an offset (epoch ms). */
export function offsetTimeOf(offset: Offset | null, key: string, table: string): number | undefined {
  const value = offset?.[key]
  return value === undefined || value === null ? undefined : offsetTime(value, key, table)
}

/** The cursor a read starts from: the offset's `cursor`, else `start_date`, else none. */
export function initialCursor(offset: Offset | null, startDate: string | undefined, table: string): number | undefined {
  return (
    offsetTimeOf(offset, 'cursor', table) ?? (startDate === undefined ? undefined : parseStartDate(startDate, table))
  )
}

/** Adds the repository columns to a record (in place: the record is ours). */
export function withRepository(record: RawRecord, owner: string, repo: string): RawRecord {
  record.repository_owner = owner
  record.repository_name = repo
  return record
}

/**
 * Reads a whole listing (a snapshot table), page by page, mapping each record. Returns
 * `{}`, upstream's snapshot offset: the next call with `{}` reads nothing new.
 */
export async function* readListing(
  api: GithubApi,
  path: string,
  params: GithubParams,
  map: (record: RawRecord) => RawRecord = (record) => record,
): TableRead {
  for await (const page of api.pages(path, params)) {
    for (const record of page.records) yield map(record)
  }
  return {}
}

/** A record's `updated_at` as epoch ms. */
export const updatedAt = (record: RawRecord): number => recordTime(record, 'updated_at')

/**
 * Where a read starts in time. `newAfter`: records updated after it are new. `floor`: the
 * lookback lower bound (records in `(floor, newAfter]` are re-read), both exclusive.
 */
function startBounds(offset: Offset | null, spec: ListingSpec): { newAfter?: number; floor?: number } {
  const cursor = offsetTimeOf(offset, 'cursor', spec.table)
  if (cursor !== undefined)
    return { newAfter: cursor, floor: addSeconds(cursor, -(spec.options.lookback_seconds ?? 0)) }
  if (spec.options.start_date === undefined) return {}
  const start = addSeconds(parseStartDate(spec.options.start_date, spec.table), -1)
  return { newAfter: start, floor: start }
}

function recordId(record: RawRecord): unknown {
  return record.id ?? record.node_id
}

/**
 * An incremental read of a listing that supports `since` with `sort=updated&direction=asc`
 * (issues, issue comments). Pages by `since` (keyset) instead of page numbers, so records
 * updated during the read (which move to the end of the listing) cannot shift an unread
 * record onto a page already read. With `max_records_per_batch`, stops at the first change
 * of `updated_at` after the cap, so the cursor never splits records sharing one time.
 */
export async function* readUpdatedAscending(
  context: GithubContext,
  offset: Offset | null,
  spec: ListingSpec,
): TableRead {
  const { api } = context
  const unchanged = offset ?? {}
  const { newAfter, floor } = startBounds(offset, spec)
  const base = { ...spec.params, sort: 'updated', direction: 'asc', per_page: spec.options.per_page }
  if (newAfter !== undefined && floor !== undefined && floor < newAfter) {
    // A lookback window re-reads old records: read only when there is something new as well.
    const probe = await api.getPage(spec.path, { ...base, per_page: 1, since: formatTime(addSeconds(newAfter, 1)) })
    const first = probe.records[0]
    if (first === undefined || recordTime(first, 'updated_at') > (await api.cap())) return unchanged
  }
  const limit = spec.options.max_records_per_batch ?? Number.POSITIVE_INFINITY
  let since = floor
  let page = 1
  let lastTime = Number.NEGATIVE_INFINITY
  const seenAtLastTime = new Set<unknown>()
  let newest: number | undefined
  let newCount = 0
  let stopAt: number | undefined
  for (;;) {
    // One second of overlap: correct whether GitHub's `since` is inclusive or exclusive.
    const sinceParam = since === undefined ? undefined : formatTime(addSeconds(since, -1))
    const result = await api.getPage(spec.path, { ...base, since: sinceParam, page: page > 1 ? page : undefined })
    const cap = await api.cap()
    let progressed = false
    for (const record of result.records) {
      const time = recordTime(record, 'updated_at')
      if (time > cap || (stopAt !== undefined && time !== stopAt))
        return newest === undefined ? unchanged : { cursor: formatTime(newest) }
      if (floor !== undefined && time <= floor) continue
      if (time < lastTime || (time === lastTime && seenAtLastTime.has(recordId(record)))) continue
      if (time !== lastTime) seenAtLastTime.clear()
      lastTime = time
      seenAtLastTime.add(recordId(record))
      progressed = true
      yield withRepository(record, spec.owner, spec.repo)
      if (newAfter === undefined || time > newAfter) {
        newest = time
        if (++newCount >= limit) stopAt ??= time
      }
    }
    if (!result.hasNext) break
    if (progressed) {
      since = lastTime
      page = 1
    } else {
      page++ // a whole page of records already read (many sharing one time): same query, next page
    }
  }
  return newest === undefined ? unchanged : { cursor: formatTime(newest) }
}

/** Where a newest-first scan resumes: after the records keyed at or above `upper`, from `page`. */
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
  /** True for the first record that was already read by an earlier pass: the scan ends there. */
  readonly isOld: (record: RawRecord, key: number) => boolean
  /** Resume point of a pending pass. */
  readonly resume?: ScanResume | undefined
}

/**
 * Walks a newest-first listing (page numbers, `Link` header for the end) down to the first
 * old record. When resuming, skips records keyed at or above `resume.upper` (read before)
 * and, if records moved up past the resume page (one left the listing), steps back a page.
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

/** Reads the resume point of a pending newest-first pass from an offset (`upper` parsed by `parse`). */
export function scanResumeOf(
  offset: Offset | null,
  table: string,
  parse: (offset: Offset | null, key: string, table: string) => number | undefined = offsetTimeOf,
): ScanResume | undefined {
  const upper = parse(offset, 'upper', table)
  const page = offsetNumber(offset, 'page', table)
  if (upper === undefined && page === undefined) return undefined
  if (upper === undefined || page === undefined) {
    throw new InvalidOffsetError(table, '"upper" and "page" go together', offset)
  }
  return { upper, page }
}

/**
 * An incremental read of a newest-first listing without `since` (pull requests: GitHub's
 * pulls API cannot filter by time), stopping at the cursor instead of walking the whole
 * history. A capped read returns a pending offset `{cursor, upper, page, high}` and the
 * next read resumes the same pass below `upper`; the finished pass moves `cursor` to
 * `high`, the newest time it read.
 */
export async function* readUpdatedDescending(
  context: GithubContext,
  offset: Offset | null,
  spec: ListingSpec,
): TableRead {
  const { api } = context
  const unchanged = offset ?? {}
  const { newAfter, floor } = startBounds(offset, spec)
  const resume = scanResumeOf(offset, spec.table)
  let high = offsetTimeOf(offset, 'high', spec.table)
  const limit = spec.options.max_records_per_batch ?? Number.POSITIVE_INFINITY
  const params = { ...spec.params, sort: 'updated', direction: 'desc', per_page: spec.options.per_page }
  let passHasNew = resume !== undefined
  let count = 0
  let stopAt: number | undefined
  let cap: number | undefined
  const pending = (upper: number, page: number): Offset => {
    const next: Record<string, string | number> = { upper: formatTime(upper), page, high: formatTime(high!) }
    if (typeof offset?.cursor === 'string') next.cursor = offset.cursor
    return next
  }
  const scan = {
    path: spec.path,
    params,
    keyOf: updatedAt,
    isOld: (_: RawRecord, key: number) => floor !== undefined && key <= floor,
    resume,
  }
  for await (const { record, key: time, page } of scanDescending(api, scan)) {
    cap ??= await api.cap()
    if (time > cap) continue
    const isNew = newAfter === undefined || time > newAfter
    if (!isNew && !passHasNew) return unchanged // only re-reads left: nothing new in this pass
    if (stopAt !== undefined && time !== stopAt) return pending(stopAt, page)
    yield withRepository(record, spec.owner, spec.repo)
    if (isNew) {
      passHasNew = true
      high = Math.max(high ?? time, time)
      if (++count >= limit) stopAt ??= time
    }
  }
  if (high === undefined) return unchanged
  return { cursor: formatTime(newAfter === undefined ? high : Math.max(high, newAfter)) }
}
