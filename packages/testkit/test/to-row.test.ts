/**
 * `tables.<name>.toRow`: a connector that reshapes what the source sends is compared with
 * the simulator's records through the hook. The example's `orders` reshaped (`order_id` →
 * `id`, `amount` in euros → `amount_cents`) passes every check that compares simulator
 * records with what was read when the mapping is right, and fails each of them without it;
 * a wrong mapping (cents not multiplied) fails the completeness oracle.
 */
import type { Offset, RawRecord, TableOptions, TableRead } from '@lakeflow/core/connector'
import { Spark, type TableSchema } from '@lakeflow/core/schema'
import { describe, expect, it } from 'vitest'
import { exampleTestConfig } from '../../../connectors/example/test/example-test-config.ts'
import { allChecks, checkById, createSuite, type TableTestConfig } from '../src/index.ts'
import { mutant, transformRead } from './mutants/mutate.ts'

/** An order as the reshaping connector yields it. */
function reshape(record: RawRecord): RawRecord {
  const { order_id, amount, ...rest } = record
  return { ...rest, id: order_id, amount_cents: typeof amount === 'number' ? Math.round(amount * 100) : null }
}

const reshaped = mutant(({ inner }) => ({
  async getTableSchema(table: string, options: TableOptions) {
    const schema = await inner.getTableSchema(table, options)
    if (table !== 'orders') return schema
    const { order_id: _id, amount: _amount, ...fields } = schema.fields
    return {
      ...schema,
      fields: { id: Spark.long({ nullable: false }), amount_cents: Spark.long(), ...fields },
    } as TableSchema
  },
  async readTableMetadata(table: string, options: TableOptions) {
    const metadata = await inner.readTableMetadata(table, options)
    return table === 'orders' ? { ...metadata, primary_keys: ['id'] } : metadata
  },
  readTable(table: string, start: Offset | null, options: TableOptions): TableRead {
    const read = inner.readTable(table, start, options)
    return table === 'orders' ? transformRead(read, { records: reshape }) : read
  },
  readTableDeletes(table: string, start: Offset | null, options: TableOptions): TableRead {
    const read = inner.readTableDeletes!(table, start, options)
    return table === 'orders' ? transformRead(read, { records: reshape }) : read
  },
}))

const CHECKS = [
  'write-to-source',
  'incremental-after-write',
  'delete-and-read-deletes',
  'cursor-ties',
  'completeness-oracle',
] as const

/** Runs the checks against the reshaping connector with `orders` configured as given. */
async function outcomes(orders: Partial<TableTestConfig>): Promise<Record<string, string>> {
  const base = exampleTestConfig.tables!.orders!
  const suite = createSuite(
    { ...exampleTestConfig, connector: reshaped, tables: { orders: { ...base, ...orders } } },
    allChecks,
  )
  await suite.start()
  const results: Record<string, string> = {}
  try {
    for (const id of CHECKS) {
      const result = await suite.run(checkById(id))
      results[id] = result.status === 'failed' ? `failed: ${result.error.message}` : result.status
    }
  } finally {
    await suite.stop()
  }
  return results
}

describe('toRow', () => {
  it('with the right mapping, every check comparing simulator records with rows passes', async () => {
    const results = await outcomes({ toRow: reshape })
    for (const id of CHECKS) expect(results[id], id).toBe('passed')
  })

  it('without it, each of those checks fails (it compares the raw simulator record)', async () => {
    const results = await outcomes({ toRow: undefined })
    for (const id of CHECKS) expect(results[id], id).toMatch(/^failed: /)
    expect(results['write-to-source']).toMatch(/written field\(s\) order_id, amount are not columns/)
    expect(results['write-to-source']).toMatch(/tables\.<name>\.toRow/)
  })

  it('with a wrong mapping (euros as cents), the completeness oracle finds stale rows', async () => {
    const wrong = (record: RawRecord) => ({
      ...reshape(record),
      amount_cents: typeof record.amount === 'number' ? Math.round(record.amount) : null,
    })
    const results = await outcomes({ toRow: wrong })
    expect(results['completeness-oracle']).toMatch(/failed: .*stale \(an older version kept\)/s)
    // The keys are right, so the key-based checks still pass.
    expect(results['incremental-after-write']).toBe('passed')
  })
})
