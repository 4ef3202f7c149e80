import Type, { type Static, type TObject } from 'typebox'
import { UnknownTableError, UnsupportedOperationError } from '../errors/errors.ts'
import type { TableSchema } from '../schema/spark-types.ts'
import { acceptOffset, checkReturnedOffset, type OffsetDeclaration, type OffsetOrder } from './offset-declaration.ts'
import { canonicalOffset } from './offsets.ts'
import { parseTableOptions } from './table-options.ts'
import { partitionMethods, type TablePartitions } from './table-partitions.ts'
import {
  type LakeflowConnector,
  type Offset,
  type PartitionedStreamSupport,
  type RequestDescription,
  SPECIFICATION_VERSION,
  type TableDescription,
  type TableMetadata,
  type TableOptions,
  type TableRead,
} from './types.ts'

const NO_TABLE_OPTIONS = Type.Object({}, { additionalProperties: false })

/** A value, or a function of the table options giving it (possibly asynchronously: from the API). */
type FromOptions<Options extends TObject, Value> = Value | ((options: Static<Options>) => Value | Promise<Value>)

/**
 * One table of a {@link createTableConnector} connector. `Context` is whatever the
 * connector shares between tables (an HTTP client, connection options, the init-time cap).
 */
export interface TableHandler<Context, Options extends TObject = TObject> {
  readonly name: string
  /** Table options schema; unknown keys are rejected. @default no options */
  readonly options?: Options
  /** The Spark schema, fixed or computed from table options (or the API, never from data). Cached per instance. */
  readonly schema: FromOptions<Options, TableSchema>
  /** Ingestion metadata, fixed or computed from table options. Cached per instance. */
  readonly metadata: FromOptions<Options, TableMetadata>
  /** The offset's schema and ordered fields: offsets are migrated and validated on the way in and out. */
  readonly offset?: OffsetDeclaration
  read(context: Context, startOffset: Offset | null, options: Static<Options>): TableRead
  readDeletes?(context: Context, startOffset: Offset | null, options: Static<Options>): TableRead
  /** How reads of this table split into partitions (batch, and streams with `latestOffset`). */
  readonly partitions?: TablePartitions<Context, Options>
  /** The requests the table makes, as declared (see `restTable` in `@lakeflow/core/kit`). */
  requests?(options: Static<Options>): readonly RequestDescription[]
}

/**
 * Declares a table with typed options. Curried so `Context` is given once and `Options`
 * is inferred: `const table = tableFactory<MyContext>(); table({ name, options, ... })`.
 */
export function tableFactory<Context>() {
  return <Options extends TObject = TObject>(handler: TableHandler<Context, Options>): TableHandler<Context, Options> =>
    handler
}

/** The union of table option keys of some tables, for `ConnectorDefinition.tableOptionKeys`. */
export function tableOptionKeysOf(tables: readonly { readonly options?: TObject | undefined }[]): string[] {
  return [...new Set(tables.flatMap((table) => Object.keys(table.options?.properties ?? {})))].sort()
}

/** What {@link createTableConnector} takes. */
export interface TableConnectorSettings<Context> {
  name: string
  context: Context
  /**
   * The tables, or a function discovering them from the source (custom objects, OData
   * `$metadata`), called once per connector instance. Discovered tables cannot declare
   * partitions.
   */
  tables: readonly TableHandler<Context, any>[] | ((context: Context) => Promise<readonly TableHandler<Context, any>[]>)
  close?: () => Promise<void>
}

/** What {@link createTableConnector} returns: the interface, `describeTable`, and partition methods when tables declare partitions. */
export type TableConnector = LakeflowConnector &
  Required<Pick<LakeflowConnector, 'describeTable'>> &
  Partial<PartitionedStreamSupport>

// Handlers are stored with their option types erased; each parses its own options.
type AnyHandler<Context> = TableHandler<Context, any>

async function* checkedRead(table: string, read: TableRead, declaration: OffsetDeclaration): TableRead {
  const end = yield* read
  checkReturnedOffset(declaration, table, end)
  return end
}

function memo<Value>(cache: Map<string, Promise<Value>>, key: string, compute: () => Value | Promise<Value>) {
  let value = cache.get(key)
  if (value === undefined) {
    value = Promise.resolve().then(compute)
    value.catch(() => cache.delete(key))
    cache.set(key, value)
  }
  return value
}

/**
 * Builds a {@link LakeflowConnector} from table handlers: dispatch by name,
 * `UnknownTableError` for unknown names from every method, table options validated per
 * table, offsets migrated and validated against each table's declaration,
 * `UnsupportedOperationError` for deletes on tables without them, partition methods for
 * tables that declare partitions, and `describeTable`.
 */
