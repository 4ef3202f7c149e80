/**
 * The table connector's declarations: typed offsets (migrated, validated in and out),
 * declared partitions (exposed, dispatched, refused for other tables), tables discovered
 * from the source (once per instance), and declarations the kit refuses.
 */
import { describe, expect, it } from 'vitest'
import {
  collectRead,
  createTableConnector,
  isPartitionedTable,
  type Offset,
  supportsPartitionedStream,
  supportsPartitions,
  type TableHandler,
  type TableRead,
  tableFactory,
} from '../src/connector/index.ts'
import {
  InvalidOffsetError,
  InvalidOptionsError,
  LakeflowError,
  UnknownTableError,
  UnsupportedOperationError,
} from '../src/errors/index.ts'
import { localClock, offsetShape, restTable } from '../src/kit/index.ts'
import { Spark } from '../src/schema/index.ts'

const schema = Spark.table({ id: Spark.long({ nullable: false }) })
const table = tableFactory<null>()
/** A read of nothing that ends at `{}`. */
async function* nothing(): TableRead {
  yield* []
  return {}
}

/** A table that yields one record and returns a fixed end offset, recording what it was started from. */
function echo(name: string, declaration: TableHandler<null>['offset'], end: (start: Offset | null) => Offset | null) {
  const starts: (Offset | null)[] = []
  const handler = table({
    name,
    schema,
    metadata: { primary_keys: ['id'], cursor_field: 'id', ingestion_type: 'cdc' },
    ...(declaration ? { offset: declaration } : {}),
    async *read(_context, start) {
      starts.push(start)
      yield { id: 1 }
      return end(start)
    },
  })
  return { handler, starts }
}

describe('typed offsets', () => {
  const declaration = offsetShape(
    { cursor: 'iso', seen: 'ids', below: 'iso' },
    { cursor: 'ascending', below: 'descending' },
    (offset) => {
      const { depth, ...rest } = offset
      return typeof depth === 'number'
        ? { ...rest, below: new Date(Date.parse(String(offset.cursor)) - depth).toISOString() }
        : offset
    },
  )

  it('refuses a bad offset with InvalidOffsetError naming the table and the key, before any read', async () => {
    const { handler, starts } = echo('tickets', declaration, (start) => start)
    const connector = createTableConnector({ name: 'acme', context: null, tables: [handler] })
    for (const [offset, key, problem] of [
      [{ cursor: 17 }, 'cursor', /key "cursor": expected an ISO 8601 date-time such as "2024-01-01T00:00:00Z", got 17/],
      [{ cursor: 'yesterday' }, 'cursor', /key "cursor": expected an ISO 8601 date-time .*, got "yesterday"/],
      [
        { cursor: '2024-01-01T00:00:00Z', extra: true },
        'extra',
        /key "extra": unknown key "extra"; expected one of cursor, seen, below/,
      ],
    ] as const) {
      let error: unknown
      try {
        connector.readTable('tickets', offset, {})
      } catch (caught) {
        error = caught
      }
      expect(InvalidOffsetError.isInstance(error), String(error)).toBe(true)
      expect((error as InvalidOffsetError).key).toBe(key)
      expect((error as InvalidOffsetError).table).toBe('tickets')
      expect((error as Error).message).toMatch(problem)
    }
    expect(starts).toEqual([])
  })

  it('migrates an earlier version’s offset before the read sees it', async () => {
    const { handler, starts } = echo('tickets', declaration, (start) => start)
    const connector = createTableConnector({ name: 'acme', context: null, tables: [handler] })
    await collectRead(connector.readTable('tickets', { cursor: '2024-01-01T00:10:00Z', depth: 600_000 }, {}))
    expect(starts).toEqual([{ cursor: '2024-01-01T00:10:00Z', below: '2024-01-01T00:00:00.000Z' }])
  })

  it('checks the offset a table returns against its own declaration (a bug in the table)', async () => {
    const { handler } = echo('tickets', declaration, () => ({ cursor: 'not a time' }))
    const connector = createTableConnector({ name: 'acme', context: null, tables: [handler] })
    const error = await collectRead(connector.readTable('tickets', {}, {})).catch((caught: unknown) => caught)
    expect(LakeflowError.isInstance(error) && error.category).toBe('internal')
    expect(String(error)).toMatch(
      /Table "tickets" returned an offset that does not match its declared schema: key "cursor"/,
    )
  })

  it('describes the declared offset; tables without one are left as they are', async () => {
    const typed = echo('typed', declaration, () => ({}))
    const loose = echo('loose', undefined, () => ({ anything: 1 }))
    const connector = createTableConnector({ name: 'acme', context: null, tables: [typed.handler, loose.handler] })
    const described = await connector.describeTable('typed', {})
    expect(described.offset?.ordered).toEqual({ cursor: 'ascending', below: 'descending' })
    expect(Object.keys(described.offset?.schema.properties ?? {})).toEqual(['cursor', 'seen', 'below'])
    expect(await connector.describeTable('loose', {})).toEqual({})
    expect((await collectRead(connector.readTable('loose', { whatever: 'x' }, {}))).offset).toEqual({ anything: 1 })
  })
})

