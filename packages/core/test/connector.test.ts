// The connector module: offsets (JSON objects of primitives, compared canonically), reads as
// async generators that return their end offset, connector definitions that validate
// options with InvalidOptionsError naming the key, spec versions, table dispatch and the
// capability guards.
import Type from 'typebox'
import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  assertConnectorDefinition,
  assertOffset,
  canonicalOffset,
  collectRead,
  createTableConnector,
  defineConnector,
  drainRead,
  FRAMEWORK_OPTION_KEYS,
  INGESTION_TYPES,
  isPartitionedTable,
  type LakeflowConnector,
  MAX_OFFSET_BYTES,
  type Offset,
  type PartitionedStreamSupport,
  type PartitionSupport,
  parseTableOptions,
  type RawRecord,
  SPECIFICATION_VERSION,
  sameOffset,
  supportsDeletes,
  supportsNamespaces,
  supportsPartitionedStream,
  supportsPartitions,
  type TableRead,
  tableFactory,
  tableOptionKeysOf,
} from '../src/connector/index.ts'
import {
  InvalidOffsetError,
  InvalidOptionsError,
  LakeflowError,
  SpecVersionError,
  setDebugSink,
  UnknownTableError,
  UnsupportedOperationError,
} from '../src/errors/index.ts'
import { defineOptions, secret } from '../src/options/index.ts'
import { Spark } from '../src/schema/index.ts'

function thrown(run: () => unknown): unknown {
  try {
    run()
  } catch (error) {
    return error
  }
  throw new Error('expected the call to throw')
}

async function rejected(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the promise to reject')
    },
    (error: unknown) => error,
  )
}

async function* numbers(count: number, end: Offset | null): TableRead {
  for (let index = 0; index < count; index++) yield { id: index }
  return end
}

describe('offsets', () => {
  it('compare by canonical JSON, ignoring key order', () => {
    expect(canonicalOffset({ b: 2, a: 'x' })).toBe('{"a":"x","b":2}')
    expect(canonicalOffset(null)).toBe('null')
    expect(canonicalOffset(undefined)).toBe('null')
    expect(sameOffset({ cursor: '2024', page: 1 }, { page: 1, cursor: '2024' })).toBe(true)
    expect(sameOffset({ cursor: '2024' }, { cursor: '2025' })).toBe(false)
    expect(sameOffset({ page: 1 }, { page: '1' })).toBe(false)
    expect(sameOffset({}, null)).toBe(false)
    expect(sameOffset(null, undefined)).toBe(true)
  })

  it('accept null and plain objects of primitives', () => {
    expect(() => assertOffset(null, 't')).not.toThrow()
    expect(() => assertOffset({}, 't')).not.toThrow()
    expect(() => assertOffset({ cursor: 'c', page: 2, done: false, token: null }, 't')).not.toThrow()
    expect(() => assertOffset(Object.assign(Object.create(null), { cursor: 'c' }), 't')).not.toThrow()
  })

  it.each([
    ['undefined', undefined, /expected a JSON object of primitives or null/],
    ['a string', 'cursor', /expected a JSON object of primitives or null/],
    ['an array', [1], /expected a JSON object of primitives or null/],
    ['a Date', new Date(0), /expected a plain object/],
    ['a nested object', { cursor: { at: 1 } }, /key "cursor" must be a string, finite number, boolean or null/],
    ['a list value', { ids: [1, 2] }, /key "ids" must be/],
    ['NaN', { page: Number.NaN }, /key "page" must be/],
    ['a bigint', { id: 1n }, /key "id" must be/],
    ['undefined value', { cursor: undefined }, /key "cursor" must be/],
  ])('reject %s, naming the table and the key', (_label, value, message) => {
    const error = thrown(() => assertOffset(value, 'issues'))
    expect(InvalidOffsetError.isInstance(error)).toBe(true)
    expect((error as InvalidOffsetError).table).toBe('issues')
    expect((error as Error).message).toMatch(/^Invalid offset for table "issues": /)
    expect((error as Error).message).toMatch(message)
  })

  it(`reject offsets over ${MAX_OFFSET_BYTES} bytes of JSON`, () => {
    const error = thrown(() => assertOffset({ blob: 'x'.repeat(MAX_OFFSET_BYTES) }, 'big'))
    expect(InvalidOffsetError.isInstance(error)).toBe(true)
    expect((error as Error).message).toMatch(/offset is \d+ bytes as JSON; the limit is 16384/)
    expect(() => assertOffset({ blob: 'x'.repeat(MAX_OFFSET_BYTES - 20) }, 'big')).not.toThrow()
  })
})

