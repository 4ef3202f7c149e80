/**
 * What the table reads share: offset parsing, full listings (snapshots), the repository
 * columns. The incremental strategies are in `github-position.ts` (where a read stands),
 * `github-ascending.ts` and `github-descending.ts`.
 */
import type { Offset, RawRecord, TableRead } from '@lakeflow/core/connector'
import { InvalidOffsetError } from '@lakeflow/core/errors'
import type { GithubApi, GithubParams } from './github-api.ts'
import { offsetTime, recordTime } from './github-time.ts'

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

/** A record's identity for the boundary bookkeeping: `id`, else `node_id`, else `sha`, as text. */
export function recordId(record: RawRecord): string {
  return String(record.id ?? record.node_id ?? record.sha)
}
