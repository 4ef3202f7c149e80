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
  /** Records read (and committed). */
  readonly rows: number
  readonly inserted: number
  readonly updated: number
  readonly deleted: number
  readonly batches: number
  readonly durationMs: number
  readonly error?: ErrorSummary
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
      /** The offset each flow resumes from (`{}` for a fresh stream, `null` for snapshots). */
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
