/** Mutants aimed at the write-back checks (§4.4) and the simulator-backed checks (§4.5 B–E). */
import {
  type ConnectorDefinition,
  canonicalOffset,
  type Offset,
  type Partition,
  type RawRecord,
  type TableOptions,
  type TableRead,
} from '@lakeflow/core/connector'
import { basicAuth, createHttpClient, createRateBudget } from '@lakeflow/core/http'
import { parseOptions } from '@lakeflow/core/options'
import { Spark, type TableSchema } from '@lakeflow/core/schema'
import {
  createExampleConnector,
  EXAMPLE_API_BURST,
  EXAMPLE_API_RATE_LIMIT,
  ExampleOptions,
  connector as example,
  exampleRateBudget,
} from '../../../../connectors/example/src/index.ts'
import { mutant, readTableFor, transformRead } from './mutate.ts'

const parsed = (options: Readonly<Record<string, unknown>>) => parseOptions(ExampleOptions, options, 'mutant')

/** A hand-written page getter for the example API, for mutants that page by themselves. */
function exampleApi(options: Readonly<Record<string, unknown>>) {
  const settings = parsed(options)
  const client = createHttpClient({
    baseUrl: settings.base_url,
    auth: basicAuth(settings.username ?? '', settings.password ?? ''),
    rateLimit: { budget: exampleRateBudget(settings) },
  })
  return {
    async page(path: string, query: Record<string, string | number>) {
      const response = await client.getJson<{ records: RawRecord[]; next_page: number | null }>(path, {
        searchParams: query,
      })
      return response.data
    },
  }
}

/** listTables forgets `events` (which the suite writes to). */
export const tableMissingFromList = mutant(({ inner }) => ({
  async listTables() {
    return (await inner.listTables()).filter((table) => table !== 'events')
  },
}))

/** orders claims plain cdc although its records get deleted. */
export const ordersWithoutDeletes = mutant(({ inner }) => ({
  async readTableMetadata(table: string, options: TableOptions) {
    const metadata = await inner.readTableMetadata(table, options)
    return table === 'orders' ? { ...metadata, ingestion_type: 'cdc' } : metadata
  },
}))

/** The users schema calls `email` `email_address`: what the source sends is dropped. */
export const renamedColumn = mutant(({ inner }) => ({
  async getTableSchema(table: string, options: TableOptions) {
    const schema = await inner.getTableSchema(table, options)
    if (table !== 'users') return schema
    const { email: _email, ...fields } = schema.fields
    return { ...schema, fields: { ...fields, email_address: Spark.string() } } as TableSchema
  },
}))

const MODULE_LOADED_AT = new Date()

/** The init-time cap is taken when the module loads, not per instance: later records never appear. */
export const moduleLoadCap: ConnectorDefinition = {
  ...example,
  create(options) {
    return createExampleConnector(parsed(options), { now: MODULE_LOADED_AT })
  },
}

/** readTableDeletes returns at once without asking the source. */
export const noDeleteFlow = mutant(() => ({
  readTableDeletes(_table: string, start: Offset | null): TableRead {
    return (async function* () {
      yield* []
      return start ?? {}
    })()
  },
}))

/** A paginator off by one: it stops before the last page yet claims everything up to the cap. */
export const losesLastPage = mutant(({ inner, options }) => {
  const api = exampleApi(options)
  const cap = new Date().toISOString()
  return readTableFor(inner, 'users', (start) =>
    (async function* (): TableRead {
      const since = typeof start?.cursor === 'string' ? start.cursor : undefined
      if (since !== undefined && since >= cap) return start
      let page = 1
      for (;;) {
        const body = await api.page('/tables/users/records', { ...(since ? { since } : {}), until: cap, page })
        if (body.next_page === null) break
        yield* body.records
        page = body.next_page
      }
      return { cursor: cap }
    })(),
  )
})

const progress = new Map<string, string>()

/** Remembers, outside the offset, how far a call got, and resumes from there after a crash. */
export const resumesFromMemory = mutant(({ inner }) =>
  readTableFor(inner, 'users', (start, options) => {
    const key = canonicalOffset(start)
    const remembered = progress.get(key)
    return (async function* (): TableRead {
      const read = inner.readTable('users', remembered ? { cursor: remembered } : start, options)
      for (;;) {
        const step = await read.next()
        if (step.done) {
          progress.delete(key)
          return step.value
        }
        progress.set(key, step.value.updated_at as string)
        yield step.value
      }
    })()
  }),
)

/** Stops exactly at max_records_per_batch, even inside a run of equal cursor values. */
export const splitsTies = mutant(({ inner }) =>
  readTableFor(inner, 'users', (start, options) =>
    (async function* (): TableRead {
      const limit = Number(options.max_records_per_batch ?? 200)
      const read = inner.readTable('users', start, options)
      let last: RawRecord | undefined
      let count = 0
      for (;;) {
        const step = await read.next()
        if (step.done) return step.value
        yield step.value
        last = step.value
        if (++count >= limit) {
          await read.return(null)
          return { cursor: last.updated_at as string }
        }
      }
    })(),
  ),
)

/** The products snapshot ends "successfully" when a page fails. */
export const partialSnapshot = mutant(({ inner }) =>
  readTableFor(inner, 'products', (start, options) =>
    (async function* (): TableRead {
      try {
        return yield* inner.readTable('products', start, options)
      } catch {
        return { snapshot_at: new Date().toISOString() }
      }
    })(),
  ),
)

