import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api'
import { assertOffset, canonicalOffset, type Offset } from '@lakeflow/core/connector'
import { redact } from '@lakeflow/core/errors'
import { bareName } from '../state-selection.ts'
import type { CommittedState, Flow, StateEntry, TablePlan } from '../types.ts'
import { DestinationError } from './duckdb-errors.ts'

/** The state table: one row per pipeline, destination table and flow. */
export const STATE_TABLE = '_lakeflow_state'
/** The run log: one row per run with its JSON report. */
export const RUNS_TABLE = '_lakeflow_runs'

/**
 * Creates the state and run tables, or brings those of an older file up to date.
 * `offset_json` is the offset a flow resumes from; for a snapshot it is null once a snapshot
 * is complete and the continuation offset while one is staged. `columns_json` lists the
 * columns the destination table had when the pipeline last opened it (to notice columns
 * dropped by hand).
 */
export async function createStateTables(connection: DuckDBConnection): Promise<void> {
  await connection.run(`CREATE TABLE IF NOT EXISTS ${STATE_TABLE} (pipeline VARCHAR NOT NULL, table_name VARCHAR NOT NULL,
    flow VARCHAR NOT NULL, source_table VARCHAR, offset_json VARCHAR, batches BIGINT NOT NULL, updated_at TIMESTAMPTZ)`)
  await connection.run(`ALTER TABLE ${STATE_TABLE} ADD COLUMN IF NOT EXISTS columns_json VARCHAR`)
  await connection.run(`CREATE TABLE IF NOT EXISTS ${RUNS_TABLE} (run_id VARCHAR NOT NULL, pipeline VARCHAR NOT NULL,
    started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ, status VARCHAR, report JSON)`)
}

/** The flows of a table, each with its own offset. */
export function flowsOf(plan: TablePlan): Flow[] {
  switch (plan.ingestionType) {
    case 'snapshot':
      return ['snapshot']
    case 'append':
      return ['append']
    case 'cdc':
      return ['upsert']
    case 'cdc_with_deletes':
      return ['upsert', 'deletes']
  }
}

/** Where a saved offset lives, for messages. */
interface StateKey {
  readonly file: string
  readonly pipeline: string
  readonly table: string
  readonly flow: string
}

/**
 * Parses a saved offset. A value that is not an offset (the file was edited or damaged) is a
 * {@link DestinationError} naming the table's saved state and how to reset it.
 */
export function parseSavedOffset(text: DuckDBValue, key: StateKey): Offset | null {
  if (text === null) return null
  let value: unknown
  try {
    value = JSON.parse(String(text))
    assertOffset(value, key.table)
  } catch (error) {
    throw new DestinationError(
      key.file,
      `The saved offset of table ${key.table} (pipeline ${key.pipeline}, ${key.flow} flow) in ${key.file} is not an offset: ${JSON.stringify(String(text).slice(0, 80))}. Reset it with lakeflow state reset --dest ${key.file} --pipeline ${key.pipeline} --table ${key.table} (the next sync reads the table from the start), or rebuild the table with lakeflow sync --full-refresh --table ${bareName(key.table)}`,
      error,
    )
  }
  return value as Offset | null
}

/** Reads a flow's state; undefined before its first commit or staged snapshot call. */
export async function readState(connection: DuckDBConnection, key: StateKey): Promise<CommittedState | undefined> {
  const result = await connection.runAndReadAll(
    `SELECT offset_json, batches, CAST(updated_at AS VARCHAR) FROM ${STATE_TABLE} WHERE pipeline = $1 AND table_name = $2 AND flow = $3`,
    [key.pipeline, key.table, key.flow],
  )
  const row = result.getRows()[0]
  if (!row || (Number(row[1]) === 0 && row[0] === null)) return undefined
  return {
    offset: parseSavedOffset(row[0]!, key),
    batches: Number(row[1]),
    ...(row[2] === null ? {} : { updatedAt: String(row[2]) }),
  }
}

/** Every state entry (also those of tables that never committed), optionally of one pipeline. */
export async function listStateRows(
  connection: DuckDBConnection,
  file: string,
  pipeline?: string,
): Promise<StateEntry[]> {
  const result = await connection.runAndReadAll(
    `SELECT pipeline, table_name, flow, source_table, offset_json, batches, CAST(updated_at AS VARCHAR) FROM ${STATE_TABLE}
     WHERE ($1::VARCHAR IS NULL OR pipeline = $1) ORDER BY pipeline, table_name, flow`,
    [pipeline ?? null],
  )
  return result.getRows().map((row) => {
    const key = { file, pipeline: String(row[0]), table: String(row[1]), flow: String(row[2]) }
    let offset: Offset | null = null
    let unreadable: string | undefined
    try {
      offset = parseSavedOffset(row[4]!, key)
    } catch {
      unreadable = String(row[4])
    }
    return {
      pipeline: key.pipeline,
      table: key.table,
      flow: key.flow as Flow,
      sourceTable: String(row[3]),
      offset,
      batches: Number(row[5]),
      ...(row[6] === null ? {} : { updatedAt: String(row[6]) }),
      ...(unreadable === undefined ? {} : { unreadableOffset: unreadable }),
    }
  })
}

/** SQL and parameters that store a flow's new offset (run inside the batch transaction). */
export function saveStateSql(
  pipeline: string,
  table: string,
  flow: Flow,
  offset: Offset | null,
  options: { staged?: boolean } = {},
): { sql: string; values: DuckDBValue[] } {
  const text = offset === null ? null : canonicalOffset(offset)
  if (text !== null && redact(text) !== text) {
    throw new DestinationError(
      table,
      `The offset of table ${table} contains a secret; refusing to store it (fix the connector)`,
    )
  }
  // A staged snapshot call records where the snapshot continues without counting as a commit.
  const batches = options.staged ? 'batches' : 'batches + 1'
  return {
    sql: `UPDATE ${STATE_TABLE} SET offset_json = $4, batches = ${batches}, updated_at = now()
      WHERE pipeline = $1 AND table_name = $2 AND flow = $3`,
    values: [pipeline, table, flow, text],
  }
}
