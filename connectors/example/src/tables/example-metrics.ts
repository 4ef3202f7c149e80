import { restTable } from '@lakeflow/core/kit'
import { Spark } from '@lakeflow/core/schema'
import { exampleCursor, examplePages } from '../example-api.ts'
import { MetricsOptions } from '../example-options.ts'

/** Spark schema of `metrics`. */
export const metricsSchema = Spark.table({
  metric_id: Spark.long({ nullable: false }),
  name: Spark.string(),
  value: Spark.struct({ count: Spark.long(), label: Spark.string(), measure: Spark.double() }),
  host: Spark.string(),
  updated_at: Spark.timestamp({ nullable: false }),
})

/**
 * `metrics`: cdc read in time windows, for sources that can only be asked for bounded
 * ranges. One call reads the window that starts at the next record after the offset (so
 * empty time is jumped over) and spans `window_seconds`, capped at the init-time cap; the
 * offset becomes the window's end, or the last record's cursor when `max_records_per_batch`
 * cut the window short. `start_timestamp` starts a new stream after that instant.
 */
export const metricsTable = restTable({
  name: 'metrics',
  options: MetricsOptions,
  schema: metricsSchema,
  metadata: { primary_keys: ['metric_id'], cursor_field: 'updated_at', ingestion_type: 'cdc' },
  request: { path: '/tables/metrics/records' },
  records: 'records',
  paginator: examplePages(100),
  incremental: {
    ...exampleCursor,
    window: { seconds: (options) => options.window_seconds },
    start: (options) => options.start_timestamp,
  },
})
