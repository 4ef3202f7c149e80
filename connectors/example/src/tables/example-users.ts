import { restTable } from '@lakeflow/core/kit'
import { Spark } from '@lakeflow/core/schema'
import { exampleCursor, examplePages } from '../example-api.ts'
import { CursorTableOptions } from '../example-options.ts'

/** Spark schema of `users`. */
export const usersSchema = Spark.table({
  user_id: Spark.long({ nullable: false }),
  email: Spark.string(),
  display_name: Spark.string(),
  status: Spark.string(),
  address: Spark.struct({ city: Spark.string(), country: Spark.string() }),
  signup_date: Spark.date(),
  updated_at: Spark.timestamp({ nullable: false }),
})

/**
 * `users`: cdc (upserts by `user_id`, ordered by `updated_at`). The whole read is declared:
 * the engine sends `since` (the offset) and `until` (the init-time cap), pages through
 * `next_page`, stops a call after `max_records_per_batch` records where `updated_at`
 * changes, and returns `{cursor}`.
 */
export const usersTable = restTable({
  name: 'users',
  options: CursorTableOptions,
  schema: usersSchema,
  metadata: { primary_keys: ['user_id'], cursor_field: 'updated_at', ingestion_type: 'cdc' },
  request: { path: '/tables/users/records' },
  records: 'records',
  paginator: examplePages(15),
  incremental: exampleCursor,
})
