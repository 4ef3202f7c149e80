import type { DuckDBConnection } from '@duckdb/node-api'
import { bareName } from '../state-selection.ts'
import { DestinationError } from './duckdb-errors.ts'
import { STATE_TABLE } from './duckdb-state.ts'

/** Where drift is looked for. */
export interface DriftCheck {
  readonly file: string
  readonly pipeline: string
  /** Qualified name (`main.users`), as state rows name it. */
  readonly name: string
  /** The table's columns now (empty: the table does not exist). */
  readonly columns: ReadonlyMap<string, string>
  /** The columns the plan writes (a column the schema no longer has may go). */
  readonly expected: readonly string[]
}

/**
 * Fails when the destination table no longer matches what the pipeline committed into it: the
 * table is gone although batches were committed (a sync would re-create it empty and carry on
 * from the saved offsets), or columns the pipeline created are gone. Either way the saved
 * offsets no longer describe the table's contents; `--full-refresh` rebuilds it.
 */
export async function checkDrift(connection: DuckDBConnection, check: DriftCheck): Promise<void> {
  const result = await connection.runAndReadAll(
    `SELECT coalesce(sum(batches), 0)::BIGINT, max(columns_json) FROM ${STATE_TABLE} WHERE pipeline = $1 AND table_name = $2`,
    [check.pipeline, check.name],
  )
  const [batches, recorded] = result.getRows()[0]!
  if (Number(batches) === 0) return
  const fix = `rebuild it with lakeflow sync --full-refresh --table ${bareName(check.name)}`
  if (check.columns.size === 0) {
    throw new DestinationError(
      check.file,
      `Table ${check.name} is missing from ${check.file}, but pipeline ${check.pipeline} committed ${batches} batches into it: it was dropped outside lakeflow, and a sync would re-create it empty and carry on from the saved offsets; ${fix}`,
    )
  }
  const created = recorded === null ? [] : (JSON.parse(String(recorded)) as string[])
  const missing = created.filter((column) => check.expected.includes(column) && !check.columns.has(column))
  if (missing.length > 0) {
    throw new DestinationError(
      check.file,
      `Table ${check.name} in ${check.file} lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which pipeline ${check.pipeline} created and filled: ${missing.length > 1 ? 'they were' : 'it was'} dropped outside lakeflow; ${fix}`,
    )
  }
}

/** Remembers the table's columns in its state rows (so a column dropped later is noticed). */
export async function recordColumns(
  connection: DuckDBConnection,
  pipeline: string,
  name: string,
  columns: readonly string[],
): Promise<void> {
  await connection.run(`UPDATE ${STATE_TABLE} SET columns_json = $3 WHERE pipeline = $1 AND table_name = $2`, [
    pipeline,
    name,
    JSON.stringify(columns),
  ])
}
