import type { RawRecord } from '@lakeflow/core/connector'
import { LakeflowError } from '@lakeflow/core/errors'
import type { ExampleApi, PageQuery } from './example-client.ts'

/** A range of cursor values to read: `since` exclusive, `until` inclusive (the API's semantics). */
export interface CursorRange {
  /** Records API path, e.g. `/tables/users/records`. */
  path: string
  /** The records' cursor field. */
  cursorField: string
  /** Exclusive lower bound; undefined reads from the beginning. */
  since?: string | undefined
  /** Inclusive upper bound: the init-time cap or a window's end. */
  until: string
  /** Stop after this many records, at the next change of cursor value. */
  maxRecords: number
  /** Extra query parameters (filters, page size). */
  query?: PageQuery
}

/** How a {@link readCursorRange} ended. */
export interface CursorRangeEnd {
  /** Cursor of the last record yielded; undefined when none was. */
  lastCursor: string | undefined
  /** True when the range was read to its end (not cut by `maxRecords`). */
  drained: boolean
}

/**
 * Reads records in ascending cursor order, page by page, yielding each record as its page
 * arrives. After `maxRecords` it keeps going until the cursor value changes, so a batch
 * never ends inside a group of records sharing one cursor: the next call starts after
 * that cursor (exclusive), and a group cut in half would lose its second half.
 */
export async function* readCursorRange(api: ExampleApi, range: CursorRange): AsyncGenerator<RawRecord, CursorRangeEnd> {
  let page: number | null = 1
  let count = 0
  let lastCursor: string | undefined
  let full = false
  while (page !== null) {
    const query: PageQuery = { ...range.query, until: range.until, page }
    if (range.since !== undefined) query.since = range.since
    const body = await api.page(range.path, query)
    for (const record of body.records) {
      const cursor = cursorOf(record, range.cursorField, range.path)
      if (full && cursor !== lastCursor) return { lastCursor, drained: false }
      yield record
      count++
      lastCursor = cursor
      if (count >= range.maxRecords) full = true
    }
    page = body.next_page
  }
  return { lastCursor, drained: true }
}

/** Reads every record of every page (snapshots, partitions), yielding as pages arrive. */
export async function* readAllPages(
  api: ExampleApi,
  path: string,
  query: PageQuery,
): AsyncGenerator<RawRecord, number> {
  let page: number | null = 1
  let count = 0
  while (page !== null) {
    const body = await api.page(path, { ...query, page })
    for (const record of body.records) {
      yield record
      count++
    }
    page = body.next_page
  }
  return count
}

/** The cursor value of a record, which the API guarantees is an ISO timestamp string. */
export function cursorOf(record: RawRecord, field: string, path: string): string {
  const value = record[field]
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    throw new LakeflowError(
      `The example API returned a record from ${path} whose cursor "${field}" is ${JSON.stringify(value)}; expected an ISO timestamp`,
      { category: 'source' },
    )
  }
  return value
}
