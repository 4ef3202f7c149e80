import { parseTableOptions, type TableMetadata, type TableOptions } from '@lakeflow/core/connector'
import { InvalidOptionsError, UnknownTableError } from '@lakeflow/core/errors'
import type { TableSchema } from '@lakeflow/core/schema'
import { errorsTable, type Hl7Table, MESSAGE_TABLES, tableForSegmentType } from '@lakeflow/hl7v2/tables'
import { Hl7V2TableOptions } from './hl7-v2-options.ts'

/** The tables `listTables` returns: the 23 segment tables, `other_segments`, `messages`, `errors`. */
export const TABLE_NAMES: readonly string[] = [...MESSAGE_TABLES.map((table) => table.name), errorsTable.name]

const BY_NAME = new Map(MESSAGE_TABLES.map((table) => [table.name, table]))
const NOT_SEGMENT_TABLES = new Set(['messages', 'other_segments', errorsTable.name])

/** A table resolved from its name and options: rows from messages, or the errors of files. */
export type ResolvedTable =
  | { readonly kind: 'messages'; readonly table: Hl7Table; readonly options: Hl7V2TableOptions }
  | { readonly kind: 'errors'; readonly options: Hl7V2TableOptions }

/**
 * Resolves a table: a listed name, or any name with the `segment_type` option (the Python
 * connector's way to read Z-segments). Throws `UnknownTableError` for any other name and
 * `InvalidOptionsError` for bad table options.
 */
export function resolveTable(name: string, raw: TableOptions, connector: string): ResolvedTable {
  const where = `table ${name} of connector ${connector}`
  // Framework keys a spec or Spark may pass along (scd_type, tableName, …) are accepted and ignored.
  const options = parseTableOptions(Hl7V2TableOptions, raw, {
    table: name,
    connector,
    connectorKeys: Object.keys(Hl7V2TableOptions.properties),
  })
  if (options.segment_type !== undefined) {
    if (NOT_SEGMENT_TABLES.has(name)) {
      throw new InvalidOptionsError({
        key: 'segment_type',
        where,
        problem: `table ${name} is not a segment table; give segment_type to a table of your own name (e.g. zpd)`,
      })
    }
    return { kind: 'messages', table: tableForSegmentType(name, options.segment_type), options }
  }
  if (name === errorsTable.name) return { kind: 'errors', options }
  const table = BY_NAME.get(name)
  if (!table) throw new UnknownTableError(name, [...TABLE_NAMES], connector)
  return { kind: 'messages', table, options }
}

/** A resolved table's schema. */
export function schemaOf(resolved: ResolvedTable): TableSchema {
  return resolved.kind === 'errors' ? errorsTable.schema : resolved.table.schema
}

/** A resolved table's metadata. */
export function metadataOf(resolved: ResolvedTable): TableMetadata {
  return resolved.kind === 'errors' ? errorsTable.metadata : resolved.table.metadata
}