export function createTableConnector<Context>(settings: TableConnectorSettings<Context>): TableConnector {
  const { name, context } = settings
  const discovered = new Map<string, Promise<readonly AnyHandler<Context>[]>>()
  const fixed = typeof settings.tables === 'function' ? undefined : settings.tables
  const discover = settings.tables
  const handlers = async () =>
    fixed ??
    memo(discovered, '', () => (discover as (context: Context) => Promise<readonly AnyHandler<Context>[]>)(context))
  const find = (tables: readonly AnyHandler<Context>[], tableName: string): AnyHandler<Context> => {
    const table = tables.find((candidate) => candidate.name === tableName)
    if (!table)
      throw new UnknownTableError(
        tableName,
        tables.map((candidate) => candidate.name),
        name,
      )
    return table
  }
  const lookup = async (tableName: string) => {
    const tables = await handlers()
    return { table: find(tables, tableName), tables }
  }
  // Another table's keys are accepted and ignored (pipeline specs share one table_configuration); unknown keys rejected.
  const keysOf = new WeakMap<readonly AnyHandler<Context>[], string[]>()
  const tableOptions = (table: AnyHandler<Context>, raw: TableOptions, tables = fixed): any => {
    const known = tables ?? [table]
    const connectorKeys = keysOf.get(known) ?? tableOptionKeysOf(known)
    keysOf.set(known, connectorKeys)
    return parseTableOptions(table.options ?? NO_TABLE_OPTIONS, raw, {
      table: table.name,
      connector: name,
      connectorKeys,
    })
  }
  const computed = new Map<string, Promise<unknown>>()
  const derive = <Value>(
    { table, tables }: { table: AnyHandler<Context>; tables: readonly AnyHandler<Context>[] },
    what: 'schema' | 'metadata',
    raw: TableOptions,
  ) => {
    const source = table[what] as FromOptions<TObject, Value>
    if (typeof source !== 'function') return Promise.resolve(source)
    const parsed = tableOptions(table, raw, tables)
    const key = `${what}\u0000${table.name}\u0000${canonicalOffset(parsed)}`
    return memo(computed as Map<string, Promise<Value>>, key, () =>
      (source as (options: unknown) => Value | Promise<Value>)(parsed),
    )
  }
  /** Starts a read: synchronous checks when the tables are fixed (errors at the call), else on the first step. */
  const startRead = (
    tableName: string,
    startOffset: Offset | null,
    raw: TableOptions,
    open: (table: AnyHandler<Context>, start: Offset | null, options: unknown) => TableRead,
  ): TableRead => {
    const begin = (tables: readonly AnyHandler<Context>[]) => {
      const table = find(tables, tableName)
      const options = tableOptions(table, raw, tables)
      if (!table.offset) return open(table, startOffset, options)
      const read = open(table, acceptOffset(table.offset, table.name, startOffset), options)
      return checkedRead(table.name, read, table.offset)
    }
    if (fixed) return begin(fixed)
    return (async function* (): TableRead {
      return yield* begin(await handlers())
    })()
  }
  const connector: TableConnector = {
    specificationVersion: SPECIFICATION_VERSION,
    name,
    async listTables() {
      return (await handlers()).map((table) => table.name)
    },
    async getTableSchema(tableName, raw) {
      return derive<TableSchema>(await lookup(tableName), 'schema', raw)
    },
    async readTableMetadata(tableName, raw) {
      return derive<TableMetadata>(await lookup(tableName), 'metadata', raw)
    },
    readTable(tableName, startOffset, raw) {
      return startRead(tableName, startOffset, raw, (table, start, options) => table.read(context, start, options))
    },
    readTableDeletes(tableName, startOffset, raw) {
      return startRead(tableName, startOffset, raw, (table, start, options) => {
        if (!table.readDeletes) {
          throw new UnsupportedOperationError(
            'readTableDeletes',
            `Table "${tableName}" of connector "${name}" has no delete flow; only cdc_with_deletes tables do`,
          )
        }
        return table.readDeletes(context, start, options)
      })
    },
    async describeTable(tableName, raw) {
      const { table, tables } = await lookup(tableName)
      const options = tableOptions(table, raw, tables)
      const description: { -readonly [Key in keyof TableDescription]: TableDescription[Key] } = {}
      if (table.offset) {
        const ordered = Object.entries(table.offset.ordered ?? {}).filter(
          (entry): entry is [string, OffsetOrder] => entry[1] !== undefined,
        )
        description.offset = { schema: table.offset.schema, ordered: Object.fromEntries(ordered) }
      }
      if (table.requests) description.requests = table.requests(options)
      return description
    },
    async close() {
      await settings.close?.()
    },
  }
  if (fixed) Object.assign(connector, partitionMethods(name, context, fixed, tableOptions))
  return connector
}
