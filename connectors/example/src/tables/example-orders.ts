import { Spark } from '@lakeflow/core/schema'
import type { PageQuery } from '../example-client.ts'
import { exampleTable } from '../example-context.ts'
import { readIncremental } from '../example-incremental.ts'
import { OrdersOptions } from '../example-options.ts'

/** Spark schema of `orders`. */
export const ordersSchema = Spark.table({
  order_id: Spark.long({ nullable: false }),
  user_id: Spark.long(),
  amount: Spark.double(),
  currency: Spark.string(),
  status: Spark.string(),
  items: Spark.array(Spark.struct({ product_id: Spark.long(), quantity: Spark.long() })),
  note: Spark.string(),
  updated_at: Spark.timestamp({ nullable: false }),
})

/**
 * `orders`: cdc_with_deletes. Upserts come from `/records`, deletes from
 * `/deleted_records` (tombstones carry `order_id` and `updated_at`; other fields null).
 * Table options `user_id` and `status` filter both flows.
 */
export const ordersTable = exampleTable({
  name: 'orders',
  options: OrdersOptions,
  schema: ordersSchema,
  metadata: { primary_keys: ['order_id'], cursor_field: 'updated_at', ingestion_type: 'cdc_with_deletes' },
  read: (context, startOffset, options) =>
    readIncremental(context, startOffset, {
      table: 'orders',
      path: '/tables/orders/records',
      cursorField: 'updated_at',
      maxRecords: options.max_records_per_batch,
      query: filters(options),
    }),
  readDeletes: (context, startOffset, options) =>
    readIncremental(context, startOffset, {
      table: 'orders',
      path: '/tables/orders/deleted_records',
      cursorField: 'updated_at',
      maxRecords: options.max_records_per_batch,
    }),
})

function filters(options: { user_id?: number; status?: string }): PageQuery {
  const query: PageQuery = {}
  if (options.user_id !== undefined) query.user_id = options.user_id
  if (options.status !== undefined) query.status = options.status
  return query
}
