import { randomUUID } from 'node:crypto'
import type { ConnectorDefinition, LakeflowConnector, TableOptions } from '@lakeflow/core/connector'
import { ApiCallError, LakeflowError, redact } from '@lakeflow/core/errors'
import { withHttpScope } from '@lakeflow/core/http'
import { type Destination, deleteSchemaOf, qualifiedName } from '../destinations/types.ts'
import type { PipelineSpec } from '../spec/pipeline-spec.ts'
import { compileRowConverter } from './converter.ts'
import type {
  ErrorSummary,
  PipelineEvent,
  PipelineEventListener,
  RunReport,
  RunWarning,
  TableReport,
} from './events.ts'
import { mapLimit } from './limit.ts'
import { createConnector, type PlannedTable, planPipeline } from './plan.ts'
import { readTableIntoDestination } from './read-table.ts'
import { refreshedTables } from './refresh-tables.ts'
import { UnknownFields } from './unknown-fields.ts'

const DEFAULT_MAX_CALLS = 10_000

/** Options of {@link runPipeline}. */
export interface RunPipelineOptions {
  readonly spec: PipelineSpec
  /** Names the pipeline in state and the run log. @example 'github-issues' */
  readonly pipeline: string
  readonly connector: ConnectorDefinition
  /** Raw connector options (strings from files, flags or env are coerced by the options schema). */
  readonly connectorOptions: Readonly<Record<string, unknown>>
  readonly destination: Destination
  /** Tables read at once. @default 3 */
  readonly concurrency?: number
  /** Partitions of one table read at once. @default 4 */
  readonly partitionConcurrency?: number
  /**
   * Cap on read calls per table flow and run. A flow that reaches it commits the calls it read
   * and stops with a warning; the next run continues from there (a full refresh that reaches it
   * fails, changing nothing).
   * @default 10000
   */
  readonly maxCalls?: number
  /**
   * Rebuild tables from scratch: `true` for every table, or the tables named (source or
   * destination names). Each table's flows read from the start into a new table that replaces
   * the old one and its state in one transaction once complete; a refresh that fails changes
   * nothing. Also the way past a drift error (a table or column dropped by hand).
   * @default false
   */
  readonly fullRefresh?: boolean | readonly string[]
  /** Table options added to every table's configuration (`--table-option`). */
  readonly tableOptions?: TableOptions
  readonly onEvent?: PipelineEventListener
  readonly signal?: AbortSignal
  /**
   * Debug logging: error summaries in events and the run log also carry the failed
   * response's body, which may hold record data (emails, names). Off, they carry only the
   * status and the body's error fields.
   * @default false
   */
  readonly debug?: boolean
}

/** The body of the failed response behind an error (itself or its cause), if any. */
function responseBodyOf(error: LakeflowError): string | undefined {
  for (const candidate of [error, error.cause]) {
    if (ApiCallError.isInstance(candidate) && candidate.responseBody !== undefined) return candidate.responseBody
  }
  return undefined
}

/**
 * A failure as reports carry it: name, category and redacted message; with `debug`, also
 * the failed response's body (redacted).
 */
export function summarizeError(error: unknown, debug = false): ErrorSummary {
  if (LakeflowError.isInstance(error)) {
    const summary = { name: error.name, category: error.category, message: redact(error.message) }
    const body = debug ? responseBodyOf(error) : undefined
    return body === undefined ? summary : { ...summary, responseBody: redact(body) }
  }
  const plain = error instanceof Error ? error : new Error(String(error))
  return { name: plain.name, category: 'internal', message: redact(plain.message) }
}

/**
 * Runs a pipeline: plans every table (connector, schema, metadata; nothing is written if
 * that fails), then reads the tables concurrently into the destination, each batch
 * committed with its offset. A failing table keeps its committed offset and the others go
 * on; the report says which failed. Throws only for problems before any table ran
 * (configuration, a destination that cannot be opened). Never deletes a destination.
 */
