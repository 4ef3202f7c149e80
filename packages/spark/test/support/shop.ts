import { collectRead, type Offset, type TableOptions } from '@lakeflow/core/connector'
import { compileConverter } from '@lakeflow/core/convert'
import { createSimulator, type Simulator } from '@lakeflow/simulator'
import { connector as shopConnector } from '../fixtures/shop-connector.ts'
import { SHOP_SPEC, shopCorpus } from '../fixtures/shop-source.ts'
import { normalise } from './normalise.ts'

/** Starts the shop simulator (a real HTTP server on 127.0.0.1). */
export async function startShop(readingCount?: number): Promise<{ simulator: Simulator; url: string }> {
  const simulator = createSimulator({ spec: SHOP_SPEC, corpus: shopCorpus(readingCount) })
  const url = await simulator.start()
  return { simulator, url }
}

/**
 * The connector's own read of a table, converted with core's converter and normalised:
 * what a Spark read through the bridge must equal.
 */
export async function expectedRows(
  url: string,
  table: string,
  options: { start?: Offset | null; deletes?: boolean; tableOptions?: TableOptions } = {},
): Promise<{ rows: unknown[]; offset: Offset | null | undefined }> {
  const connector = shopConnector.create({ base_url: url })
  const schema = await connector.getTableSchema(table, options.tableOptions ?? {})
  const convert = compileConverter(schema, { table })
  const read = options.deletes
    ? connector.readTableDeletes!(table, options.start ?? null, options.tableOptions ?? {})
    : connector.readTable(table, options.start ?? null, options.tableOptions ?? {})
  const { records, offset } = await collectRead(read)
  return { rows: records.map((record) => normalise(convert(record), schema)), offset }
}

/** Sorts normalised rows by their `id` column. */
export function byId<T>(rows: readonly T[]): T[] {
  return [...rows].sort((left, right) => Number((left as { id: number }).id) - Number((right as { id: number }).id))
}
