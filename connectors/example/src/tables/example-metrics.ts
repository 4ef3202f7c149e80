import { Spark } from '@lakeflow/core/schema'
import { exampleTable } from '../example-context.ts'
import { isoCursor, minCursor, offsetTimestamp } from '../example-offsets.ts'
import { MetricsOptions } from '../example-options.ts'
import { cursorOf, readCursorRange } from '../example-pagination.ts'

/** Spark schema of `metrics`. */
export const metricsSchema = Spark.table({
  metric_id: Spark.long({ nullable: false }),
  name: Spark.string(),
  value: Spark.struct({ count: Spark.long(), label: Spark.string(), measure: Spark.double() }),
  host: Spark.string(),
  updated_at: Spark.timestamp({ nullable: false }),
})

const PATH = '/tables/metrics/records'

/**
 * `metrics`: cdc read in time windows, for sources that can only be asked for bounded
 * ranges. One call reads the window that starts at the next record after the offset and
 * spans `window_seconds`, capped at the init-time cap; the offset becomes the window's end
 * (or the last record's cursor when `max_records_per_batch` cut the window short).
 *
 * Two differences from upstream's example (decided, see the README): the first window has
 * no lower bound, so the very first record is emitted (upstream's exclusive `since` after a
 * peek skipped it); and empty time is jumped over by peeking at the next record, instead of
 * walking window by window up to now.
 */
export const metricsTable = exampleTable({
  name: 'metrics',
  options: MetricsOptions,
  schema: metricsSchema,
  metadata: { primary_keys: ['metric_id'], cursor_field: 'updated_at', ingestion_type: 'cdc' },
  async *read(context, startOffset, options) {
    const fromOffset = offsetTimestamp(startOffset, 'cursor', 'metrics')
    const since = fromOffset ?? (options.start_timestamp ? isoCursor(options.start_timestamp) : undefined)
    if (since !== undefined && since >= context.cap) return startOffset
    const peek = await context.api.page(PATH, {
      ...(since === undefined ? {} : { since }),
      until: context.cap,
      page: 1,
      limit: 1,
    })
    const next = peek.records[0]
    if (next === undefined) return startOffset ?? {}
    const windowEnd = minCursor(
      isoCursor(Date.parse(cursorOf(next, 'updated_at', PATH)) + options.window_seconds * 1000),
      context.cap,
    )
    const end = yield* readCursorRange(context.api, {
      path: PATH,
      cursorField: 'updated_at',
      since,
      until: windowEnd,
      maxRecords: options.max_records_per_batch,
    })
    if (end.lastCursor === undefined) return startOffset ?? {}
    return { cursor: end.drained ? windowEnd : end.lastCursor }
  },
})
