import { restTable } from '@lakeflow/core/kit'
import { Spark } from '@lakeflow/core/schema'
import { exampleCursor, examplePages } from '../example-api.ts'
import { EventsOptions } from '../example-options.ts'

/** Spark schema of `events`. */
export const eventsSchema = Spark.table({
  event_id: Spark.string({ nullable: false }),
  event_type: Spark.string(),
  user_id: Spark.long(),
  properties: Spark.map(Spark.string({ nullable: false }), Spark.string()),
  created_at: Spark.timestamp({ nullable: false }),
})

/** `events`: append-only, ordered by `created_at`; the table option `limit` sets the page size. */
export const eventsTable = restTable({
  name: 'events',
  options: EventsOptions,
  schema: eventsSchema,
  metadata: { primary_keys: ['event_id'], cursor_field: 'created_at', ingestion_type: 'append' },
  request: { path: '/tables/events/records' },
  records: 'records',
  paginator: (options) => examplePages(options.limit),
  incremental: exampleCursor,
})
