import { type Offset, type RawRecord, tableFactory } from '@lakeflow/core/connector'
import { InvalidOffsetError, LakeflowError } from '@lakeflow/core/errors'
import type { HttpClient, HttpResponse, SearchParams } from '@lakeflow/core/http'
import { Spark } from '@lakeflow/core/schema'
import { ItemsOptions } from '../kinesis-options.ts'

/** What the tables share: the HTTP client and the init-time cap. */
export interface KinesisContext {
  /** The HTTP client (core's: retries, auth, rate budget, redaction). */
  readonly client: HttpClient
  /** `now` when the connector was created (ISO); reads never go past it. */
  readonly cap: string
}

/** Spark schema of `items`. */
export const itemsSchema = Spark.table({
  id: Spark.long({ nullable: false }),
  name: Spark.string(),
  status: Spark.string(),
  updated_at: Spark.timestamp({ nullable: false }),
})

interface ItemsPage {
  data: RawRecord[]
  next_page: number | null
}

function sinceOf(offset: Offset | null): string | undefined {
  const cursor = offset?.cursor
  if (cursor === undefined) return undefined
  if (typeof cursor !== 'string' || Number.isNaN(Date.parse(cursor))) {
    throw new InvalidOffsetError('items', '"cursor" must be an ISO timestamp', offset)
  }
  return new Date(cursor).toISOString()
}

/**
 * `items`: cdc by `id`, ordered by `updated_at`. A call reads (cursor, cap] page by page and
 * stops after `max_records_per_batch` records, but only where the cursor value changes: the
 * next call starts after the last cursor, so splitting a run of equal cursors would lose
 * its second half.
 */
export const itemsTable = tableFactory<KinesisContext>()({
  name: 'items',
  options: ItemsOptions,
  schema: itemsSchema,
  metadata: { primary_keys: ['id'], cursor_field: 'updated_at', ingestion_type: 'cdc' },
  async *read(context, startOffset, options) {
    const since = sinceOf(startOffset)
    if (since !== undefined && since >= context.cap) return startOffset
    let page: number | null = 1
    let count = 0
    let last: string | undefined
    while (page !== null) {
      const searchParams: SearchParams = { since, until: context.cap, page, per_page: options.page_size }
      const response: HttpResponse<ItemsPage> = await context.client.getJson<ItemsPage>('/items', { searchParams })
      const body = response.data
      if (!Array.isArray(body?.data))
        throw new LakeflowError('Kinesis answered /items without a "data" list', { category: 'source' })
      for (const record of body.data) {
        const cursor = String(record.updated_at)
        if (count >= options.max_records_per_batch && cursor !== last) return { cursor: last! }
        yield record
        count++
        last = cursor
      }
      page = body.next_page
    }
    return last === undefined ? (startOffset ?? {}) : { cursor: last }
  },
})
