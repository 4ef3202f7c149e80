import { restTable } from '@lakeflow/core/kit'
import { Spark } from '@lakeflow/core/schema'
import { exampleCursor, examplePages } from '../example-api.ts'
import { ReadingsOptions } from '../example-options.ts'

/** Spark schema of `readings`. */
export const readingsSchema = Spark.table({
  reading_id: Spark.long({ nullable: false }),
  sensor_id: Spark.string({ nullable: false }),
  value: Spark.double(),
  unit: Spark.string(),
  recorded_at: Spark.timestamp({ nullable: false }),
})

/**
 * `readings`: append-only sensor readings, read through partitions in batch and streaming:
 * contiguous time ranges `(since, until]` from the first reading after the start offset to
 * the end offset (`num_partitions` of them), disjoint and covering by construction.
 * `latestOffset` asks for the newest reading (`order=desc`, one record). `readTable` also
 * works (a plain cursor read) for runners without partition support.
 */
export const readingsTable = restTable({
  name: 'readings',
  options: ReadingsOptions,
  schema: readingsSchema,
  metadata: { primary_keys: ['reading_id'], cursor_field: 'recorded_at', ingestion_type: 'append' },
  request: { path: '/tables/readings/records' },
  records: 'records',
  paginator: examplePages(50),
  incremental: exampleCursor,
  partitions: { count: (options) => options.num_partitions, newestFirst: { order: 'desc' } },
})
