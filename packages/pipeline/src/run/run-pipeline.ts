import { randomUUID } from 'node:crypto'
import type { ConnectorDefinition, LakeflowConnector, TableOptions } from '@lakeflow/core/connector'
import { ApiCallError, LakeflowError, redact } from '@lakeflow/core/errors'
import { withHttpScope } from '@lakeflow/core/http'
import { type Destination, deleteSchemaOf, qualifiedName } from '../destinations/types.ts'
import type { PipelineSpec } from '../spec/pipeline-spec.ts'
import { compileRowConverter } from './converter.ts'
import type { ErrorSummary, PipelineEvent, PipelineEventListener, RunReport, TableReport } from './events.ts'
import { mapLimit } from './limit.ts'
import { createConnector, type PlannedTable, planPipeline } from './plan.ts'
import { readTableIntoDestination } from './read-table.ts'

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
  /** Cap on read calls per table flow and run; reaching it fails that table. @default 10000 */
  readonly maxCalls?: number
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
 * (configuration, an unreachable source, a destination that cannot be opened).
 */
export async function runPipeline(options: RunPipelineOptions): Promise<RunReport> {
  const startedAt = new Date()
  const runId = randomUUID()
  const emit = (event: PipelineEvent) => {
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
    await options.destination.open()
    emit({
      type: 'run-started',
      runId,
      pipeline: options.pipeline,
      tables: planned.map((table) => table.plan.sourceTable),
    })
    const failures = new Map<string, unknown>()
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
        () => runTable(options, connector, table, emit, failures),
      ),
    )
    // Nothing could be read at all (the source is unreachable or refuses us): if this run
    // created the destination, remove it and fail the run as a whole, so nothing is written.
    const first = failures.get(reports[0]?.sourceTable ?? '')
    if (reports.every((table) => table.status === 'failed' && table.batches === 0) && first !== undefined) {
      const category = LakeflowError.isInstance(first) ? first.category : 'internal'
      if (category !== 'schema' && (await options.destination.discardIfUnused())) throw first
    }
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
  failures: Map<string, unknown>,
): Promise<TableReport> {
  const { plan } = table
  const started = Date.now()
  const base = {
    sourceTable: plan.sourceTable,
    destination: qualifiedName(plan.destination),
    ingestionType: plan.ingestionType,
    scdType: plan.scdType,
  }
  const totals = { read: 0, rows: 0, inserted: 0, updated: 0, deleted: 0, batches: 0 }
  try {
    const writer = await options.destination.openTable(plan)
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
        resumeFrom: Object.fromEntries(flows.filter(([, offset]) => offset !== undefined)),
      })
      const convert = compileRowConverter(plan.schema, plan.sourceTable)
      const convertDeleted = compileRowConverter(deleteSchemaOf(plan), plan.sourceTable)
      await readTableIntoDestination(
        {
          plan,
          connector,
          tableOptions: table.tableOptions,
          writer,
          convert,
          convertDeleted,
          emit,
          maxCalls: options.maxCalls ?? 10_000,
          partitionConcurrency: options.partitionConcurrency ?? 4,
          groupCommitRows: options.destination.groupCommitRows,
          ...(options.signal ? { signal: options.signal } : {}),
        },
        totals,
      )
    } finally {
      await writer.close()
    }
    const { read: _read, ...counts } = totals
    const report: TableReport = { ...base, status: 'succeeded', ...counts, durationMs: Date.now() - started }
    emit({ type: 'table-finished', report })
    return report
  } catch (error) {
    failures.set(plan.sourceTable, error)
    const report: TableReport = {
      ...base,
      status: 'failed',
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
