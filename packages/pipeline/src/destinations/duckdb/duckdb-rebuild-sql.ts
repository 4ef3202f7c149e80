import type { DuckDBValue } from '@duckdb/node-api'
import type { TableSchema } from '@lakeflow/core/schema'
import { ORDER_COLUMN } from './apply-sql.ts'
import { STATE_TABLE } from './duckdb-state.ts'
import { qualify, snapshotTableOf, type TableNames } from './duckdb-table-names.ts'
import { duckDbType, quoteId } from './duckdb-types.ts'

/**
 * SQL that keeps a snapshot's finished calls in its staging table: the table (the schema's
 * columns plus the arrival order), and an insert of a staged batch whose arrival order
 * continues after the rows already there (later arrivals win when keys repeat).
 */
export function stageSnapshotSql(settings: { staging: string; schema: TableSchema; stage: string }): {
  create: string
  insert: string
} {
  const fields = Object.entries(settings.schema.fields)
  const columns = [...fields.map(([name]) => quoteId(name)), quoteId(ORDER_COLUMN)]
  const definitions = [
    ...fields.map(([name, type]) => `${quoteId(name)} ${duckDbType(type)}`),
    `${quoteId(ORDER_COLUMN)} BIGINT`,
  ]
  const values = [...fields.map(([name]) => `s.${quoteId(name)}`), `s.${quoteId(ORDER_COLUMN)} + b.base`]
  return {
    create: `CREATE TABLE IF NOT EXISTS ${settings.staging} (${definitions.join(', ')})`,
    insert: `INSERT INTO ${settings.staging} (${columns.join(', ')}) SELECT ${values.join(', ')} FROM ${settings.stage} s,
      (SELECT coalesce(max(${quoteId(ORDER_COLUMN)}) + 1, 0) AS base FROM ${settings.staging}) b`,
  }
}

/** One statement of the swap, with its parameters for a pipeline. */
interface SwapStatement {
  readonly sql: string
  values(pipeline: string): DuckDBValue[]
}

/**
 * The statements of a full refresh's swap, run in one transaction: the rebuilt table (and its
 * tombstones) replace the old ones, a snapshot the old table had in progress is dropped, and the
 * rebuild's state rows replace the old table's.
 */
export function refreshSwapSql(names: TableNames): SwapStatement[] {
  const refresh = names.refresh!
  const none = (): DuckDBValue[] => []
  const statements: SwapStatement[] = [
    { sql: `DROP TABLE IF EXISTS ${qualify(names.schema, refresh.table)}`, values: none },
    { sql: `ALTER TABLE ${names.target} RENAME TO ${quoteId(refresh.table)}`, values: none },
  ]
  if (names.tombstoneTable && refresh.tombstoneTable) {
    statements.push(
      { sql: `DROP TABLE IF EXISTS ${qualify(names.schema, refresh.tombstoneTable)}`, values: none },
      {
        sql: `ALTER TABLE ${qualify(names.schema, names.tombstoneTable)} RENAME TO ${quoteId(refresh.tombstoneTable)}`,
        values: none,
      },
    )
  }
  statements.push(
    { sql: `DROP TABLE IF EXISTS ${snapshotTableOf(names.name)}`, values: none },
    {
      sql: `DELETE FROM ${STATE_TABLE} WHERE pipeline = $1 AND table_name = $2`,
      values: (pipeline) => [pipeline, names.name],
    },
    {
      sql: `UPDATE ${STATE_TABLE} SET table_name = $2 WHERE pipeline = $1 AND table_name = $3`,
      values: (pipeline) => [pipeline, names.name, names.stateName],
    },
  )
  return statements
}