describe('declared partitions', () => {
  const ranges = {
    list: async (_context: null, _options: unknown, start: Offset | null | undefined) =>
      start == null ? [{ part: 1 }, { part: 2 }] : [],
    async *read(_context: null, partition: { readonly [key: string]: unknown }) {
      yield { id: Number(partition.part) }
    },
  }

  it('exposes partitions for the tables that declare them and refuses the others', async () => {
    const partitioned = table({
      name: 'readings',
      schema,
      metadata: { ingestion_type: 'append' },
      partitions: { ...ranges, latestOffset: async () => ({ at: 1 }) },
      read: nothing,
    })
    const plain = table({
      name: 'users',
      schema,
      metadata: { ingestion_type: 'snapshot', primary_keys: ['id'] },
      read: nothing,
    })
    const connector = createTableConnector({ name: 'acme', context: null, tables: [partitioned, plain] })
    expect(supportsPartitionedStream(connector)).toBe(true)
    expect(isPartitionedTable(connector, 'readings')).toBe(true)
    expect(isPartitionedTable(connector, 'users')).toBe(false)
    const partitions = await connector.getPartitions!('readings', {})
    expect(partitions).toEqual([{ part: 1 }, { part: 2 }])
    const read: unknown[] = []
    for (const partition of partitions)
      for await (const record of connector.readPartition!('readings', partition, {})) read.push(record)
    expect(read).toEqual([{ id: 1 }, { id: 2 }])
    await expect(connector.getPartitions!('users', {})).rejects.toSatisfy(UnsupportedOperationError.isInstance)
    await expect(connector.getPartitions!('nope', {})).rejects.toSatisfy(UnknownTableError.isInstance)
    expect(() => connector.isPartitioned!('nope')).toThrow(/nope/)
  })

  it('a connector whose tables all declare batch partitions gets batch partitions only; a mixture without streams is refused', () => {
    const batch = (name: string) =>
      table({
        name,
        schema,
        metadata: { ingestion_type: 'append' },
        partitions: ranges,
        read: nothing,
      })
    const all = createTableConnector({ name: 'acme', context: null, tables: [batch('a'), batch('b')] })
    expect(supportsPartitions(all)).toBe(true)
    expect(supportsPartitionedStream(all)).toBe(false)
    const plain = table({
      name: 'c',
      schema,
      metadata: { ingestion_type: 'append' },
      read: nothing,
    })
    expect(() => createTableConnector({ name: 'acme', context: null, tables: [batch('a'), plain] })).toThrow(
      /tables a declare partitions without latestOffset while c have none/,
    )
    expect(supportsPartitions(createTableConnector({ name: 'acme', context: null, tables: [plain] }))).toBe(false)
  })
})

describe('discovered tables', () => {
  it('asks the source once per instance, and names the discovered tables for an unknown one', async () => {
    let discoveries = 0
    let schemas = 0
    const discover = async () => {
      discoveries++
      return ['deals', 'tickets'].map((name) =>
        table({
          name,
          schema: async () => {
            schemas++
            return Spark.table({ id: Spark.long({ nullable: false }), [`${name}_stage`]: Spark.string() })
          },
          metadata: { primary_keys: ['id'], ingestion_type: 'snapshot' },
          async *read() {
            yield { id: 7 }
            return {}
          },
        }),
      )
    }
    const connector = createTableConnector({ name: 'crm', context: null, tables: discover })
    expect(await connector.listTables()).toEqual(['deals', 'tickets'])
    expect(Object.keys((await connector.getTableSchema('deals', {})).fields)).toEqual(['id', 'deals_stage'])
    await connector.getTableSchema('deals', {})
    expect((await collectRead(connector.readTable('tickets', null, {}))).records).toEqual([{ id: 7 }])
    expect([discoveries, schemas]).toEqual([1, 1])
    const error = await collectRead(connector.readTable('contacts', null, {})).catch((caught: unknown) => caught)
    expect(UnknownTableError.isInstance(error)).toBe(true)
    expect(String(error)).toMatch(/deals, tickets/)
    createTableConnector({ name: 'crm', context: null, tables: discover })
    expect(discoveries).toBe(1) // a new instance asks again only when used
  })

  it('asks again after a failed discovery', async () => {
    let calls = 0
    const connector = createTableConnector({
      name: 'crm',
      context: null,
      tables: async () => {
        if (++calls === 1) throw new LakeflowError('the metadata endpoint is down', { category: 'transient' })
        return []
      },
    })
    await expect(connector.listTables()).rejects.toThrow(/down/)
    expect(await connector.listTables()).toEqual([])
  })
})

describe('declarations the kit refuses', () => {
  const base = {
    name: 'items',
    schema,
    metadata: { primary_keys: ['id'], cursor_field: 'updated_at', ingestion_type: 'cdc' as const },
    request: { path: '/items' },
  }

  it('names the table and the contradiction', () => {
    expect(() => restTable({ ...base, incremental: { keyset: true, since: { param: 'since' } } })).toThrow(
      /Table "items" is declared wrongly: keyset paging needs a since parameter and remembered ties/,
    )
    expect(() =>
      restTable({ ...base, incremental: { window: { seconds: () => 60 }, since: { param: 'since' } } }),
    ).toThrow(/windows need since and until parameters/)
    expect(() => restTable({ ...base, incremental: { order: 'descending', since: { param: 'since' } } })).toThrow(
      /a descending listing is walked without since or keyset/,
    )
  })

  it('a start option that is no time fails naming the option when a read starts', async () => {
    const items = restTable({ ...base, incremental: { since: { param: 'since' }, start: () => 'last tuesday' } })
    const connector = createTableConnector({
      name: 'acme',
      context: { http: null as never, clock: localClock() },
      tables: [items],
    })
    let error: unknown
    try {
      await collectRead(connector.readTable('items', {}, {}))
    } catch (caught) {
      error = caught
    }
    expect(InvalidOptionsError.isInstance(error)).toBe(true)
    expect((error as InvalidOptionsError).key).toBe('start')
    expect(String(error)).toMatch(/expected a date such as "2024-01-01".*got "last tuesday"/)
  })
})
