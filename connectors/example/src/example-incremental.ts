import type { Offset, TableRead } from '@lakeflow/core/connector'
import type { PageQuery } from './example-client.ts'
import type { ExampleContext } from './example-context.ts'
import { offsetTimestamp } from './example-offsets.ts'
import { readCursorRange } from './example-pagination.ts'

/** How a cursor table is read. */
export interface IncrementalSettings {
  /** Table name, for offset errors. */
  table: string
  /** Records (or tombstones) API path. */
  path: string
  /** The records' cursor field. */
  cursorField: string
  /** Records per call (`max_records_per_batch`), finishing the last cursor value. */
  maxRecords: number
  /** Filters and page size sent with every request. */
  query?: PageQuery
}

/**
 * The incremental read every cursor table shares: from the offset's cursor (exclusive) up
 * to the init-time cap (inclusive), at most about `maxRecords` per call. Returns
 * `{cursor: <last record's cursor>}`, or the start offset unchanged when nothing is new.
 */
export async function* readIncremental(
  context: ExampleContext,
  startOffset: Offset | null,
  settings: IncrementalSettings,
): TableRead {
  const since = offsetTimestamp(startOffset, 'cursor', settings.table)
  if (since !== undefined && since >= context.cap) return startOffset
  const end = yield* readCursorRange(context.api, {
    path: settings.path,
    cursorField: settings.cursorField,
    since,
    until: context.cap,
    maxRecords: settings.maxRecords,
    ...(settings.query ? { query: settings.query } : {}),
  })
  if (end.lastCursor === undefined) return startOffset ?? {}
  return { cursor: end.lastCursor }
}
