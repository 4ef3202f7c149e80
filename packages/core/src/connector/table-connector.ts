import Type, { type Static, type TObject } from 'typebox'
import { UnknownTableError, UnsupportedOperationError } from '../errors/errors.ts'
import type { TableSchema } from '../schema/spark-types.ts'
import { parseTableOptions } from './table-options.ts'
import {
  type LakeflowConnector,
  type Offset,
  SPECIFICATION_VERSION,
  type TableMetadata,
  type TableOptions,
  type TableRead,
} from './types.ts'

const NO_TABLE_OPTIONS = Type.Object({}, { additionalProperties: false })

/**
 * One table of a {@link createTableConnector} connector. `Context` is whatever the
 * connector shares between tables (an HTTP client, connection options, the init-time cap).
 */
export interface TableHandler<Context, Options extends TObject = TObject> {
  readonly name: string
  /**
   * Table options schema. Keys of other tables of the connector and framework keys are
   * accepted and ignored; keys no table knows are rejected (see `parseTableOptions`).
   * @default no options
   */
  readonly options?: Options
  /** The Spark schema, fixed or computed from table options (never from data). */
  readonly schema: TableSchema | ((options: Static<Options>) => TableSchema)
  /** Ingestion metadata, fixed or computed from table options. */
  readonly metadata: TableMetadata | ((options: Static<Options>) => TableMetadata)
  read(context: Context, startOffset: Offset | null, options: Static<Options>): TableRead
  readDeletes?(context: Context, startOffset: Offset | null, options: Static<Options>): TableRead
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
export function tableOptionKeysOf(tables: readonly TableHandler<never, TObject>[]): string[] {
  return [...new Set(tables.flatMap((table) => Object.keys(table.options?.properties ?? {})))].sort()
}

/**
 * Builds a {@link LakeflowConnector} from table handlers: dispatch by name,
 * `UnknownTableError` for unknown names from every method, table options validated per
 * table with `parseTableOptions` (another table's keys are ignored, unknown keys rejected),
 * `UnsupportedOperationError` for deletes on tables without them.
 */
export function createTableConnector<Context>(settings: {
  name: string
  context: Context
  tables: readonly TableHandler<Context, any>[]
  close?: () => Promise<void>
}): LakeflowConnector {
  const byName = new Map(settings.tables.map((table) => [table.name, table]))
  const names = settings.tables.map((table) => table.name)
  // Handlers are stored with their option types erased; each parses its own options.
  type AnyHandler = TableHandler<Context, any>
  const lookup = (tableName: string): AnyHandler => {
    const table = byName.get(tableName)
    if (!table) throw new UnknownTableError(tableName, names, settings.name)
    return table
  }
  const connectorKeys = tableOptionKeysOf(settings.tables)
  const tableOptions = (table: AnyHandler, raw: TableOptions): any =>
    parseTableOptions(table.options ?? NO_TABLE_OPTIONS, raw, {
      table: table.name,
      connector: settings.name,
      connectorKeys,
    })
  return {
    specificationVersion: SPECIFICATION_VERSION,
    name: settings.name,
    async listTables() {
      return [...names]
    },
    async getTableSchema(tableName, raw) {
      const table = lookup(tableName)
      return typeof table.schema === 'function' ? table.schema(tableOptions(table, raw)) : table.schema
    },
    async readTableMetadata(tableName, raw) {
      const table = lookup(tableName)
      return typeof table.metadata === 'function' ? table.metadata(tableOptions(table, raw)) : table.metadata
    },
    readTable(tableName, startOffset, raw) {
      const table = lookup(tableName)
      return table.read(settings.context, startOffset, tableOptions(table, raw))
    },
    readTableDeletes(tableName, startOffset, raw) {
      const table = lookup(tableName)
      if (!table.readDeletes) {
        throw new UnsupportedOperationError(
          'readTableDeletes',
          `Table "${tableName}" of connector "${settings.name}" has no delete flow; only cdc_with_deletes tables do`,
        )
      }
      return table.readDeletes(settings.context, startOffset, tableOptions(table, raw))
    },
    async close() {
      await settings.close?.()
    },
  }
}
