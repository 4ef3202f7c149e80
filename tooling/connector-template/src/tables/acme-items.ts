import { restTable } from '@lakeflow/core/kit'
import { Spark } from '@lakeflow/core/schema'
import { ItemsOptions } from '../acme-options.ts'

/** Spark schema of `items`. */
export const itemsSchema = Spark.table({
  id: Spark.long({ nullable: false }),
  name: Spark.string(),
  status: Spark.string(),
  updated_at: Spark.timestamp({ nullable: false }),
})

/**
 * `items`: cdc by `id`, ordered by `updated_at`, declared with the connector kit. A call
 * reads `(offset, cap]` (`since` exclusive, `until` the init-time cap) page by page and
 * stops after `max_records_per_batch` records where `updated_at` changes; the offset is
 * `{cursor}`. Change what the API differs in: the path, where the records are, the
 * paginator, the cursor parameters. Keep a hand-written `read` only for what a declaration
 * cannot say (see docs/writing-a-connector.md).
 */
export const itemsTable = restTable({
  name: 'items',
  options: ItemsOptions,
  schema: itemsSchema,
  metadata: { primary_keys: ['id'], cursor_field: 'updated_at', ingestion_type: 'cdc' },
  request: { path: '/items' },
  records: 'data',
  paginator: (options) => ({
    type: 'page_number',
    nextPage: 'next_page',
    sizeParam: 'per_page',
    size: options.page_size,
  }),
  incremental: { format: 'iso-ms', since: { param: 'since' }, until: { param: 'until' } },
})
