import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { InvalidOptionsError, UnknownTableError } from '@lakeflow/core/errors'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DuckDbDestination, type PipelineEvent, parsePipelineSpec, runPipeline } from '../src/index.ts'
import { object, queryFile, syncShop, tempDir } from './support/harness.ts'
import { connector } from './support/shop-connector.ts'
import { type ShopServer, seedShop, startShopServer } from './support/shop-server.ts'

let shop: ShopServer
let temp: ReturnType<typeof tempDir>
let file: string
beforeAll(() => {
  temp = tempDir()
})
afterAll(() => temp.remove())
beforeEach(async () => {
  shop = await startShopServer()
  seedShop(shop, 30)
  file = path.join(temp.dir, `${Math.random().toString(36).slice(2)}.duckdb`)
})
afterEach(async () => {
  await shop.stop()
})

const dump = async (target: string) => ({
  products: await queryFile(target, 'SELECT * EXCLUDE (image) FROM products ORDER BY id'),
  users: await queryFile(target, 'SELECT * FROM users ORDER BY id'),
  orders: await queryFile(target, 'SELECT * FROM orders ORDER BY id'),
  events: await queryFile(target, 'SELECT * FROM events ORDER BY seq'),
})

describe('failure policy', () => {
  it('a snapshot that fails midway deletes and changes nothing; other tables go on; the run reports the failure', async () => {
    await syncShop(shop, file, [object('products'), object('users')])
    const before = await queryFile(file, 'SELECT id, name FROM products ORDER BY id')
    shop.remove('products', 1)
    shop.upsert('products', { id: 2, name: 'changed' })
    shop.upsert('users', { id: 1, name: 'still synced' })
    // page 1 of the snapshot succeeds, page 2 fails on all 3 attempts
    shop.fail(3, 503, /^\/products$/, 1)
    const events: PipelineEvent[] = []
    const report = await syncShop(shop, file, [object('products'), object('users')], { events })
    expect(report.status).toBe('failed')
    const products = report.tables.find((table) => table.sourceTable === 'products')!
    expect(products.status).toBe('failed')
    expect(products.error).toMatchObject({ name: 'ApiCallError', category: 'transient' })
    expect(products.error!.message).toMatch(/HTTP 503.*after 3 attempts.*\/products/)
    expect(report.tables.find((table) => table.sourceTable === 'users')).toMatchObject({
      status: 'succeeded',
      updated: 1,
    })
    expect(await queryFile(file, 'SELECT id, name FROM products ORDER BY id')).toEqual(before)
    expect(events.some((event) => event.type === 'table-failed' && event.report.sourceTable === 'products')).toBe(true)
    // the next run, with the source healthy, applies the snapshot
    const again = await syncShop(shop, file, [object('products'), object('users')])
    expect(again.tables[0]).toMatchObject({ status: 'succeeded', deleted: 1, updated: 1 })
  })

  it('a conversion error fails that table with table, path and value, keeping its committed offset', async () => {
    await syncShop(shop, file, [object('users', { max_records_per_batch: 10 })])
    const [stateBefore] = await queryFile(
      file,
      `SELECT offset_json FROM _lakeflow_state WHERE table_name = 'main.users'`,
    )
    shop.upsert('users', { id: 3, updated_at: 'x' })
    shop.tables.users.get(3)!.updated_at = '2024-02-01T00:00:00Z'
    shop.tables.users.get(3)!.id = 'not-a-number'
    const report = await syncShop(shop, file, [object('users')])
    expect(report.tables[0]!.status).toBe('failed')
    expect(report.tables[0]!.error!.name).toBe('SchemaConversionError')
    expect(report.tables[0]!.error!.message).toContain('"id" of table "users"')
    expect(report.tables[0]!.error!.message).toContain('"not-a-number"')
    const [stateAfter] = await queryFile(
      file,
      `SELECT offset_json FROM _lakeflow_state WHERE table_name = 'main.users'`,
    )
    expect(stateAfter).toEqual(stateBefore)
  })

  it('an unknown table or a missing option fails before anything is written', async () => {
    const spec = parsePipelineSpec({ connection_name: 'shop', objects: [object('users'), object('nope')] })
    const destination = new DuckDbDestination({ file })
    await expect(
      runPipeline({
        spec,
        pipeline: 'p',
        connector,
        connectorOptions: { base_url: shop.baseUrl, token: shop.token },
        destination,
      }),
    ).rejects.toSatisfy(
      (error) =>
        UnknownTableError.isInstance(error) &&
        /no table named "nope"; known tables: products, users, orders, events/.test((error as Error).message),
    )
    await expect(
      runPipeline({ spec, pipeline: 'p', connector, connectorOptions: { base_url: shop.baseUrl }, destination }),
    ).rejects.toSatisfy(
      (error) =>
        InvalidOptionsError.isInstance(error) &&
        (error as Error).message.includes('Invalid option "token" for connector shop: required but missing'),
    )
    expect(existsSync(file)).toBe(false)
  })

  it('a table the connector does not list is planned when the connector resolves it from its options', async () => {
    // As HL7 v2's segment_type tables: any name, resolved by an option; other names stay unknown.
    const inner = connector.create({ base_url: shop.baseUrl, token: shop.token })
    const alias = (name: string, options: Record<string, string>) => (options.same_as ?? name) as string
    const resolving = {
      ...connector,
      create: () => ({
        ...inner,
        getTableSchema: (name: string, options: Record<string, string>) =>
          inner.getTableSchema(alias(name, options), {}),
        readTableMetadata: (name: string, options: Record<string, string>) =>
          inner.readTableMetadata(alias(name, options), {}),
        readTable: (name: string, start: never, options: Record<string, string>) =>
          inner.readTable(alias(name, options), start, {}),
      }),
    }
    const spec = parsePipelineSpec({ connection_name: 'shop', objects: [object('vip_users', { same_as: 'users' })] })
    const destination = new DuckDbDestination({ file })
    const report = await runPipeline({
      spec,
      pipeline: 'p',
      connector: resolving,
      connectorOptions: {},
      destination,
    }).finally(() => destination.close())
    expect(report.tables[0]).toMatchObject({ sourceTable: 'vip_users', status: 'succeeded', rows: 30 })
  })

  it('group commit: several read calls commit together; a failure keeps the complete calls of the group', async () => {
    const grouped = await syncShop(shop, file, [object('users', { max_records_per_batch: 10 })], {
      groupCommitRows: 15,
    })
    expect(grouped.tables[0]).toMatchObject({ rows: 30, inserted: 30, batches: 2 })
    const other = path.join(temp.dir, `group-${Date.now()}.duckdb`)
    shop.fail(3, 503, /^\/users$/, 2)
    const failed = await syncShop(shop, other, [object('users', { max_records_per_batch: 10 })], {
      groupCommitRows: 100,
    })
    expect(failed.tables[0]).toMatchObject({ status: 'failed', rows: 20, batches: 1 })
    expect(await queryFile(other, 'SELECT count(*)::INT AS n FROM users')).toEqual([{ n: 20 }])
    const [state] = await queryFile(other, `SELECT offset_json FROM _lakeflow_state WHERE table_name = 'main.users'`)
    expect(state).toEqual({ offset_json: '{"cursor":"2024-01-01T00:00:58.000Z"}' })
    const resumed = await syncShop(shop, other, [object('users', { max_records_per_batch: 10 })], {
      groupCommitRows: 100,
    })
    expect(resumed.tables[0]).toMatchObject({ status: 'succeeded', rows: 10, inserted: 10 })
  })

  it('injected 429/503/resets end identical to a clean run', async () => {
    const objects = [
      object('products', { page_size: 4 }),
      object('users', { max_records_per_batch: 7, page_size: 3 }),
      object('orders', { page_size: 4 }),
      object('events', { page_size: 4 }),
    ]
    const clean = path.join(temp.dir, `clean-${Date.now()}.duckdb`)
    await syncShop(shop, clean, objects)
    shop.requests.length = 0
    // One scripted fault per table, so every table is sure to retry; then seeded chaos, whose
    // hits depend on how the concurrent tables interleave.
    shop.fail(1, 503, /^\/products/)
    shop.fail(1, 'reset', /^\/users/)
    shop.fail(1, 429, /^\/orders/)
    shop.fail(1, 503, /^\/events/)
    shop.chaos(0.3, [429, 503, 'reset'], 11)
    const events: PipelineEvent[] = []
    const report = await syncShop(shop, file, objects, { retryLimit: 8, events })
    shop.chaos(0, [])
    expect(report.status).toBe('succeeded')
    const faulted = shop.requests.filter((request) => request.status !== 200)
    expect(faulted.length).toBeGreaterThan(6)
    expect(shop.requests.filter((request) => request.status === 0).length).toBeGreaterThan(0)
    // Every injected fault shows up as exactly one retry event, tagged with the table whose read hit it.
    const faultsPerTable = countBy(faulted.map((request) => request.path.split('/')[1]!))
    const retries = events.flatMap((event) => (event.type === 'retry' ? [event.table ?? '?'] : []))
    expect(countBy(retries)).toEqual(faultsPerTable)
    expect(Object.keys(faultsPerTable).sort()).toEqual(['events', 'orders', 'products', 'users'])
    expect(await dump(file)).toEqual(await dump(clean))
  })

  it('secrets never reach the DuckDB file, its WAL, the state, the run log or the events', async () => {
    const events: PipelineEvent[] = []
    shop.fail(1, 503)
    await syncShop(shop, file, [object('users')], { events })
    shop.fail(2, 401)
    await syncShop(shop, file, [object('products')], { events })
    const bytes = [readFileSync(file), ...(existsSync(`${file}.wal`) ? [readFileSync(`${file}.wal`)] : [])]
    for (const content of bytes) {
      expect(content.includes(Buffer.from(shop.token))).toBe(false)
      expect(content.includes(Buffer.from(shop.token, 'utf16le'))).toBe(false)
    }
    expect(JSON.stringify(events)).not.toContain(shop.token)
    const runs = await queryFile(file, 'SELECT report::VARCHAR AS report FROM _lakeflow_runs')
    expect(runs.length).toBe(2)
    expect(JSON.stringify(runs)).not.toContain(shop.token)
  })
})

function countBy(keys: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1
  return counts
}
