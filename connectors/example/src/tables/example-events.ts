import { Spark } from '@lakeflow/core/schema'
import { exampleTable } from '../example-context.ts'
import { readIncremental } from '../example-incremental.ts'
import { EventsOptions } from '../example-options.ts'

/** Spark schema of `events`. */
export const eventsSchema = Spark.table({
  event_id: Spark.string({ nullable: false }),
  event_type: Spark.string(),
  user_id: Spark.long(),
  properties: Spark.map(Spark.string({ nullable: false }), Spark.string()),
  created_at: Spark.timestamp({ nullable: false }),
})

/** `events`: append-only, ordered by `created_at`; `limit` sets the page size. */
export const eventsTable = exampleTable({
  name: 'events',
  options: EventsOptions,
  schema: eventsSchema,
  metadata: { primary_keys: ['event_id'], cursor_field: 'created_at', ingestion_type: 'append' },
  read: (context, startOffset, options) =>
    readIncremental(context, startOffset, {
      table: 'events',
      path: '/tables/events/records',
      cursorField: 'created_at',
      maxRecords: options.max_records_per_batch,
      query: { limit: options.limit },
    }),
})