describe('reads', () => {
  it('drainRead streams every record to the callback, awaits it, and returns the end offset', async () => {
    const seen: number[] = []
    let pending = 0
    const result = await drainRead(numbers(5, { cursor: 'end' }), async (record) => {
      pending++
      await new Promise((resolve) => setTimeout(resolve, 1))
      seen.push(record.id as number)
      pending--
      expect(pending).toBe(0) // one record at a time: back-pressure
    })
    expect(result).toEqual({ offset: { cursor: 'end' }, count: 5 })
    expect(seen).toEqual([0, 1, 2, 3, 4])
    expect(await drainRead(numbers(0, null))).toEqual({ offset: null, count: 0 })
  })

  it('collectRead stops at a limit, closes the read, and reports it incomplete', async () => {
    let closed = false
    async function* endless(): TableRead {
      try {
        for (let index = 0; ; index++) yield { id: index }
      } finally {
        closed = true
      }
    }
    const partial = await collectRead(endless(), 3)
    expect(partial).toEqual({ records: [{ id: 0 }, { id: 1 }, { id: 2 }], offset: undefined, complete: false })
    expect(closed).toBe(true)
    expect(await collectRead(numbers(2, { cursor: 'x' }))).toEqual({
      records: [{ id: 0 }, { id: 1 }],
      offset: { cursor: 'x' },
      complete: true,
    })
  })
})

const ExampleOptions = defineOptions({
  base_url: Type.String({ description: 'API base URL' }),
  token: secret(Type.String({ minLength: 8, description: 'API token' })),
  page_size: Type.Integer({ minimum: 1, default: 50, description: 'Records per page' }),
})

const items = Spark.table({ id: Spark.long({ nullable: false }), updated_at: Spark.timestamp() })
const table = tableFactory<{ prefix: string }>()
const itemsTable = table({
  name: 'items',
  options: defineOptions({ since: Type.Optional(Type.String({ format: 'date-time', description: 'Lower bound' })) }),
  schema: items,
  metadata: { primary_keys: ['id'], cursor_field: 'updated_at', ingestion_type: 'cdc_with_deletes' },
  async *read(context, start, options) {
    yield { id: 1, note: `${context.prefix} ${options.since ?? 'all'}` }
    return start ?? {}
  },
  async *readDeletes(_context, start) {
    yield { id: 2 }
    return start
  },
})
const notesTable = table({
  name: 'notes',
  schema: () => Spark.table({ text: Spark.string() }),
  metadata: () => ({ ingestion_type: 'append' }),
  read: () => numbers(0, null),
})

function itemsConnector(): LakeflowConnector {
  return createTableConnector({ name: 'acme', context: { prefix: 'p' }, tables: [itemsTable, notesTable] })
}

describe('defineConnector', () => {
  const created: Record<string, unknown>[] = []
  const definition = defineConnector({
    name: 'acme',
    packageName: '@lakeflow/connector-acme',
    version: '1.2.3',
    description: 'test connector',
    options: ExampleOptions,
    tableOptionKeys: tableOptionKeysOf([itemsTable, notesTable]),
    create(options) {
      expectTypeOf(options.page_size).toEqualTypeOf<number>()
      created.push(options)
      return itemsConnector()
    },
  })

  it('declares the interface version and the table option keys', () => {
    expect(definition.specificationVersion).toBe(SPECIFICATION_VERSION)
    expect(SPECIFICATION_VERSION).toBe('v1')
    expect(definition.tableOptionKeys).toEqual(['since'])
    expect(INGESTION_TYPES).toEqual(['snapshot', 'cdc', 'cdc_with_deletes', 'append'])
  })

  it('validates and defaults the options before create runs', () => {
    definition.create({ base_url: 'http://x.test', token: 'secret-token-1', page_size: '20' })
    expect(created.at(-1)).toEqual({ base_url: 'http://x.test', token: 'secret-token-1', page_size: 20 })
    definition.create({ base_url: 'http://x.test', token: 'secret-token-1' })
    expect(created.at(-1)).toMatchObject({ page_size: 50 })
  })

  it.each([
    ['a missing key', { token: 'secret-token-1' }, 'base_url', /required but missing \(API base URL\)/],
    ['a bad value', { base_url: 'u', token: 'secret-token-1', page_size: '0' }, 'page_size', /expected a number >= 1/],
    ['an unknown key', { base_url: 'u', token: 'secret-token-1', pagesize: 5 }, 'pagesize', /did you mean/],
    ['a short secret', { base_url: 'u', token: 'short-1' }, 'token', /at least 8 characters, got \[REDACTED\]/],
  ])('throws InvalidOptionsError naming the key for %s', (_label, raw, key, problem) => {
    const before = created.length
    const error = thrown(() => definition.create(raw))
    expect(InvalidOptionsError.isInstance(error), String(error)).toBe(true)
    expect((error as InvalidOptionsError).key).toBe(key)
    expect((error as InvalidOptionsError).where).toBe('connector acme')
    expect((error as Error).message).toMatch(problem)
    expect((error as Error).message).not.toContain('short-1')
    expect(created.length).toBe(before)
  })

  it('assertConnectorDefinition accepts a definition, refuses other values and other versions', () => {
    expect(() => assertConnectorDefinition(definition, 'pkg')).not.toThrow()
    const notOne = thrown(() => assertConnectorDefinition({ name: 'x' }, '@lakeflow/connector-x'))
    expect(LakeflowError.isInstance(notOne)).toBe(true)
    expect((notOne as LakeflowError).category).toBe('config')
    expect((notOne as Error).message).toMatch(/@lakeflow\/connector-x does not export a connector definition/)
    const future = thrown(() => assertConnectorDefinition({ ...definition, specificationVersion: 'v2' }, 'pkg'))
    expect(SpecVersionError.isInstance(future)).toBe(true)
    expect((future as SpecVersionError).actual).toBe('v2')
    expect((future as Error).message).toMatch(/implements specification version "v2".*supports "v1"/)
  })
})

