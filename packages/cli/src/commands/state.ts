import { existsSync } from 'node:fs'
import { type Destination, DuckDbDestination } from '@lakeflow/pipeline'
import { parseCommandArgs } from '../args.ts'
import { EXIT, UsageError } from '../errors.ts'
import type { Output } from '../output.ts'
import { formatTable } from '../render/summary.ts'
import { DEFAULT_DUCKDB_FILE, destinationOf } from './sync.ts'

/**
 * `lakeflow state show [--dest f] [--pipeline p]` lists committed offsets;
 * `lakeflow state reset --pipeline p [--table t] [--dest f]` forgets them, so the next sync
 * starts those tables over.
 */
export async function stateCommand(argv: string[], out: Output): Promise<number> {
  const args = parseCommandArgs('state', argv, {
    dest: { type: 'string' },
    'dest-type': { type: 'string' },
    pipeline: { type: 'string' },
    table: { type: 'string' },
  })
  const [action] = args.positionals
  if (args.positionals.length !== 1 || (action !== 'show' && action !== 'reset')) {
    throw new UsageError('expected lakeflow state show|reset; see lakeflow state --help')
  }
  const file = (args.values.dest as string | undefined) ?? DEFAULT_DUCKDB_FILE
  if ((args.values['dest-type'] ?? 'duckdb') === 'duckdb' && !existsSync(file)) {
    throw new UsageError(`no destination at ${file}; pass the DuckDB file a sync wrote with --dest`)
  }
  const destination: Destination =
    (args.values['dest-type'] ?? 'duckdb') === 'duckdb' ? new DuckDbDestination({ file }) : destinationOf(args.values)
  await destination.open()
  try {
    const pipeline = args.values.pipeline as string | undefined
    if (action === 'reset') {
      if (!pipeline) throw new UsageError('state reset needs --pipeline <name> (see lakeflow state show)')
      const removed = await destination.resetState(pipeline, args.values.table as string | undefined)
      out.stdout(
        `Reset ${removed} state entr${removed === 1 ? 'y' : 'ies'} of pipeline ${pipeline}; the next sync starts ${args.values.table ? `table ${args.values.table}` : 'every table'} over`,
      )
      return EXIT.ok
    }
    const entries = await destination.listState(pipeline)
    if (args.values.json) {
      for (const entry of entries) out.stdout(JSON.stringify(entry))
    } else if (entries.length === 0) {
      out.stdout('No committed state.')
    } else {
      out.stdout(
        formatTable(
          ['pipeline', 'table', 'flow', 'batches', 'updated', 'offset'],
          entries.map((entry) => [
            entry.pipeline,
            entry.table,
            entry.flow,
            String(entry.batches),
            entry.updatedAt ?? '',
            JSON.stringify(entry.offset),
          ]),
          new Set([3]),
        ),
      )
    }
    return EXIT.ok
  } finally {
    await destination.close()
  }
}