/** Reads users with plain fetch: no retries, and errors that say nothing about their kind. */
export const noRetries = mutant(({ inner, options }) => {
  const { base_url: baseUrl, username, password } = parsed(options)
  const authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
  return readTableFor(inner, 'users', (start) =>
    (async function* (): TableRead {
      let page: number | null = 1
      let last: string | undefined
      while (page !== null) {
        const query = new URLSearchParams({
          page: String(page),
          ...(typeof start?.cursor === 'string' ? { since: start.cursor } : {}),
        })
        const response = await fetch(`${baseUrl}/tables/users/records?${query}`, { headers: { authorization } })
        if (!response.ok) throw new Error(`HTTP ${response.status}`)
        const body = (await response.json()) as { records: RawRecord[]; next_page: number | null }
        for (const record of body.records) {
          last = record.updated_at as string
          yield record
        }
        page = body.next_page
      }
      return last ? { cursor: last } : (start ?? {})
    })(),
  )
})

/**
 * Reads users through core's client but with retries off, and skips a page whose request
 * fails: every transient fault silently loses a page.
 */
export const skipsFailedPage = mutant(({ inner, options }) => {
  const { base_url: baseUrl, username, password } = parsed(options)
  const client = createHttpClient({ baseUrl, auth: basicAuth(username ?? '', password ?? '') })
  return readTableFor(inner, 'users', (start) =>
    (async function* (): TableRead {
      let page: number | null = 1
      let last: string | undefined
      while (page !== null) {
        const since = typeof start?.cursor === 'string' ? start.cursor : undefined
        let body: { records: RawRecord[]; next_page: number | null }
        try {
          const response = await client.getJson<typeof body>('/tables/users/records', {
            searchParams: { page, since },
            retry: false,
          })
          body = response.data
        } catch {
          page++
          continue
        }
        for (const record of body.records) {
          last = record.updated_at as string
          yield record
        }
        page = body.next_page
      }
      return last ? { cursor: last } : (start ?? {})
    })(),
  )
})

/** Every read first probes an endpoint the source does not have, ignoring the 404. */
export const probesUnknownEndpoint = mutant(({ inner, options }) => {
  const api = exampleApi(options)
  return {
    readTable(table: string, start: Offset | null, tableOptions: TableOptions): TableRead {
      return (async function* () {
        await api.page('/health', {}).catch(() => undefined)
        return yield* inner.readTable(table, start, tableOptions)
      })()
    },
  }
})

/** Errors mention the Authorization header the request carried. */
export const leaksTokenInError = mutant(({ inner, options }) => {
  const { username, password } = parsed(options)
  const header = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
  return {
    readTable(table: string, start: Offset | null, tableOptions: TableOptions): TableRead {
      return (async function* () {
        try {
          return yield* inner.readTable(table, start, tableOptions)
        } catch (error) {
          throw new Error(`${(error as Error).message} (request sent Authorization: ${header})`)
        }
      })()
    },
  }
})

/** Logs the credentials it reads with (a debug line left in). */
export const logsCredentials = mutant(({ inner, options }) => {
  const { username, password } = parsed(options)
  return readTableFor(inner, 'users', (start, tableOptions) => {
    console.warn(`example: reading users as ${username}:${password}`)
    return inner.readTable('users', start, tableOptions)
  })
})

/** Stores a credential in the offset (to "resume as the same user"). */
export const secretInOffset = mutant(({ inner, options }) =>
  readTableFor(inner, 'users', (start, tableOptions) =>
    transformRead(inner.readTable('users', start, tableOptions), {
      end: (end) => (end ? { ...end, resume_as: String(parsed(options).password) } : end),
    }),
  ),
)

/** Copies a credential into every record (an "audit" column). */
export const secretInRecords = mutant(({ inner, options }) =>
  readTableFor(inner, 'users', (start, tableOptions) =>
    transformRead(inner.readTable('users', start, tableOptions), {
      records: (record) => ({ ...record, fetched_with: `basic ${String(parsed(options).password)}` }),
    }),
  ),
)

/** The account's declared rate, without the key that shares it: each instance paces itself alone. */
const ownBudget = (options: Readonly<Record<string, unknown>>) =>
  createRateBudget({
    requestsPerSecond: parsed(options).max_requests_per_second ?? EXAMPLE_API_RATE_LIMIT,
    burst: EXAMPLE_API_BURST,
  })

/** Each partition read builds its own client and budget: concurrent partitions multiply the rate. */
export const budgetPerPartition = mutant(({ inner, options }) => ({
  readPartition(table: string, partition: Partition, tableOptions: TableOptions) {
    const alone = createExampleConnector(parsed(options), { budget: ownBudget(options) })
    return alone.readPartition(table, partition, tableOptions)
  },
  readTable(table: string, start: Offset | null, tableOptions: TableOptions) {
    const alone = createExampleConnector(parsed(options), { budget: ownBudget(options) })
    return table === 'readings'
      ? inner.readTable(table, start, tableOptions)
      : alone.readTable(table, start, tableOptions)
  },
}))

/** One budget per instance (no key): instances reading the same account do not share it. */
export const budgetPerInstance: ConnectorDefinition = {
  ...example,
  create(options) {
    return createExampleConnector(parsed(options), { budget: ownBudget(options) })
  },
}
