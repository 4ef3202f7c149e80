import { existsSync } from 'node:fs'
import { bareName, type Destination, DuckDbDestination, type StateEntry } from '@lakeflow/pipeline'
import { parseCommandArgs } from '../args.ts'
import { EXIT, UsageError } from '../errors.ts'
import type { Output } from '../output.ts'
import { formatTable } from '../render/summary.ts'
import { DEFAULT_DUCKDB_FILE, destinationOf } from './sync.ts'

/**
 * What the next sync does to a table whose state was reset, from the flows it had: an append
 * table re-reads everything and appends it again (duplicates), the others rewrite by key.
 */
function nextSyncOf(table: string, flows: ReadonlySet<string>): string {
  const refresh = `lakeflow sync --full-refresh --table ${bareName(table)}`
  if (flows.has('append')) {
    return `${table} (append): the next sync re-reads it from the start and appends: rows will duplicate; use ${refresh} instead`
  }
  if (flows.has('snapshot')) {
    return `${table} (snapshot): the next sync takes a complete snapshot, as every sync does; a snapshot in progress starts over`
  }
  const what = flows.has('deletes') ? 'changes and deletes' : 'changes'
  return `${table} (cdc): the next sync re-reads its ${what} from the start and applies them by primary key (no duplicates; it takes as long as the first sync)`
}

/** `lakeflow state reset`: forgets offsets and says what the next sync will do to each table. */
async function reset(destination: Destination, pipeline: string, table: string | undefined, out: Output) {
  const removed = await destination.resetState(pipeline, table)
  const flows = new Map<string, Set<string>>()
  for (const entry of removed) flows.set(entry.table, (flows.get(entry.table) ?? new Set()).add(entry.flow))
  out.stdout(
    `Reset ${removed.length} state entr${removed.length === 1 ? 'y' : 'ies'} of pipeline ${pipeline} (${flows.size} table${flows.size === 1 ? '' : 's'}):`,
  )
  for (const [name, tableFlows] of flows) out.stdout(`  ${nextSyncOf(name, tableFlows)}`)
}

function show(entries: StateEntry[], json: boolean, out: Output): void {
  if (json) {
    for (const entry of entries) out.stdout(JSON.stringify(entry))
    return
  }
  if (entries.length === 0) {
    out.stdout('No committed state.')
    return
  }
  out.stdout(
    formatTable(
      ['pipeline', 'table', 'flow', 'batches', 'updated', 'offset'],
      entries.map((entry) => [
        entry.pipeline,
        entry.table,
        entry.flow,
        String(entry.batches),
        entry.updatedAt ?? '',
        entry.unreadableOffset !== undefined
          ? `UNREADABLE: ${JSON.stringify(entry.unreadableOffset)}`
          : entry.flow === 'snapshot' && entry.offset !== null
            ? `snapshot in progress, continues at ${JSON.stringify(entry.offset)}`
            : JSON.stringify(entry.offset),
      ]),
      new Set([3]),
    ),
  )
}

/**
 * `lakeflow state show [--dest f] [--pipeline p]` lists committed offsets;
 * `lakeflow state reset --pipeline p [--table t] [--dest f]` forgets them, so the next sync
 * starts those tables over, and says what that sync will do to each table.
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
  const pipeline = args.values.pipeline as string | undefined
  if (action === 'reset' && !pipeline)
    throw new UsageError('state reset needs --pipeline <name> (see lakeflow state show)')
  const file = (args.values.dest as string | undefined) ?? DEFAULT_DUCKDB_FILE
  const duckdb = (args.values['dest-type'] ?? 'duckdb') === 'duckdb'
  if (duckdb && !existsSync(file)) {
    throw new UsageError(`no destination at ${file}; pass the DuckDB file a sync wrote with --dest`)
  }
  const destination: Destination = duckdb ? new DuckDbDestination({ file }) : destinationOf(args.values)
  await destination.open()
  try {
    if (action === 'reset') await reset(destination, pipeline!, args.values.table as string | undefined, out)
    else show(await destination.listState(pipeline), Boolean(args.values.json), out)
    return EXIT.ok
  } finally {
    await destination.close()
  }
}
