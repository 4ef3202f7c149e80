import path from 'node:path'
import {
  checkMemoryLimit,
  type Destination,
  DuckDbDestination,
  FileDestination,
  loadConnections,
  loadPipelineSpec,
  type PipelineEvent,
  type RunReport,
  resolveConnection,
  runPipeline,
} from '@lakeflow/pipeline'
import { CONNECTOR_FLAGS, integerFlag, keyValues, parseCommandArgs } from '../args.ts'
import { loadCliConnector, tableOptionsOf } from '../connector-setup.ts'
import { EXIT, exitCodeOfRun, UsageError } from '../errors.ts'
import type { Output } from '../output.ts'
import { jsonLogger, ProgressDisplay } from '../render/progress.ts'
import { summaryTable } from '../render/summary.ts'

/** The DuckDB file `sync` writes when `--dest` is not given. */
export const DEFAULT_DUCKDB_FILE = 'lakeflow.duckdb'

/** Flags of `sync` (also used by `demo`). */
export const SYNC_FLAGS = {
  ...CONNECTOR_FLAGS,
  dest: { type: 'string' },
  'dest-type': { type: 'string' },
  concurrency: { type: 'string' },
  pipeline: { type: 'string' },
  'max-calls': { type: 'string' },
  'memory-limit': { type: 'string' },
  'group-commit-rows': { type: 'string' },
  'file-format': { type: 'string' },
  'full-refresh': { type: 'boolean' },
  table: { type: 'string', multiple: true },
  debug: { type: 'boolean' },
} as const

/** Ranges of the numeric flags of `sync` (and `demo`). */
const RANGES = {
  concurrency: { min: 1, max: 64 },
  'max-calls': { min: 1, max: 1_000_000_000 },
  'group-commit-rows': { min: 1, max: 100_000_000 },
} as const

/** Builds the destination named by `--dest-type` and `--dest`. */
export function destinationOf(values: Record<string, unknown>, fallbackFile = DEFAULT_DUCKDB_FILE): Destination {
  const type = (values['dest-type'] as string | undefined) ?? 'duckdb'
  if (type === 'duckdb') {
    const memoryLimit = values['memory-limit'] as string | undefined
    if (memoryLimit !== undefined) checkMemoryLimit(memoryLimit, '--memory-limit')
    return new DuckDbDestination({
      file: (values.dest as string | undefined) ?? fallbackFile,
      ...(memoryLimit !== undefined ? { memoryLimit } : {}),
      groupCommitRows: integerFlag(
        'group-commit-rows',
        values['group-commit-rows'] as string | undefined,
        RANGES['group-commit-rows'],
        100_000,
      ),
    })
  }
  if (type === 'files') {
    if (!values.dest)
      throw new UsageError('--dest-type files needs --dest <directory> (for example a Databricks volume path)')
    const format = (values['file-format'] as string | undefined) ?? 'ndjson'
    if (format !== 'ndjson' && format !== 'parquet') {
      throw new UsageError(`--file-format expects ndjson or parquet, got ${JSON.stringify(format)}`)
    }
    return new FileDestination(values.dest as string, { format })
  }
  throw new UsageError(`--dest-type expects duckdb or files, got ${JSON.stringify(type)}`)
}

/** Renders events: progress bars on a terminal, NDJSON otherwise (or with --json). */
export function eventRenderer(out: Output, json: boolean): (event: PipelineEvent) => void {
  if (json) return jsonLogger((line) => out.stdout(line))
  if (!out.interactive) return jsonLogger((line) => out.stderr(line))
  const display = new ProgressDisplay(out)
  return (event) => display.handle(event)
}

/** The last stderr line of a run that did not succeed: what failed and what to do. */
function failureLine(report: RunReport, code: number): string {
  const failed = report.tables.filter((table) => table.status === 'failed')
  const first = failed[0]!
  const firstError = `${first.sourceTable}: ${first.error?.message ?? 'failed'}`
  if (code === EXIT.source) return `lakeflow: the source failed for every table; ${firstError}`
  if (code === EXIT.usage) return `lakeflow: the configuration is wrong for every table; ${firstError}`
  if (code === EXIT.destination) {
    const table = failed.find((candidate) => candidate.error?.name === 'DestinationError')!
    return `lakeflow: the destination failed for table ${table.sourceTable}: ${table.error!.message}`
  }
  return `lakeflow: ${failed.length} of ${report.tables.length} tables failed (${firstError}); their committed offsets are kept, rerun to resume`
}

/**
 * `lakeflow sync <pipeline.yaml> [--dest file.duckdb] [--dest-type duckdb|files]
 * [--concurrency N] [--full-refresh [--table T]...]`: runs a pipeline spec. The exit code
 * says how it went (see {@link exitCodeOfRun}).
 */
export async function syncCommand(argv: string[], out: Output): Promise<number> {
  const args = parseCommandArgs('sync', argv, SYNC_FLAGS)
  if (args.positionals.length !== 1)
    throw new UsageError('expected lakeflow sync <pipeline.yaml>; see lakeflow sync --help')
  const specFile = args.positionals[0]!
  const concurrency = integerFlag('concurrency', args.values.concurrency as string | undefined, RANGES.concurrency, 3)
  const maxCalls = integerFlag('max-calls', args.values['max-calls'] as string | undefined, RANGES['max-calls'], 10_000)
  const tables = args.values.table as string[] | undefined
  if (tables && !args.values['full-refresh']) {
    throw new UsageError('--table names the tables of --full-refresh; add --full-refresh (or leave --table out)')
  }
  const fullRefresh = args.values['full-refresh'] ? (tables ?? true) : false
  const spec = await loadPipelineSpec(specFile)
  const connections = await loadConnections(args.values.connections as string | undefined)
  const resolved = resolveConnection(spec.connection_name, {
    ...(connections ? { connections } : {}),
    options: keyValues('option', args.values.option as string[] | undefined),
  })
  const { definition } = await loadCliConnector(resolved.connector, process.cwd())
  const destination = destinationOf(args.values)
  const json = Boolean(args.values.json)
  const render = eventRenderer(out, json)
  try {
    const report = await runPipeline({
      spec,
      pipeline: (args.values.pipeline as string | undefined) ?? path.basename(specFile).replace(/\.(ya?ml|json)$/i, ''),
      connector: definition,
      connectorOptions: resolved.options,
      destination,
      concurrency,
      maxCalls,
      fullRefresh,
      tableOptions: tableOptionsOf(args),
      onEvent: render,
      debug: Boolean(args.values.debug) || Boolean(process.env.LAKEFLOW_DEBUG),
    })
    if (!json) out.stdout(summaryTable(report))
    const code = exitCodeOfRun(report)
    if (code !== EXIT.ok) out.stderr(failureLine(report, code))
    return code
  } finally {
    await destination.close()
  }
}
