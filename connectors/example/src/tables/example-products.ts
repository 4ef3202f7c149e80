import { restTable } from '@lakeflow/core/kit'
import { Spark } from '@lakeflow/core/schema'
import { examplePages } from '../example-api.ts'
import { ProductsOptions } from '../example-options.ts'

/** Spark schema of `products`. */
export const productsSchema = Spark.table({
  product_id: Spark.long({ nullable: false }),
  sku: Spark.string({ nullable: false }),
  name: Spark.string(),
  price: Spark.decimal(10, 2),
  category: Spark.string(),
  in_stock: Spark.boolean(),
  tags: Spark.array(Spark.string()),
  dimensions: Spark.struct({ width_cm: Spark.double(), height_cm: Spark.double(), depth_cm: Spark.double() }),
  released_on: Spark.date(),
})

/**
 * `products`: a snapshot table. Each read returns the whole catalogue (optionally one
 * category) and the offset `{snapshot_at: cap}`; reading again from that offset on the same
 * instance returns nothing, and a later instance takes a fresh snapshot.
 */
export const productsTable = restTable({
  name: 'products',
  options: ProductsOptions,
  schema: productsSchema,
  metadata: { primary_keys: ['product_id'], ingestion_type: 'snapshot' },
  request: { path: '/tables/products/records', query: { category: (options) => options.category } },
  records: 'records',
  paginator: examplePages(20),
  snapshot: { marker: 'snapshot_at' },
})