describe('createTableConnector', () => {
  it('dispatches by table, with fixed or computed schema and metadata', async () => {
    const connector = itemsConnector()
    expect(connector.specificationVersion).toBe('v1')
    expect(await connector.listTables()).toEqual(['items', 'notes'])
    expect(await connector.getTableSchema('items', {})).toBe(items)
    expect(Object.keys((await connector.getTableSchema('notes', {})).fields)).toEqual(['text'])
    expect(await connector.readTableMetadata('notes', {})).toEqual({ ingestion_type: 'append' })
    const read = await collectRead(connector.readTable('items', null, { since: '2024-01-01T00:00:00Z' }))
    expect(read).toEqual({ records: [{ id: 1, note: 'p 2024-01-01T00:00:00Z' }], offset: {}, complete: true })
    expect((await collectRead(connector.readTableDeletes!('items', { c: 1 }, {}))).offset).toEqual({ c: 1 })
  })

  it('throws UnknownTableError from every method, naming the known tables', async () => {
    const connector = itemsConnector()
    const errors = [
      await rejected(connector.getTableSchema('nope', {})),
      await rejected(connector.readTableMetadata('nope', {})),
      thrown(() => connector.readTable('nope', {}, {})),
      thrown(() => connector.readTableDeletes!('nope', {}, {})),
    ]
    for (const error of errors) {
      expect(UnknownTableError.isInstance(error), String(error)).toBe(true)
      expect((error as UnknownTableError).tableName).toBe('nope')
      expect((error as Error).message).toBe('Connector "acme" has no table named "nope"; known tables: items, notes')
    }
  })

  it('validates table options per table, naming the key and the table', async () => {
    const connector = itemsConnector()
    const bad = thrown(() => connector.readTable('items', {}, { since: 'yesterday' }))
    expect(InvalidOptionsError.isInstance(bad)).toBe(true)
    expect((bad as InvalidOptionsError).key).toBe('since')
    expect((bad as InvalidOptionsError).where).toBe('table items of connector acme')
    const unknown = await rejected(connector.getTableSchema('notes', { colour: 'red' }))
    expect((unknown as InvalidOptionsError).key).toBe('colour')
    expect((unknown as InvalidOptionsError).where).toBe('table notes of connector acme')
    expect((unknown as Error).message).toMatch(
      /unknown option, no table of connector acme takes it\. This table takes: \(none\)$/,
    )
  })

  it("accepts another table's option keys and framework keys, noting each once at debug level", async () => {
    const lines: string[] = []
    const previous = setDebugSink((line) => lines.push(line))
    try {
      // A connector name of its own: notes are made once per process.
      const connector = createTableConnector({
        name: 'acme-shared',
        context: { prefix: 'p' },
        tables: [itemsTable, notesTable],
      })
      const shared = {
        since: '2024-01-01T00:00:00Z',
        scd_type: 'SCD_TYPE_2',
        TABLENAME: 'notes',
        primary_keys: '["id"]',
      }
      expect(Object.keys((await connector.getTableSchema('notes', shared)).fields)).toEqual(['text'])
      expect((await collectRead(connector.readTable('notes', {}, shared))).records).toEqual([])
      expect((await collectRead(connector.readTable('notes', {}, shared))).complete).toBe(true)
      // The table that takes the key still reads it.
      const items = await collectRead(connector.readTable('items', null, shared))
      expect(items.records).toEqual([{ id: 1, note: 'p 2024-01-01T00:00:00Z' }])
      expect(lines.sort()).toEqual([
        'table items of connector acme-shared ignores option "TABLENAME" (a pipeline or Spark framework key)',
        'table items of connector acme-shared ignores option "primary_keys" (a pipeline or Spark framework key)',
        'table items of connector acme-shared ignores option "scd_type" (a pipeline or Spark framework key)',
        'table notes of connector acme-shared ignores option "TABLENAME" (a pipeline or Spark framework key)',
        'table notes of connector acme-shared ignores option "primary_keys" (a pipeline or Spark framework key)',
        'table notes of connector acme-shared ignores option "scd_type" (a pipeline or Spark framework key)',
        'table notes of connector acme-shared ignores option "since" (another table of the connector takes it)',
      ])
      // Still validated where it is taken: a bad value for items fails even though notes ignores it.
      const bad = thrown(() => connector.readTable('items', {}, { since: 'yesterday' }))
      expect((bad as InvalidOptionsError).key).toBe('since')
    } finally {
      setDebugSink(previous)
    }
  })

  it('rejects a key no table knows, suggesting the closest key of any table or of the framework', async () => {
    const connector = itemsConnector()
    const typo = await rejected(connector.getTableSchema('notes', { snice: '2024-01-01T00:00:00Z' }))
    expect(InvalidOptionsError.isInstance(typo)).toBe(true)
    expect((typo as Error).message).toBe(
      'Invalid option "snice" for table notes of connector acme: unknown option, no table of connector acme takes it; did you mean "since"? This table takes: (none)',
    )
    const framework = thrown(() => connector.readTable('items', {}, { scd_typ: 'SCD_TYPE_1' }))
    expect((framework as Error).message).toMatch(/did you mean "scd_type"\? This table takes: since$/)
  })

  it('parseTableOptions applies the same rule to hand-written connectors', () => {
    const schema = defineOptions({ owner: Type.String({ description: 'Owner' }) })
    const scope = { table: 'branches', connector: 'hand', connectorKeys: ['owner', 'start_date'] }
    expect(parseTableOptions(schema, { owner: 'o', start_date: '2024-01-01', cluster_by: 'id' }, scope)).toEqual({
      owner: 'o',
    })
    const error = thrown(() => parseTableOptions(schema, { owner: 'o', start_dat: 'x' }, scope))
    expect((error as Error).message).toMatch(/did you mean "start_date"\?/)
    expect(FRAMEWORK_OPTION_KEYS).toEqual(
      expect.arrayContaining(['tableName', 'isDeleteFlow', 'scd_type', 'primary_keys', 'sequence_by', 'cluster_by']),
    )
  })

  it('refuses deletes on a table without a delete flow', () => {
    const error = thrown(() => itemsConnector().readTableDeletes!('notes', {}, {}))
    expect(UnsupportedOperationError.isInstance(error)).toBe(true)
    expect((error as UnsupportedOperationError).operation).toBe('readTableDeletes')
    expect((error as Error).message).toMatch(/Table "notes" of connector "acme" has no delete flow/)
  })
})

