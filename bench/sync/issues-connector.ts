// The connector bench/sync reads: GitHub-issue-like records from issues-source.ts through
// core's HTTP client, 100 per page, cdc by id with updated_at as the cursor field. Loaded by
// `lakeflow sync` as a path connector.
import {
  createTableConnector,
  defineConnector,
  type Offset,
  type RawRecord,
  tableFactory,
} from '../../packages/core/src/connector/index.ts'
import { createHttpClient, type HttpClient } from '../../packages/core/src/http/index.ts'
import { defineOptions, Type } from '../../packages/core/src/options/index.ts'
import { issueSchema } from '../convert/issues.ts'

const Options = defineOptions({
  base_url: Type.String({ description: 'issues-source URL' }),
  per_page: Type.Integer({ default: 100 }),
  max_records_per_batch: Type.Integer({ default: 20_000, description: 'records per read call (one committed batch)' }),
})

const table = tableFactory<{ client: HttpClient; perPage: number; batch: number }>()

/**
 * Pages from `since_id` until a batch is full or the source is drained; offset {id}. The next
 * page is requested as soon as a page arrives (its `since_id` is the page's last id), so the
 * network wait overlaps the processing of the records.
 */
export async function* readIssues(
  client: HttpClient,
  start: Offset | null,
  perPage: number,
  batch: number,
): AsyncGenerator<RawRecord, Offset, undefined> {
  const fetchPage = (since: number) =>
    client.getJson<RawRecord[]>('/repos/example/project/issues', {
      searchParams: { since_id: since, per_page: perPage },
    })
  let since = typeof start?.id === 'number' ? start.id : 0
  let read = 0
  let pending: ReturnType<typeof fetchPage> | undefined = fetchPage(since)
  try {
    while (pending) {
      const { data } = await pending
      pending = undefined
      if (data.length === 0) break
      read += data.length
      since = Number(data.at(-1)!.id)
      if (read < batch && data.length === perPage) pending = fetchPage(since)
      yield* data
    }
  } finally {
    pending?.catch(() => {})
  }
  return since === 0 ? (start ?? {}) : { id: since }
}

const issues = table({
  name: 'issues',
  schema: issueSchema,
  metadata: { primary_keys: ['id'], cursor_field: 'updated_at', ingestion_type: 'cdc' },
  read: (context, start) => readIssues(context.client, start, context.perPage, context.batch),
})

/**
 * The connector definition; `lakeflow sync` loads this module by path.
 * @public
 */
export const connector = defineConnector({
  name: 'bench-issues',
  packageName: '@lakeflow/connector-bench-issues',
  version: '0.0.0',
  description: 'bench/sync source',
  options: Options,
  create(options) {
    const values = options as { base_url: string; per_page: number; max_records_per_batch: number }
    const client = createHttpClient({ baseUrl: values.base_url, retry: { limit: 1 } })
    return createTableConnector({
      name: 'bench-issues',
      context: { client, perPage: values.per_page, batch: values.max_records_per_batch },
      tables: [issues],
    })
  },
})
