import type { IngestionType, Offset } from '@lakeflow/core/connector'
import type { ErrorCategory } from '@lakeflow/core/errors'
import type { Flow } from '../destinations/types.ts'

/** A failure as reports and events carry it: JSON-safe and redacted. */
export interface ErrorSummary {
  readonly name: string
  readonly category: ErrorCategory
  /** What failed; for a source API error the status and the body's error fields only, never record data. */
  readonly message: string
  /**
   * The body of the failed response (its first 4 KiB, secrets redacted), only when the run
   * has `debug` set: it may hold record data.
   */
  readonly responseBody?: string
}

/** The outcome of one table in a run. */
export interface TableReport {
  readonly sourceTable: string
  /** Qualified destination, e.g. `main.users`. */
  readonly destination: string
  readonly ingestionType: IngestionType
  readonly scdType: 1 | 2
  readonly status: 'succeeded' | 'failed'
  /** The table was rebuilt from scratch (`--full-refresh`). */
  readonly fullRefresh?: boolean
  /**
   * False when a flow stopped at the read-call cap: its finished calls are committed and the
   * next run continues from there (a warning says so).
   */
  readonly complete: boolean
  /** Records read (and committed). */
  readonly rows: number
  readonly inserted: number
  readonly updated: number
  readonly deleted: number
  readonly batches: number
  readonly durationMs: number
  readonly error?: ErrorSummary
}

/** Something a run noticed that did not fail it. */
export interface RunWarning {
  readonly table?: string
  readonly message: string
}

/** The outcome of a run: what `lakeflow sync` prints and stores in `_lakeflow_runs`. */
export interface RunReport {
  readonly runId: string
  readonly pipeline: string
  readonly connector: string
  readonly destination: string
  readonly status: 'succeeded' | 'failed'
  readonly startedAt: string
  readonly finishedAt: string
  readonly durationMs: number
  readonly tables: readonly TableReport[]
  /** Every warning of the run (read-call caps, dropped source fields, discarded records), in order. */
  readonly warnings: readonly RunWarning[]
}

/** Progress events of a run, in order per table. Every string is redacted. */
export type PipelineEvent =
  | {
      readonly type: 'run-started'
      readonly runId: string
      readonly pipeline: string
      readonly tables: readonly string[]
    }
  | {
      readonly type: 'table-started'
      readonly table: string
      readonly destination: string
      readonly ingestionType: IngestionType
      readonly scdType: 1 | 2
      /** The table is being rebuilt from scratch (`--full-refresh`). */
      readonly fullRefresh?: boolean
      /**
       * The offset each flow resumes from (`{}` for a fresh stream, `null` for snapshots; a
       * snapshot interrupted earlier resumes from its last staged call's offset).
       */
      readonly resumeFrom: Readonly<Partial<Record<Flow, Offset | null>>>
    }
  | {
      readonly type: 'progress'
      readonly table: string
      readonly flow: Flow
      /** Records read by this table so far in this run (committed or not). */
      readonly records: number
      readonly batches: number
    }
  | {
      readonly type: 'batch-committed'
      readonly table: string
      readonly flow: Flow
      readonly batch: number
      readonly rows: number
      readonly inserted: number
      readonly updated: number
      readonly deleted: number
      readonly offset: Offset | null
      /**
       * A snapshot's finished calls were staged out of sight (the visible table is unchanged
       * until the snapshot is complete); `offset` is where it continues.
       */
      readonly staged?: boolean
    }
  | {
      readonly type: 'retry'
      readonly table?: string
      readonly method: string
      readonly url: string
      readonly attempt: number
      readonly waitMs: number
      readonly reason: string
      readonly status?: number
      readonly message: string
    }
  | { readonly type: 'warning'; readonly table?: string; readonly message: string }
  | { readonly type: 'table-finished'; readonly report: TableReport }
  | { readonly type: 'table-failed'; readonly report: TableReport }
  | { readonly type: 'run-finished'; readonly report: RunReport }

/** Receives events; must not throw. */
export type PipelineEventListener = (event: PipelineEvent) => void
