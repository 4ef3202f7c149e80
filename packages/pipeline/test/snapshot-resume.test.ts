import { describe, expect, it } from 'vitest'
import type { PipelineEvent } from '../src/index.ts'
import { object, queryFile, shopPerTest, syncShop } from './support/harness.ts'

// A snapshot read in several calls (the shop's products with records_per_call: keyset pages
// after `after_id`) stages each finished call durably and out of sight; after a failure or
// the read-call cap the next run continues from the last staged call, and only the complete
// snapshot changes the visible table.

const fixture = shopPerTest()
const file = fixture.file
const products = [object('products', { page_size: 4, records_per_call: 8 })]
const visible = 'SELECT * FROM products ORDER BY id'
const productRequests = () => fixture.shop.requests.filter((request) => request.path === '/products')

/** Changes the source between snapshots: one product gone, one changed, one new. */
function changeProducts() {
  fixture.shop.remove('products', 1)
  fixture.shop.upsert('products', { id: 20, name: 'renamed' })
  fixture.shop.upsert('products', { ...fixture.shop.tables.products.get(5)!, id: 31, name: 'new product' })
}

/** Collects, at every staged commit, what the visible table holds at that moment. */
function watchVisible(seen: Promise<unknown>[]) {
  return (event: PipelineEvent, destination: { query(sql: string): Promise<unknown> }) => {
    if (event.type === 'batch-committed' && event.staged) seen.push(destination.query(visible))
  }
}

describe('snapshot resume', () => {
  it('a snapshot that fails midway keeps its finished calls staged; the next run continues there and ends equal to a clean run', async () => {
    const target = file('resume')
    await syncShop(fixture.shop, target, products)
    const before = await queryFile(target, visible)
    changeProducts()
    const reference = file('reference')
    await syncShop(fixture.shop, reference, products)
    fixture.shop.requests.length = 0

    // calls of 8 records = 2 pages: calls 1 and 2 finish, the 3rd call's 2nd page fails on all 3 attempts
    fixture.shop.fail(3, 503, /^\/products$/, 5)
    const seen: Promise<unknown>[] = []
    const events: PipelineEvent[] = []
    const failed = await syncShop(fixture.shop, target, products, { events, onEvent: watchVisible(seen) })
    expect(failed.tables[0]).toMatchObject({ status: 'failed', rows: 16, batches: 2 })
    expect(events.filter((event) => event.type === 'batch-committed').map((event) => event.offset)).toEqual([
      { after_id: 9 },
      { after_id: 17 },
    ])
    // while the calls were staged, and after the failure, the visible table held the old snapshot
    expect(seen).toHaveLength(2)
    for (const rows of await Promise.all(seen)) expect(rows).toHaveLength(before.length)
    expect(await queryFile(target, visible)).toEqual(before)
    expect(await queryFile(target, `SELECT offset_json FROM _lakeflow_state WHERE flow = 'snapshot'`)).toEqual([
      { offset_json: '{"after_id":17}' },
    ])
    expect(await queryFile(target, 'SELECT count(*)::INT AS n FROM _lakeflow_snapshot__products')).toEqual([{ n: 16 }])

    fixture.shop.requests.length = 0
    const resumed = await syncShop(fixture.shop, target, products)
    expect(resumed.tables[0]).toMatchObject({ status: 'succeeded', complete: true, rows: 14 })
    expect(productRequests()[0]!.query).toBe('?after_id=17&limit=4')
    expect(productRequests().length).toBe(4)
    expect(await queryFile(target, visible)).toEqual(await queryFile(reference, visible))
    expect(
      await queryFile(
        target,
        `SELECT count(*)::INT AS n FROM duckdb_tables() WHERE table_name LIKE '_lakeflow_snapshot%'`,
      ),
    ).toEqual([{ n: 0 }])
    expect(await queryFile(target, `SELECT offset_json FROM _lakeflow_state WHERE flow = 'snapshot'`)).toEqual([
      { offset_json: null },
    ])
  })

  it('a snapshot that reaches the read-call cap is staged, warns, and completes on the next run', async () => {
    const target = file('capped')
    const reference = file('reference')
    await syncShop(fixture.shop, reference, products)
    const first = await syncShop(fixture.shop, target, products, { maxCalls: 2 })
    expect(first.status).toBe('succeeded')
    expect(first.tables[0]).toMatchObject({ complete: false, rows: 16 })
    expect(first.warnings).toEqual([
      {
        table: 'products',
        message:
          'the snapshot stopped after 2 read calls (the cap, --max-calls); the calls read are kept, and the next sync continues from there',
      },
    ])
    expect(await queryFile(target, 'SELECT count(*)::INT AS n FROM products')).toEqual([{ n: 0 }])
    const second = await syncShop(fixture.shop, target, products, { maxCalls: 2 })
    expect(second.tables[0]).toMatchObject({ complete: true, inserted: 30 })
    expect(await queryFile(target, visible)).toEqual(await queryFile(reference, visible))
  })

  it('a snapshot read in one call (end offset null) commits once, as before', async () => {
    const target = file('single')
    const report = await syncShop(fixture.shop, target, [object('products', { page_size: 7 })])
    expect(report.tables[0]).toMatchObject({ status: 'succeeded', complete: true, inserted: 30, batches: 1 })
    expect(await queryFile(target, `SELECT offset_json, batches::INT AS b FROM _lakeflow_state`)).toEqual([
      { offset_json: null, b: 1 },
    ])
  })
})
