import { describe, expect, it } from 'vitest'
import { DuckDbDestination, type PipelineEvent, parsePipelineSpec, runPipeline } from '../src/index.ts'
import { object, queryFile, shopPerTest, syncShop } from './support/harness.ts'
import { connector } from './support/shop-connector.ts'

const fixture = shopPerTest()
const file = fixture.file
const objects = [object('events', { max_records_per_batch: 10, page_size: 5 }), object('users')]
const state = (target: string) =>
  queryFile(target, 'SELECT table_name, flow, offset_json, batches::INT AS batches FROM _lakeflow_state ORDER BY ALL')
const leftovers = (target: string) =>
  queryFile(target, `SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '_lakeflow_refresh%'`)

async function reset(target: string, table: string) {
  const destination = new DuckDbDestination({ file: target })
  await destination.open()
  try {
    return await destination.resetState('shop-test', table)
  } finally {
    await destination.close()
  }
}

describe('full refresh', () => {
  it('an append table reset duplicates its rows; a full refresh rebuilds it and its state together', async () => {
    const target = file('append')
    await syncShop(fixture.shop, target, objects)
    const removed = await reset(target, 'events')
    expect(removed.map((entry) => [entry.table, entry.flow])).toEqual([['main.events', 'append']])
    await syncShop(fixture.shop, target, objects)
    // what state reset does to an append table (the reason for --full-refresh)
    expect(await queryFile(target, 'SELECT count(*)::INT AS n FROM events')).toEqual([{ n: 60 }])

    const usersBefore = await queryFile(target, 'SELECT * FROM users ORDER BY id')
    const report = await syncShop(fixture.shop, target, objects, { fullRefresh: ['events'] })
    expect(report.tables.map((table) => [table.sourceTable, table.fullRefresh ?? false, table.status])).toEqual([
      ['events', true, 'succeeded'],
      ['users', false, 'succeeded'],
    ])
    expect(
      await queryFile(target, 'SELECT count(*)::INT AS n, count(DISTINCT seq)::INT AS distinct_seq FROM events'),
    ).toEqual([{ n: 30, distinct_seq: 30 }])
    const events = (await state(target)).filter((row) => row.table_name === 'main.events')
    expect(events).toEqual([{ table_name: 'main.events', flow: 'append', offset_json: '{"seq":30}', batches: 3 }])
    expect(await queryFile(target, 'SELECT * FROM users ORDER BY id')).toEqual(usersBefore)
    expect(await leftovers(target)).toEqual([])
  })

  it('a full refresh that fails changes nothing: the old table and state stay, the rebuild is dropped', async () => {
    const target = file('failed')
    await syncShop(fixture.shop, target, objects)
    for (let n = 0; n < 10; n++) fixture.shop.appendEvent({ kind: 'click', user_id: 1, payload: '{}' })
    const tableBefore = await queryFile(target, 'SELECT * FROM events ORDER BY seq')
    const stateBefore = await state(target)
    // the refresh commits its first calls (into the rebuild), then the source fails
    fixture.shop.fail(3, 503, /^\/events$/, 4)
    const seen: Promise<unknown>[] = []
    const report = await syncShop(fixture.shop, target, objects, {
      fullRefresh: true,
      onEvent: (event: PipelineEvent, destination) => {
        if (event.type === 'batch-committed' && event.table === 'events')
          seen.push(destination.query('SELECT count(*)::INT AS n FROM events'))
      },
    })
    expect(report.tables.find((table) => table.sourceTable === 'events')).toMatchObject({
      status: 'failed',
      fullRefresh: true,
      batches: 2,
    })
    expect(await Promise.all(seen)).toEqual([[{ n: 30 }], [{ n: 30 }]])
    expect(await queryFile(target, 'SELECT * FROM events ORDER BY seq')).toEqual(tableBefore)
    expect((await state(target)).filter((row) => row.table_name === 'main.events')).toEqual(
      stateBefore.filter((row) => row.table_name === 'main.events'),
    )
    expect(await leftovers(target)).toEqual([])
    expect(
      await queryFile(target, `SELECT count(*)::INT AS n FROM _lakeflow_state WHERE table_name LIKE '%refresh%'`),
    ).toEqual([{ n: 0 }])
  })

  it('a full refresh of a cdc_with_deletes table rebuilds the table and its tombstones; equal to a clean run', async () => {
    const target = file('orders')
    const ordersObjects = [object('orders', { max_records_per_batch: 10 })]
    await syncShop(fixture.shop, target, ordersObjects)
    fixture.shop.remove('orders', 2)
    fixture.shop.upsert('orders', { id: 3, status: 'shipped' })
    await syncShop(fixture.shop, target, ordersObjects, { fullRefresh: true })
    const reference = file('orders-reference')
    await syncShop(fixture.shop, reference, ordersObjects)
    for (const sql of [
      'SELECT * FROM orders ORDER BY id',
      'SELECT * FROM _lakeflow_deleted__orders ORDER BY id',
      `SELECT table_name, flow, offset_json FROM _lakeflow_state ORDER BY ALL`,
    ]) {
      expect(await queryFile(target, sql)).toEqual(await queryFile(reference, sql))
    }
    expect(await leftovers(target)).toEqual([])
  })

  it('a table name that is not in the spec is refused before anything is written, with a did-you-mean', async () => {
    const target = file('unknown')
    const destination = new DuckDbDestination({ file: target })
    await expect(
      runPipeline({
        spec: parsePipelineSpec({ connection_name: 'shop', objects }),
        pipeline: 'p',
        connector,
        connectorOptions: { base_url: fixture.shop.baseUrl, token: fixture.shop.token },
        destination,
        fullRefresh: ['evnts'],
      }),
    ).rejects.toThrow(
      'Cannot refresh table "evnts": the pipeline has no such table; did you mean "events"? Its tables: events, users',
    )
    await destination.close()
    expect(fixture.shop.requests).toEqual([])
  })
})