describe('capability guards', () => {
  const base = itemsConnector()
  const partitions: PartitionSupport = {
    async getPartitions() {
      return [{ from: 0 }]
    },
    readPartition: () => numbers(0, null) as AsyncGenerator<RawRecord>,
  }
  const stream: Omit<PartitionedStreamSupport, keyof PartitionSupport> = {
    isPartitioned: (name: string) => name === 'items',
    async latestOffset() {
      return { cursor: 'x' }
    },
  }

  it('recognise each capability only when all its methods are there', () => {
    expect(supportsDeletes(base)).toBe(true)
    expect(supportsDeletes({ ...base, readTableDeletes: undefined })).toBe(false)
    expect(supportsPartitions(base)).toBe(false)
    expect(supportsPartitions({ ...base, getPartitions: partitions.getPartitions } as LakeflowConnector)).toBe(false)
    expect(supportsPartitions({ ...base, ...partitions })).toBe(true)
    expect(supportsPartitionedStream({ ...base, ...partitions })).toBe(false)
    expect(supportsPartitionedStream({ ...base, ...stream } as unknown as LakeflowConnector)).toBe(false)
    expect(supportsPartitionedStream({ ...base, ...partitions, ...stream })).toBe(true)
    const namespaces = { listNamespaces: async () => [], listTablesInNamespace: async () => [] }
    expect(supportsNamespaces(base)).toBe(false)
    expect(supportsNamespaces({ ...base, ...namespaces })).toBe(true)
  })

  it('decide partitioned tables by upstream rule', () => {
    expect(isPartitionedTable(base, 'items')).toBe(false)
    // A plain partition connector partitions every table; a partitioned-stream one decides per table.
    expect(isPartitionedTable({ ...base, ...partitions }, 'notes')).toBe(true)
    expect(isPartitionedTable({ ...base, ...partitions, ...stream }, 'items')).toBe(true)
    expect(isPartitionedTable({ ...base, ...partitions, ...stream }, 'notes')).toBe(false)
  })
})
