import { restTable } from '@lakeflow/core/kit'
import { Spark } from '@lakeflow/core/schema'
import { exampleCursor, examplePages } from '../example-api.ts'
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
 * `orders`: cdc_with_deletes. Upserts come from `/records`, filtered by the table options
 * `user_id` and `status` (query values taken from options; unset ones are left out);
 * deletes from `/deleted_records` (tombstones carry `order_id` and `updated_at`).
 */
export const ordersTable = restTable({
  name: 'orders',
  options: OrdersOptions,
  schema: ordersSchema,
  metadata: { primary_keys: ['order_id'], cursor_field: 'updated_at', ingestion_type: 'cdc_with_deletes' },
  request: {
    path: '/tables/orders/records',
    query: { user_id: (options) => options.user_id, status: (options) => options.status },
  },
  deletes: { path: '/tables/orders/deleted_records' },
  records: 'records',
  paginator: examplePages(40),
  incremental: exampleCursor,
})
