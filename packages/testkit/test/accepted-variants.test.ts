/**
 * Correct connectors the suite must not mistake for broken ones: the other half of the
 * self-test (the mutant gallery proves each check can fail; these prove a check does not
 * fail on behaviour the contract allows).
 */
import type { Offset, TableOptions } from '@lakeflow/core/connector'
import { Spark, type TableSchema } from '@lakeflow/core/schema'
import { loadSpec } from '@lakeflow/simulator'
import { describe, expect, it } from 'vitest'
import { exampleTestConfig } from '../../../connectors/example/test/example-test-config.ts'
import { allChecks, type Check, type ConnectorTestConfig, checkById, createSuite } from '../src/index.ts'
import { droppedColumn } from './mutants/base-mutants.ts'
import { mutant, readTableFor, transformRead } from './mutants/mutate.ts'
import { noInitTimeCap } from './mutants/read-mutants.ts'

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

async function run(check: Check, connector = notNullColumnBesidesTheKey, settings: Partial<ConnectorTestConfig> = {}) {
  const suite = createSuite({ ...exampleTestConfig, connector, checks: [check], ...settings }, allChecks)
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

/** The upstream knobs change what the checks demand, and only that. */
describe('knobs', () => {
  const message = (result: Awaited<ReturnType<typeof run>>) =>
    result.status === 'failed' ? result.error.message : result.status

  it('allowNullColumns exempts a column from columns-populated', async () => {
    const check = checkById('columns-populated')
    expect(message(await run(check, droppedColumn))).toMatch(/column\(s\) email are null/)
    expect(message(await run(check, droppedColumn, { allowNullColumns: { users: ['email'] } }))).toBe('passed')
  })

  it('allowEmptyFirstRead lets a table return nothing on its first read', async () => {
    const emptyUsers = mutant(({ inner }) =>
      readTableFor(inner, 'users', (start, options) =>
        transformRead(inner.readTable('users', start, options), { records: () => undefined, end: () => start }),
      ),
    )
    const check = checkById('read-table')
    expect(message(await run(check, emptyUsers))).toMatch(/table users: the first read returned no records/)
    expect(message(await run(check, emptyUsers, { allowEmptyFirstRead: ['users'] }))).toBe('passed')
  })

  it('sampleRecords caps the records a check consumes per table', async () => {
    // The sixth users record does not fit the schema; a check reading five never sees it.
    let seen = 0
    const badSixth = mutant(({ inner }) =>
      readTableFor(inner, 'users', (start, options) => {
        seen = 0
        return transformRead(inner.readTable('users', start, options), {
          records: (record) => (++seen === 6 ? { ...record, updated_at: 'not a time' } : record),
        })
      }),
    )
    const check = checkById('read-table')
    expect(message(await run(check, badSixth, { sampleRecords: 5 }))).toBe('passed')
    expect(message(await run(check, badSixth, { sampleRecords: 6 }))).toMatch(
      /table users: readTable yielded record #5 that does not convert[\s\S]*"not a time"/,
    )
  })

  it('readTerminationMaxIterations is the number of calls allowed to reach a fixed point', async () => {
    const check = checkById('read-terminates')
    // users in batches of 3: a dozen calls or so to its fixed point.
    const tableOptions = { ...exampleTestConfig.tableOptions, users: { max_records_per_batch: '3' } }
    expect(message(await run(check, exampleTestConfig.connector, { tableOptions }))).toBe('passed')
    expect(
      message(await run(check, exampleTestConfig.connector, { tableOptions, readTerminationMaxIterations: 5 })),
    ).toMatch(/table users: no fixed point after 5 calls/)
  })
})

/**
 * Records the source stamps after its own clock (upstream's synthesized future records) are
 * not written yet for a reader: the completeness oracle neither expects them nor accepts
 * them read.
 */
describe('records stamped after the source clock', () => {
  const withFutureUsers = () => {
    const spec = structuredClone(loadSpec(exampleTestConfig.simulator!.spec).spec)
    const users = spec.endpoints.find((endpoint) => endpoint.corpus === 'users' && !endpoint.deleted)!
    users.synthesize_future_records = { cursor_field: 'updated_at', count: 3 }
    return { ...exampleTestConfig.simulator!, spec }
  }
  const settings = () => ({
    simulator: withFutureUsers(),
    tables: { users: exampleTestConfig.tables!.users! },
  })

  it('the oracle passes a connector that keeps its cap and never reads them', async () => {
    const result = await run(checkById('completeness-oracle'), exampleTestConfig.connector, settings())
    expect(result.status === 'failed' ? result.error.message : result.status).toBe('passed')
  })

  it('the oracle fails a connector without a cap that reads them', async () => {
    const result = await run(checkById('completeness-oracle'), noInitTimeCap, settings())
    expect(result.status === 'failed' && result.error.message).toMatch(
      /table users: .*3 read although stamped after the source's clock \(no init-time cap\)/s,
    )
  })
})
