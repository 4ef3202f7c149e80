/**
 * Correct connectors the suite must not mistake for broken ones: the other half of the
 * self-test (the mutant gallery proves each check can fail; these prove a check does not
 * fail on behaviour the contract allows).
 */
import type { Offset, TableOptions } from '@lakeflow/core/connector'
import { Spark, type TableSchema } from '@lakeflow/core/schema'
import { describe, expect, it } from 'vitest'
import { exampleTestConfig } from '../../../connectors/example/test/example-test-config.ts'
import { allChecks, type Check, checkById, createSuite } from '../src/index.ts'
import { mutant } from './mutants/mutate.ts'

/**
 * `orders` declares `currency` NOT NULL. Its tombstones carry only the key and the cursor
 * (upstream: "other fields may be null"), so their null currency is allowed.
 */
const notNullColumnBesidesTheKey = mutant(({ inner }) => ({
  async getTableSchema(table: string, options: TableOptions) {
    const schema = await inner.getTableSchema(table, options)
    if (table !== 'orders') return schema
    return { ...schema, fields: { ...schema.fields, currency: Spark.string({ nullable: false }) } } as TableSchema
  },
}))

async function run(check: Check, connector = notNullColumnBesidesTheKey) {
  const suite = createSuite({ ...exampleTestConfig, connector, checks: [check] }, allChecks)
  await suite.start()
  try {
    return await suite.run(check)
  } finally {
    await suite.stop()
  }
}

describe('accepted variants', () => {
  it.each(['read-table-deletes', 'delete-and-read-deletes'])(
    '%s accepts tombstones with null in NOT NULL columns other than the key and cursor',
    async (id) => {
      const result = await run(checkById(id))
      expect(result.status === 'failed' ? result.error.message : result.status).toBe('passed')
    },
  )

  it('read-table-deletes still fails a tombstone without its key', async () => {
    const withoutKey = mutant(({ inner }) => ({
      readTableDeletes: (table: string, start: Offset | null, options: TableOptions) =>
        (async function* () {
          const read = inner.readTableDeletes!(table, start, options)
          for (;;) {
            const step = await read.next()
            if (step.done) return step.value
            yield { ...step.value, order_id: null }
          }
        })(),
    }))
    const result = await run(checkById('read-table-deletes'), withoutKey)
    expect(result.status).toBe('failed')
    expect(result.status === 'failed' && result.error.message).toMatch(/field "order_id" of table "orders"/)
  })
})