export async function runPipeline(options: RunPipelineOptions): Promise<RunReport> {
  const startedAt = new Date()
  const runId = randomUUID()
  const notify = (event: PipelineEvent) => {
    try {
      options.onEvent?.(event)
    } catch {
      // a listener must not break the run
    }
  }
  const connector = createConnector(options.connector, options.connectorOptions)
  try {
    const planned = await planPipeline(options.spec, connector, {
      pipeline: options.pipeline,
      runStartedAt: startedAt,
      ...(options.tableOptions ? { extraTableOptions: options.tableOptions } : {}),
    })
    const refresh = refreshedTables(planned, options.fullRefresh ?? false)
    await options.destination.open()
    const warnings: RunWarning[] = []
    const emit = (event: PipelineEvent) => {
      if (event.type === 'warning')
        warnings.push({ ...(event.table ? { table: event.table } : {}), message: event.message })
      notify(event)
    }
    emit({
      type: 'run-started',
      runId,
      pipeline: options.pipeline,
      tables: planned.map((table) => table.plan.sourceTable),
    })
    // Each table runs in its own HTTP scope, so retries of its requests become its events.
    const reports = await mapLimit(planned, options.concurrency ?? 3, (table) =>
      withHttpScope(
        {
          onEvent: (event) => {
            if (event.type !== 'retry') return
            emit({
              type: 'retry',
              table: table.plan.sourceTable,
              method: event.method,
              url: event.url,
              attempt: event.attempt,
              waitMs: event.waitMs,
              reason: event.reason,
              ...(event.status === undefined ? {} : { status: event.status }),
              message: event.message,
            })
          },
        },
        () => runTable(options, connector, table, emit, refresh.has(table)),
      ),
    )
    const finishedAt = new Date()
    const report: RunReport = {
      runId,
      pipeline: options.pipeline,
      connector: options.connector.name,
      destination: options.destination.location,
      status: reports.every((table) => table.status === 'succeeded') ? 'succeeded' : 'failed',
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - startedAt.getTime(),
      tables: reports,
      warnings,
    }
    await options.destination.recordRun({
      runId,
      pipeline: options.pipeline,
      startedAt,
      finishedAt,
      status: report.status,
      report,
    })
    emit({ type: 'run-finished', report })
    return report
  } finally {
    await connector.close?.().catch(() => {})
  }
}

async function runTable(
  options: RunPipelineOptions,
  connector: LakeflowConnector,
  table: PlannedTable,
  emit: (event: PipelineEvent) => void,
  fullRefresh: boolean,
): Promise<TableReport> {
  const { plan } = table
  const started = Date.now()
  const base = {
    sourceTable: plan.sourceTable,
    destination: qualifiedName(plan.destination),
    ingestionType: plan.ingestionType,
    scdType: plan.scdType,
    ...(fullRefresh ? { fullRefresh } : {}),
  }
  const totals = { read: 0, rows: 0, inserted: 0, updated: 0, deleted: 0, batches: 0 }
  const unknownFields = new UnknownFields(plan.schema)
  try {
    const writer = await options.destination.openTable(plan, { fullRefresh })
    let complete: boolean
    try {
      const flows = await Promise.all(
        (['upsert', 'deletes', 'append', 'snapshot'] as const).map(
          async (flow) => [flow, (await writer.state(flow))?.offset] as const,
        ),
      )
      emit({
        type: 'table-started',
        table: plan.sourceTable,
        destination: base.destination,
        ingestionType: plan.ingestionType,
        scdType: plan.scdType,
        ...(fullRefresh ? { fullRefresh } : {}),
        resumeFrom: Object.fromEntries(flows.filter(([, offset]) => offset !== undefined)),
      })
      const convert = compileRowConverter(plan.schema, plan.sourceTable)
      const convertDeleted = compileRowConverter(deleteSchemaOf(plan), plan.sourceTable)
      complete = await readTableIntoDestination(
        {
          plan,
          connector,
          tableOptions: table.tableOptions,
          writer,
          convert,
          convertDeleted,
          unknownFields,
          emit,
          maxCalls: options.maxCalls ?? DEFAULT_MAX_CALLS,
          partitionConcurrency: options.partitionConcurrency ?? 4,
          groupCommitRows: options.destination.groupCommitRows,
          ...(options.signal ? { signal: options.signal } : {}),
        },
        totals,
      )
      if (complete) await writer.complete()
      else if (fullRefresh) {
        throw new LakeflowError(
          `Table ${plan.sourceTable}: the full refresh stopped at the read-call cap (--max-calls ${options.maxCalls ?? DEFAULT_MAX_CALLS}) before it was complete, so the table and its state are unchanged; raise --max-calls`,
          { category: 'config' },
        )
      }
    } finally {
      await writer.close()
      const dropped = unknownFields.warning()
      if (dropped) emit({ type: 'warning', table: plan.sourceTable, message: dropped })
    }
    const { read: _read, ...counts } = totals
    const report: TableReport = { ...base, status: 'succeeded', complete, ...counts, durationMs: Date.now() - started }
    emit({ type: 'table-finished', report })
    return report
  } catch (error) {
    const report: TableReport = {
      ...base,
      status: 'failed',
      complete: false,
      rows: totals.rows,
      inserted: totals.inserted,
      updated: totals.updated,
      deleted: totals.deleted,
      batches: totals.batches,
      durationMs: Date.now() - started,
      error: summarizeError(error, options.debug),
    }
    emit({ type: 'table-failed', report })
    return report
  }
}
