import type { DuckDBConnection } from '@duckdb/node-api'
import { resolveField } from '@lakeflow/core/schema'
import type { TablePlan } from '../types.ts'
import { END_AT, START_AT } from './apply-sql.ts'
import { duckDbType } from './duckdb-types.ts'

/** The columns (name → DuckDB type) of a table in the destination; empty when it does not exist. */
export async function tableColumns(
  connection: DuckDBConnection,
  schema: string,
  table: string,
): Promise<Map<string, string>> {
  const result = await connection.runAndReadAll(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_catalog = current_database() AND table_schema = $1 AND table_name = $2`,
    [schema, table],
  )
  return new Map(result.getRows().map(([column, type]) => [String(column), String(type)]))
}

/** The columns a plan's table has: the schema's, plus the history columns of SCD type 2. */
export function wantedColumns(plan: TablePlan): [string, string][] {
  const wanted = Object.entries(plan.schema.fields).map(
    ([column, type]) => [column, duckDbType(type)] as [string, string],
  )
  if (plan.scdType === 2 && plan.ingestionType !== 'append') {
    const historyType =
      plan.ingestionType === 'snapshot' ? 'TIMESTAMPTZ' : duckDbType(resolveField(plan.schema, plan.sequenceBy!)!)
    wanted.push([START_AT, historyType], [END_AT, historyType])
  }
  return wanted
}

/** Checks that keys and the sequence column exist in the schema; returns the problem or undefined. */
export function checkColumns(plan: TablePlan): string | undefined {
  for (const key of plan.primaryKeys) {
    if (!resolveField(plan.schema, key)) return `primary key "${key}" is not a column of the table schema`
  }
  if (plan.sequenceBy && !resolveField(plan.schema, plan.sequenceBy)) {
    return `sequence_by column "${plan.sequenceBy}" is not a column of the table schema`
  }
  return undefined
}
