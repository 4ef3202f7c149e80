import { existsSync, readdirSync, readlinkSync } from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { PipelineEvent } from '../src/index.ts'
import { object, queryFile, syncShop, tempDir } from './support/harness.ts'
import { type ShopServer, seedShop, startShopServer } from './support/shop-server.ts'

let shop: ShopServer
let temp: ReturnType<typeof tempDir>
let file: string

beforeAll(async () => {
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

const all = [object('products'), object('users', { max_records_per_batch: 10 }), object('orders'), object('events')]

describe('DuckDB destination: every ingestion type', () => {
  it('syncs snapshot, cdc, cdc_with_deletes and append tables with correct types and values', async () => {
    const events: PipelineEvent[] = []
    const report = await syncShop(shop, file, all, { events })
    expect(report.status).toBe('succeeded')
    const byTable = Object.fromEntries(report.tables.map((table) => [table.sourceTable, table]))
    expect(byTable.products).toMatchObject({ ingestionType: 'snapshot', rows: 30, inserted: 30, batches: 1 })
    expect(byTable.users).toMatchObject({ ingestionType: 'cdc', rows: 30, inserted: 30, batches: 3 })
    expect(byTable.orders).toMatchObject({ ingestionType: 'cdc_with_deletes', rows: 30, inserted: 30 })
    expect(byTable.events).toMatchObject({ ingestionType: 'append', rows: 30, inserted: 30 })

    const columns = await queryFile(
      file,
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'products' ORDER BY ordinal_position`,
    )
    expect(columns.map((column) => `${column.column_name} ${column.data_type}`)).toEqual([
      'id BIGINT',
      'name VARCHAR',
      'price DECIMAL(10,2)',
      'tags VARCHAR[]',
      'attributes MAP(VARCHAR, VARCHAR)',
      'dimensions STRUCT(width DOUBLE, height DOUBLE)',
      'image BLOB',
    ])
    const [product] = await queryFile(
      file,
      `SELECT id, price::VARCHAR AS price, tags, attributes['color'] AS color, dimensions.width AS width, decode(image) AS image FROM products WHERE id = 7`,
    )
    expect(product).toEqual({ id: '7', price: '7.07', tags: ['t3', 't2'], color: 'green', width: 10.5, image: 'img-7' })
    const [user] = await queryFile(file, `SELECT email, updated_at::VARCHAR AS updated_at FROM users WHERE id = 1`)
    expect(user).toEqual({ email: 'user1@example.com', updated_at: '2024-01-01 00:00:01+00' })
    const eventTypes = await queryFile(
      file,
      `SELECT data_type FROM information_schema.columns WHERE table_name = 'events' AND column_name IN ('payload', 'at') ORDER BY column_name`,
    )
    expect(eventTypes.map((row) => row.data_type)).toEqual(['TIMESTAMP WITH TIME ZONE', 'JSON'])
    const [payload] = await queryFile(file, `SELECT payload->>'n' AS n FROM events WHERE seq = 4`)
    expect(payload).toEqual({ n: '4' })

    const committed = events.filter((event) => event.type === 'batch-committed')
    expect(committed.length).toBe(report.tables.reduce((sum, table) => sum + table.batches, 0))
    const state = await queryFile(
      file,
      `SELECT table_name, flow, offset_json FROM _lakeflow_state WHERE batches > 0 ORDER BY table_name, flow`,
    )
    expect(state.map((row) => `${row.table_name}/${row.flow}`)).toEqual([
      'main.events/append',
      'main.orders/upsert',
      'main.products/snapshot',
      'main.users/upsert',
    ])
    const runs = await queryFile(file, `SELECT status, report->>'pipeline' AS pipeline FROM _lakeflow_runs`)
    expect(runs).toEqual([{ status: 'succeeded', pipeline: 'shop-test' }])
  })

  it('applies inserts, updates and deletes incrementally on the second run', async () => {
    await syncShop(shop, file, all)
    shop.upsert('products', { id: 3, name: 'renamed' })
    shop.remove('products', 4)
    shop.upsert('products', { id: 99, name: 'new product', price: '1.00' })
    shop.upsert('users', { id: 2, email: 'changed@example.com' })
    shop.upsert('users', { id: 31, email: 'new@example.com' })
    shop.upsert('orders', { id: 5, status: 'shipped' })
    shop.remove('orders', 6)
    shop.remove('orders', 7)
    shop.appendEvent({ kind: 'buy', user_id: 1 })

    const report = await syncShop(shop, file, all)
    const byTable = Object.fromEntries(report.tables.map((table) => [table.sourceTable, table]))
    expect(byTable.products).toMatchObject({ rows: 30, inserted: 1, updated: 1, deleted: 1 })
    expect(byTable.users).toMatchObject({ rows: 2, inserted: 1, updated: 1, deleted: 0 })
    expect(byTable.orders).toMatchObject({ rows: 3, inserted: 0, updated: 1, deleted: 2 })
    expect(byTable.events).toMatchObject({ rows: 1, inserted: 1 })

    expect(await queryFile(file, 'SELECT count(*)::INT AS n FROM products')).toEqual([{ n: 30 }])
    expect(await queryFile(file, 'SELECT name FROM products WHERE id IN (3, 4, 99) ORDER BY id')).toEqual([
      { name: 'renamed' },
      { name: 'new product' },
    ])
    expect(await queryFile(file, 'SELECT email FROM users WHERE id = 2')).toEqual([{ email: 'changed@example.com' }])
    expect(await queryFile(file, 'SELECT count(*)::INT AS n FROM orders')).toEqual([{ n: 28 }])
    expect(await queryFile(file, 'SELECT status FROM orders WHERE id = 5')).toEqual([{ status: 'shipped' }])
    expect(await queryFile(file, 'SELECT count(*)::INT AS n FROM events')).toEqual([{ n: 31 }])

    const third = await syncShop(shop, file, all)
    expect(third.tables.map((table) => [table.sourceTable, table.inserted + table.updated + table.deleted])).toEqual([
      ['products', 0],
      ['users', 0],
      ['orders', 0],
      ['events', 0],
    ])
  })

  it('closing the destination closes the file: nothing held open, every commit in it for the next reader', async () => {
    /** Paths of this process's open file descriptors under the destination file's name. */
    const heldOpen = () =>
      readdirSync('/proc/self/fd')
        .map((fd) => {
          try {
            return readlinkSync(`/proc/self/fd/${fd}`)
          } catch {
            return ''
          }
        })
        .filter((target) => target.startsWith(file))
    await syncShop(shop, file, all)
    // An update to an existing row is kept in memory until a checkpoint: it must reach the file
    // (or its WAL) and the file must be released, or a reader in this process sees the old row.
    shop.upsert('products', { id: 1, price: '1.25' })
    const report = await syncShop(shop, file, all)
    expect(report.tables[0]).toMatchObject({ sourceTable: 'products', updated: 1 })
    if (existsSync('/proc/self/fd')) expect(heldOpen()).toEqual([])
    expect(await queryFile(file, 'SELECT price::VARCHAR AS price FROM products WHERE id = 1')).toEqual([
      { price: '1.25' },
    ])
  })
})
