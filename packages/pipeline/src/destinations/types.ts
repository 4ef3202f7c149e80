import type { IngestionType, Offset } from '@lakeflow/core/connector'
import type { TableSchema } from '@lakeflow/core/schema'

/**
 * Which stream of changes a batch belongs to. `upsert` (cdc, cdc_with_deletes), `deletes`
 * (the delete flow of cdc_with_deletes), `snapshot` and `append`. Each flow of a table keeps
 * its own offset.
 */
export type Flow = 'upsert' | 'deletes' | 'snapshot' | 'append'

/** A converted row (the output of core's converter): fields in schema order. */
export type Row = Record<string, unknown>

/** Where a table lands: an optional schema and a table name. */
export interface DestinationName {
  readonly catalog?: string
  readonly schema?: string
  readonly table: string
}

/** Everything a destination needs to know about one table of a run. */
export interface TablePlan {
  /** The pipeline name (state is keyed by pipeline, destination table and flow). */
  readonly pipeline: string
  readonly sourceTable: string
  readonly destination: DestinationName
  readonly schema: TableSchema
  /** After `APPEND_ONLY` is applied. */
  readonly ingestionType: IngestionType
  /** `2` keeps history rows with `__START_AT`/`__END_AT`; `1` keeps the latest row per key. */
  readonly scdType: 1 | 2
  /** Primary key columns (dotted paths allowed); empty for append and keyless snapshots. */
  readonly primaryKeys: readonly string[]
  /** The column ordering changes of one key (cdc): the spec's `sequence_by`, else the cursor field. */
  readonly sequenceBy?: string
  /** When the run started; the version time of SCD type 2 snapshot history rows. */
  readonly runStartedAt: Date
}

/** What one committed batch changed. */
export interface BatchCounts {
  /** Records received in the batch. */
  rows: number
  inserted: number
  updated: number
  deleted: number
}

/** A flow's committed position. */
export interface CommittedState {
  /** The offset to resume from; `null` when the flow has none (snapshots). */
  readonly offset: Offset | null
  /** Batches committed so far. */
  readonly batches: number
  readonly updatedAt?: string
}

/** One row of `lakeflow state show`. */
export interface StateEntry extends CommittedState {
  readonly pipeline: string
  /** Qualified destination table, e.g. `main.users`. */
  readonly table: string
  readonly flow: Flow
  readonly sourceTable: string
  /** The saved offset as stored, when it is not an offset (the destination was edited or damaged). */
  readonly unreadableOffset?: string
}

/**
 * An open batch: rows stream in, then `commit` applies them and records the end offset
 * atomically, or `abort` discards them. Memory stays bounded whatever the batch size.
 */
export interface BatchWriter {
  /** Adds one converted row. Returns a promise only when the caller must wait (back-pressure). */
  add(row: Row): void | Promise<void>
  /** Applies the batch and stores `endOffset` as the flow's offset, all or nothing. */
  commit(endOffset: Offset | null): Promise<BatchCounts>
  /**
   * Snapshot flows read in several calls: keeps the rows of the calls so far durably but out of
   * sight, with the offset the snapshot continues from (the flow's state, so the next run resumes
   * there). The final `commit(null)` applies every staged row with its own as one snapshot.
   * Destinations without it keep a snapshot in one batch and start it over after a failure.
   */
  stage?(continueFrom: Offset): Promise<BatchCounts>
  /** Discards the batch; the table and its offset stay as they were. Safe after a failed commit. */
  abort(): Promise<void>
  /** Rows added so far. */
  readonly count: number
  /**
   * Group commit support: remembers the current position, so the rows added after it (one
   * read call's) can be dropped with {@link dropSinceMark}. Destinations without it commit
   * every read call on its own.
   */
  mark?(): void
  /** Drops the rows added since the last {@link mark}. */
  dropSinceMark?(): void
}

/** A destination table opened for a run. */
export interface TableWriter {
  /** The qualified table name, for messages and state. */
  readonly name: string
  /** The committed state of a flow, or undefined before its first batch. */
  state(flow: Flow): Promise<CommittedState | undefined>
  /** Starts a batch of a flow that began reading at `startOffset`. One batch at a time per table. */
  beginBatch(flow: Flow, startOffset: Offset | null): Promise<BatchWriter>
  /**
   * Called once every flow of the table has read to its end. A full refresh swaps the rebuilt
   * table and its state in here, in one transaction; otherwise there is nothing left to do.
   */
  complete(): Promise<void>
  /** Releases the table; a full refresh that did not complete is discarded (nothing changed). */
  close(): Promise<void>
}

/** How a table is opened for a run. */
export interface OpenTableOptions {
  /**
   * Rebuild the table from scratch: every flow reads from the start into a new table, which
   * replaces the old table and its state in one transaction when {@link TableWriter.complete}
   * runs. Until then nothing visible changes; a refresh that fails leaves both untouched.
   * @default false
   */
  readonly fullRefresh?: boolean
}

/** A run's outcome, as stored in the destination's run log. */
export interface RunRecord {
  readonly runId: string
  readonly pipeline: string
  readonly startedAt: Date
  readonly finishedAt: Date
  readonly status: 'succeeded' | 'failed'
  /** JSON-safe report (no secrets). */
  readonly report: unknown
}

/** Where a pipeline writes: DuckDB (default) or landed files. */
export interface Destination {
  /** `duckdb` or `files`. */
  readonly kind: string
  /**
   * Read calls are grouped into one commit until the group holds this many rows (a commit
   * is then the rows of several calls and the last call's offset, still all or nothing).
   * 0 commits every call.
   */
  readonly groupCommitRows: number
  /** The file or directory, for messages. */
  readonly location: string
  /** Opens (and locks) the destination, creating its state tables or files. */
  open(): Promise<void>
  /**
   * Prepares a table (creating it, adding the schema's new columns) and returns its writer.
   * Throws a `DestinationError` when the table drifted from what was committed into it (dropped,
   * or columns dropped, outside the pipeline), unless it is opened for a full refresh.
   */
  openTable(plan: TablePlan, options?: OpenTableOptions): Promise<TableWriter>
  /** Appends a run to the run log. */
  recordRun(run: RunRecord): Promise<void>
  /** Committed state (and snapshots in progress), optionally of one pipeline. */
  listState(pipeline?: string): Promise<StateEntry[]>
  /**
   * Forgets the offsets of a pipeline, or of one of its tables (named by destination or source
   * table), so the next run reads those tables from the start; returns the entries removed. An
   * unknown pipeline or table is a configuration error naming the closest known one.
   */
  resetState(pipeline: string, table?: string): Promise<StateEntry[]>
  close(): Promise<void>
}

/** The qualified name used in state and messages: `schema.table` (schema defaults to `main`). */
export function qualifiedName(name: DestinationName): string {
  return `${name.schema ?? 'main'}.${name.table}`
}

/** The top-level fields holding the keys and the sequence: what the delete flow stages. */
export function deleteSchemaOf(plan: TablePlan): TableSchema {
  const tops = new Set(
    [...plan.primaryKeys, ...(plan.sequenceBy ? [plan.sequenceBy] : [])].map((path) => path.split('.')[0]!),
  )
  const fields = Object.fromEntries(Object.entries(plan.schema.fields).filter(([name]) => tops.has(name)))
  return { ...plan.schema, fields } as TableSchema
}
