import path from 'node:path'
import {
  type Destination,
  DuckDbDestination,
  FileDestination,
  loadConnections,
  loadConnector,
  loadPipelineSpec,
  type PipelineEvent,
  resolveConnection,
  runPipeline,
} from '@lakeflow/pipeline'
import { CONNECTOR_FLAGS, keyValues, parseCommandArgs, positiveInteger } from '../args.ts'
import { tableOptionsOf } from '../connector-setup.ts'
import { EXIT, UsageError } from '../errors.ts'
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
  debug: { type: 'boolean' },
} as const

/** Builds the destination named by `--dest-type` and `--dest`. */
export function destinationOf(values: Record<string, unknown>, fallbackFile = DEFAULT_DUCKDB_FILE): Destination {
  const type = (values['dest-type'] as string | undefined) ?? 'duckdb'
  if (type === 'duckdb') {
    return new DuckDbDestination({
      file: (values.dest as string | undefined) ?? fallbackFile,
      ...(values['memory-limit'] ? { memoryLimit: values['memory-limit'] as string } : {}),
      ...(values['group-commit-rows'] !== undefined
        ? { groupCommitRows: positiveInteger('group-commit-rows', values['group-commit-rows'] as string, 100_000) }
        : {}),
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

/**
 * `lakeflow sync <pipeline.yaml> [--dest file.duckdb] [--dest-type duckdb|files]
 * [--concurrency N]`: runs a pipeline spec. Exit 0 when every table succeeded, 1 when one failed.
 */
export async function syncCommand(argv: string[], out: Output): Promise<number> {
  const args = parseCommandArgs('sync', argv, SYNC_FLAGS)
  if (args.positionals.length !== 1)
    throw new UsageError('expected lakeflow sync <pipeline.yaml>; see lakeflow sync --help')
  const specFile = args.positionals[0]!
  const concurrency = positiveInteger('concurrency', args.values.concurrency as string | undefined, 3)
  const maxCalls = positiveInteger('max-calls', args.values['max-calls'] as string | undefined, 10_000)
  const spec = await loadPipelineSpec(specFile)
  const connections = await loadConnections(args.values.connections as string | undefined)
  const resolved = resolveConnection(spec.connection_name, {
    ...(connections ? { connections } : {}),
    options: keyValues('option', args.values.option as string[] | undefined),
  })
  const { definition } = await loadConnector(resolved.connector, process.cwd(), [import.meta.filename])
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
      tableOptions: tableOptionsOf(args),
      onEvent: render,
      debug: Boolean(args.values.debug) || Boolean(process.env.LAKEFLOW_DEBUG),
    })
    if (!json) out.stdout(summaryTable(report))
    return report.status === 'succeeded' ? EXIT.ok : EXIT.tableFailed
  } finally {
    await destination.close()
  }
}
