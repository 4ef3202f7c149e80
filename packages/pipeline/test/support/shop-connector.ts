import {
  createTableConnector,
  defineConnector,
  type Offset,
  type RawRecord,
  tableFactory,
} from '@lakeflow/core/connector'
import { bearerAuth, createHttpClient, type HttpClient } from '@lakeflow/core/http'
import { defineOptions, secret } from '@lakeflow/core/options'
import { Spark } from '@lakeflow/core/schema'
import Type from 'typebox'

/** The test connector for the shop server: small, real HTTP through core's client. */
const ShopOptions = defineOptions({
  base_url: Type.String({ description: 'Shop server URL' }),
  token: secret(Type.String({ minLength: 1, description: 'API token' })),
  retry_base_ms: Type.Integer({ default: 1000, description: 'First retry wait' }),
  retry_limit: Type.Integer({ default: 3, description: 'Attempts per request' }),
})

interface ShopContext {
  readonly client: HttpClient
}

const table = tableFactory<ShopContext>()
const PageOptions = Type.Object(
  {
    page_size: Type.Integer({ default: 10, minimum: 1 }),
    max_records_per_batch: Type.Integer({ default: 25, minimum: 1 }),
  },
  { additionalProperties: false },
)

async function page(client: HttpClient, path: string, searchParams: Record<string, string | number>) {
  const response = await client.getJson<{ records: RawRecord[] }>(path, { searchParams })
  return response.data.records
}

/** Cursor reads: pages of `since`-filtered records until a batch is full or the source is drained. */
async function* cursorRead(
  client: HttpClient,
  path: string,
  start: Offset | null,
  options: { page_size: number; max_records_per_batch: number },
): AsyncGenerator<RawRecord, Offset, undefined> {
  let since = typeof start?.cursor === 'string' ? start.cursor : ''
  let count = 0
  while (count < options.max_records_per_batch) {
    const records = await page(client, path, { since, limit: options.page_size })
    if (records.length === 0) break
    for (const record of records) yield record
    count += records.length
    since = String(records.at(-1)!.updated_at)
    if (records.length < options.page_size) break
  }
  return since === '' ? (start ?? {}) : { cursor: since }
}

const ProductOptions = Type.Object(
  {
    page_size: Type.Integer({ default: 10, minimum: 1 }),
    /** 0: the whole snapshot in one call; else calls of about this many records, continuing by `after_id`. */
    records_per_call: Type.Integer({ default: 0, minimum: 0 }),
  },
  { additionalProperties: false },
)

/** A snapshot read in several calls: keyset pages after `start.after_id`, until `records_per_call`. */
async function* productsAfter(
  client: HttpClient,
  start: Offset | null,
  options: { page_size: number; records_per_call: number },
): AsyncGenerator<RawRecord, Offset | null, undefined> {
  let after = typeof start?.after_id === 'number' ? start.after_id : 0
  let count = 0
  while (count < options.records_per_call) {
    const records = await page(client, '/products', { after_id: after, limit: options.page_size })
    yield* records
    count += records.length
    if (records.length < options.page_size) return null
    after = Number(records.at(-1)!.id)
  }
  return { after_id: after }
}

const products = table({
  name: 'products',
  options: ProductOptions,
  schema: Spark.table({
    id: Spark.long({ nullable: false }),
    name: Spark.string(),
    price: Spark.decimal(10, 2),
    tags: Spark.array(Spark.string()),
    attributes: Spark.map(Spark.string(), Spark.string()),
    dimensions: Spark.struct({ width: Spark.double(), height: Spark.double() }),
    image: Spark.binary(),
  }),
  metadata: { primary_keys: ['id'], ingestion_type: 'snapshot' },
  async *read(context, start, options) {
    if (options.records_per_call > 0) return yield* productsAfter(context.client, start, options)
    for (let number = 1; ; number++) {
      const records = await page(context.client, '/products', { page: number, limit: options.page_size })
      yield* records
      if (records.length < options.page_size) return null
    }
  },
})

const users = table({
  name: 'users',
  options: PageOptions,
  schema: Spark.table({
    id: Spark.long({ nullable: false }),
    email: Spark.string(),
    name: Spark.string(),
    status: Spark.string(),
    updated_at: Spark.timestamp(),
  }),
  metadata: { primary_keys: ['id'], cursor_field: 'updated_at', ingestion_type: 'cdc' },
  read: (context, start, options) => cursorRead(context.client, '/users', start, options),
})

const orders = table({
  name: 'orders',
  options: PageOptions,
  schema: Spark.table({
    id: Spark.long({ nullable: false }),
    user_id: Spark.long(),
    amount: Spark.double(),
    status: Spark.string(),
    updated_at: Spark.timestamp(),
  }),
  metadata: { primary_keys: ['id'], cursor_field: 'updated_at', ingestion_type: 'cdc_with_deletes' },
  read: (context, start, options) => cursorRead(context.client, '/orders', start, options),
  readDeletes: (context, start, options) => cursorRead(context.client, '/orders/deleted', start, options),
})

const events = table({
  name: 'events',
  options: PageOptions,
  schema: Spark.table({
    seq: Spark.long({ nullable: false }),
    at: Spark.timestamp(),
    kind: Spark.string(),
    user_id: Spark.long(),
    payload: Spark.variant(),
  }),
  metadata: { cursor_field: 'seq', ingestion_type: 'append' },
  async *read(context, start, options) {
    let after = typeof start?.seq === 'number' ? start.seq : 0
    let count = 0
    while (count < options.max_records_per_batch) {
      const records = await page(context.client, '/events', { after, limit: options.page_size })
      if (records.length === 0) break
      yield* records
      count += records.length
      after = Number(records.at(-1)!.seq)
    }
    return after === 0 ? (start ?? {}) : { seq: after }
  },
})

/** The shop connector definition (exported as `connector`, like a connector package). */
export const connector = defineConnector({
  name: 'shop',
  packageName: '@lakeflow/connector-shop',
  version: '0.0.0',
  description: 'Test source for the pipeline',
  options: ShopOptions,
  tableOptionKeys: ['page_size', 'max_records_per_batch', 'records_per_call'],
  create(options) {
    const client = createHttpClient({
      baseUrl: options.base_url,
      auth: bearerAuth(options.token),
      retry: { limit: options.retry_limit, backoffBaseMs: options.retry_base_ms, jitter: false },
      timeoutMs: 5000,
    })
    return createTableConnector({ name: 'shop', context: { client }, tables: [products, users, orders, events] })
  },
})
