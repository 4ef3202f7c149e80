import { qualifiedName, type TablePlan } from '../types.ts'
import { quoteId } from './duckdb-types.ts'

/** Tombstones of a cdc_with_deletes table: `_lakeflow_deleted__<table>`. */
const TOMBSTONE_PREFIX = '_lakeflow_deleted__'
/** The rebuild of a table during a full refresh, swapped in once complete. */
const REFRESH_PREFIX = '_lakeflow_refresh__'
/** The finished calls of a snapshot read in several calls, until the snapshot is complete. */
const SNAPSHOT_PREFIX = '_lakeflow_snapshot__'

/** The DuckDB tables behind one destination table, and the names its state rows use. */
export interface TableNames {
  readonly schema: string
  /** The table users see, unquoted. */
  readonly table: string
  /** Its qualified name in state and messages (`main.users`). */
  readonly name: string
  /** The table batches write into (quoted, qualified): the table, or its rebuild during a full refresh. */
  readonly target: string
  /** The unquoted name of {@link target}. */
  readonly targetTable: string
  /** The state rows' table name for {@link target}. */
  readonly stateName: string
  /** Tombstones written beside {@link target} (cdc_with_deletes only), unquoted. */
  readonly tombstoneTable?: string
  /** Where a snapshot's finished calls wait (unquoted), per {@link target}. */
  readonly snapshotTable: string
  /** The names the rebuild's tables take when a full refresh swaps them in. */
  readonly refresh?: { readonly table: string; readonly tombstoneTable?: string }
}

/** The names for a plan's table, or for its rebuild when `fullRefresh` is set. */
export function tableNames(plan: TablePlan, fullRefresh = false): TableNames {
  const schema = plan.destination.schema ?? 'main'
  const table = plan.destination.table
  const targetTable = fullRefresh ? `${REFRESH_PREFIX}${table}` : table
  const withTombstones = plan.ingestionType === 'cdc_with_deletes'
  const tombstoneTable = withTombstones ? `${TOMBSTONE_PREFIX}${targetTable}` : undefined
  return {
    schema,
    table,
    name: qualifiedName(plan.destination),
    target: qualify(schema, targetTable),
    targetTable,
    stateName: qualifiedName({ schema, table: targetTable }),
    ...(tombstoneTable === undefined ? {} : { tombstoneTable }),
    snapshotTable: `${SNAPSHOT_PREFIX}${targetTable}`,
    ...(fullRefresh
      ? { refresh: { table, ...(withTombstones ? { tombstoneTable: `${TOMBSTONE_PREFIX}${table}` } : {}) } }
      : {}),
  }
}

/** Whether a state row's table is the rebuild of a full refresh (not a table of its own). */
export function isRebuild(stateName: string): boolean {
  return stateName.slice(stateName.indexOf('.') + 1).startsWith(REFRESH_PREFIX)
}

/** The snapshot staging table of a destination table named in state (`main.users`), quoted. */
export function snapshotTableOf(stateName: string): string {
  const dot = stateName.indexOf('.')
  return qualify(stateName.slice(0, dot), `${SNAPSHOT_PREFIX}${stateName.slice(dot + 1)}`)
}

/** `"schema"."table"`. */
export function qualify(schema: string, table: string): string {
  return `${quoteId(schema)}.${quoteId(table)}`
}
