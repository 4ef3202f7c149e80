import { Spark } from '@lakeflow/core/schema'
import { exampleTable } from '../example-context.ts'
import { readIncremental } from '../example-incremental.ts'
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

/** `users`: cdc (upserts by `user_id`, ordered by `updated_at`). */
export const usersTable = exampleTable({
  name: 'users',
  options: CursorTableOptions,
  schema: usersSchema,
  metadata: { primary_keys: ['user_id'], cursor_field: 'updated_at', ingestion_type: 'cdc' },
  read: (context, startOffset, options) =>
    readIncremental(context, startOffset, {
      table: 'users',
      path: '/tables/users/records',
      cursorField: 'updated_at',
      maxRecords: options.max_records_per_batch,
    }),
})
