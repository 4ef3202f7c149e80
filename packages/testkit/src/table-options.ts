import type { TableOptions } from '@lakeflow/core/connector'
import { InvalidOptionsError } from '@lakeflow/core/errors'
import type { CheckContext } from './types.ts'

/** The table option that bounds a call, when the connector accepts it. */
export function batchOption(context: CheckContext): string | undefined {
  const name = context.config.batchOption ?? 'max_records_per_batch'
  return context.config.connector.tableOptionKeys.includes(name) ? name : undefined
}

const batchSupport = new WeakMap<CheckContext, Map<string, Promise<boolean>>>()

/** Whether a table accepts the batch option (tables reject unknown options with InvalidOptionsError). */
async function acceptsBatch(context: CheckContext, table: string, option: string): Promise<boolean> {
  let byTable = batchSupport.get(context)
  if (!byTable) {
    byTable = new Map()
    batchSupport.set(context, byTable)
  }
  let accepted = byTable.get(table)
  if (!accepted) {
    const options = { ...context.tableOptions(table), [option]: '10' }
    accepted = (async () => {
      // Options are validated when a read starts (some connectors only on its first step).
      try {
        const read = context.connect().readTable(table, {}, options)
        try {
          await read.next()
        } finally {
          await read.return(null)
        }
      } catch (error) {
        if (InvalidOptionsError.isInstance(error) && error.key === option) return false
      }
      return true
    })()
    byTable.set(table, accepted)
  }
  return accepted
}

/** Table options with the batch option set to `size`, when the table accepts it. */
export async function withBatch(context: CheckContext, table: string, size: number): Promise<TableOptions> {
  const option = batchOption(context)
  const base = context.tableOptions(table)
  return option && (await acceptsBatch(context, table, option)) ? { ...base, [option]: String(size) } : base
}

/** Non-snapshot, non-partitioned tables (those with a cursor to move). */
export async function incrementalTables(context: CheckContext): Promise<string[]> {
  const out: string[] = []
  for (const table of await context.plainTables()) {
    if ((await context.metadata(table)).ingestion_type !== 'snapshot') out.push(table)
  }
  return out
}
