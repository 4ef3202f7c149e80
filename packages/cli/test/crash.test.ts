import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { seededRandom } from '@lakeflow/core/internal'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryFile } from '../../pipeline/test/support/harness.ts'
import { type ShopServer, seedShop, startShopServer } from '../../pipeline/test/support/shop-server.ts'
import { runCli, startCli, writeShopProject } from './support.ts'

// Kills a real `lakeflow sync` child with SIGKILL at seeded random moments, reruns it
// after each kill, and checks that the final tables equal those of an uninterrupted run.

const KILLS = 20
let shop: ShopServer
let dir: string

beforeAll(async () => {
  shop = await startShopServer()
  seedShop(shop, 150)
  for (let id = 1; id <= 150; id += 7) shop.upsert('users', { id, status: 'inactive' })
  for (let id = 3; id <= 150; id += 11) shop.remove('orders', id)
  shop.setDelay(4)
  dir = mkdtempSync(path.join(tmpdir(), 'lakeflow-crash-'))
  writeShopProject(dir, shop.baseUrl, [
    { table: { source_table: 'products', table_configuration: { page_size: 10 } } },
    { table: { source_table: 'users', table_configuration: { max_records_per_batch: 8, page_size: 4 } } },
    {
      table: {
        source_table: 'orders',
        table_configuration: { max_records_per_batch: 8, page_size: 4, scd_type: 'SCD_TYPE_2' },
      },
    },
    { table: { source_table: 'events', table_configuration: { max_records_per_batch: 8, page_size: 4 } } },
  ])
})
afterAll(async () => {
  await shop.stop()
  rmSync(dir, { recursive: true, force: true })
})

const tables = {
  products: 'SELECT * EXCLUDE (image) FROM products ORDER BY id',
  users: 'SELECT * FROM users ORDER BY id',
  orders: 'SELECT * FROM orders ORDER BY id, __START_AT',
  events: 'SELECT * FROM events ORDER BY seq',
  state: `SELECT table_name, flow, offset_json, batches FROM _lakeflow_state ORDER BY table_name, flow`,
}

async function dump(file: string) {
  const out: Record<string, unknown> = {}
  for (const [name, sql] of Object.entries(tables)) out[name] = await queryFile(file, sql)
  return out
}

describe('crash safety', () => {
  it(`SIGKILL at ${KILLS} random points, rerun: identical to an uninterrupted run`, async () => {
    const env = { SHOP_TOKEN: shop.token }
    const referenceRun = startCli(
      ['sync', 'pipeline.yaml', '--dest', 'reference.duckdb', '--json', '--group-commit-rows', '12'],
      { cwd: dir, env },
    )
    const runStarted = await referenceRun.firstOutput
    const reference = await referenceRun.done
    expect(reference.code).toBe(0)
    // how long the reading and committing takes, after start-up and planning
    const runMs = Date.now() - runStarted
    if (process.env.LAKEFLOW_CRASH_DEBUG)
      console.log('runMs', runMs, (reference.stdout.match(/batch-committed/g) ?? []).length)
    const expected = await dump(path.join(dir, 'reference.duckdb'))
    expect((expected.events as unknown[]).length).toBe(150)
    expect((expected.state as { batches: string }[]).some((row) => Number(row.batches) > 5)).toBe(true)

    const random = seededRandom(2024)
    let interrupted = 0
    let midRun = 0
    for (let kill = 0; kill < KILLS; kill++) {
      const run = startCli(['sync', 'pipeline.yaml', '--dest', 'crash.duckdb', '--json', '--group-commit-rows', '12'], {
        cwd: dir,
        env,
      })
      // each kill lands at a random point of the run, after it started reading; on average
      // a run gets 1.5/KILLS of the work done before it dies, so the kills spread over the sync
      const delay = Math.round(random() * Math.max(300, (3 * runMs) / KILLS))
      let timer: NodeJS.Timeout | undefined
      void run.firstOutput.then(() => {
        timer = setTimeout(() => run.child.kill('SIGKILL'), delay)
      })
      const result = await run.done
      clearTimeout(timer)
      if (process.env.LAKEFLOW_CRASH_DEBUG) {
        console.log(
          kill,
          delay,
          result.signal,
          result.code,
          (result.stdout.match(/batch-committed/g) ?? []).length,
          result.stderr.slice(0, 200),
        )
      }
      if (result.signal === 'SIGKILL') {
        interrupted++
        if (result.stdout.includes('"batch-committed"')) midRun++
      } else {
        expect(result.code).toBe(0)
      }
    }
    expect(interrupted).toBeGreaterThanOrEqual(KILLS / 2)
    expect(midRun).toBeGreaterThanOrEqual(KILLS / 5)
    const final = await runCli(
      ['sync', 'pipeline.yaml', '--dest', 'crash.duckdb', '--json', '--group-commit-rows', '12'],
      { cwd: dir, env },
    )
    expect(final.code).toBe(0)
    const actual = await dump(path.join(dir, 'crash.duckdb'))
    expect(actual.products).toEqual(expected.products)
    expect(actual.users).toEqual(expected.users)
    expect(actual.orders).toEqual(expected.orders)
    expect(actual.events).toEqual(expected.events)
    expect((actual.state as { offset_json: string }[]).map((row) => row.offset_json)).toEqual(
      (expected.state as { offset_json: string }[]).map((row) => row.offset_json),
    )
  }, 240_000)
})
