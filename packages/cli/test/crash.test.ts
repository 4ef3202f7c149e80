import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { seededRandom } from '@lakeflow/core/internal'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryFile } from '../../pipeline/test/support/harness.ts'
import { type ShopServer, seedShop, startShopServer } from '../../pipeline/test/support/shop-server.ts'
import { runCli, startCli, writeShopProject } from './support.ts'

// Kills a real `lakeflow sync` child with SIGKILL at seeded random points of its work,
// reruns it after each kill, and checks that every completed destination equals an
// uninterrupted run. Kill points come from what the child reports (its committed batches),
// never from wall time, so a slow or loaded machine moves them with the work: a kill lands
// after the n-th batch a run commits, or a seeded fraction of that run's own gap between
// commits later. Each round starts from an empty destination and kills until a run
// completes; rounds go on until the kills are done.

const KILLS = 12
/** Batches a run may commit before its kill: 1 to this many. */
const MOST_COMMITS_BEFORE_KILL = 3
let shop: ShopServer
let dir: string

beforeAll(async () => {
  shop = await startShopServer()
  seedShop(shop, 150)
  for (let id = 1; id <= 150; id += 7) shop.upsert('users', { id, status: 'inactive' })
  for (let id = 3; id <= 150; id += 11) shop.remove('orders', id)
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

/** The `type` of an NDJSON event line, if it is one. */
function eventType(line: string): string | undefined {
  try {
    return (JSON.parse(line) as { type?: string }).type
  } catch {
    return undefined
  }
}

describe('crash safety', () => {
  it(`SIGKILL at ${KILLS} points after committed batches, rerun: identical to an uninterrupted run`, async () => {
    const env = { SHOP_TOKEN: shop.token }
    const args = (dest: string) => ['sync', 'pipeline.yaml', '--dest', dest, '--json', '--group-commit-rows', '12']
    const reference = await runCli(args('reference.duckdb'), { cwd: dir, env })
    expect(reference.code).toBe(0)
    const referenceCommits = reference.stdout.split('\n').filter((line) => eventType(line) === 'batch-committed')
    // Enough batches that kills after one to three of them land all through the sync.
    expect(referenceCommits.length).toBeGreaterThan(4 * MOST_COMMITS_BEFORE_KILL)
    const expected = await dump(path.join(dir, 'reference.duckdb'))
    expect((expected.events as unknown[]).length).toBe(150)
    expect((expected.state as { batches: string }[]).some((row) => Number(row.batches) > 5)).toBe(true)

    const random = seededRandom(2024)
    const kills: { round: number; commitsBefore: number }[] = []
    let round = 0
    let runs = 0
    while (kills.length < KILLS) {
      // A round: an empty destination, killed again and again until a run completes.
      const dest = `crash-${round}.duckdb`
      for (;;) {
        runs++
        expect(runs, 'runs keep completing before any kill lands').toBeLessThan(3 * KILLS)
        const target = 1 + Math.floor(random() * MOST_COMMITS_BEFORE_KILL)
        const fraction = random() < 0.5 ? 0 : random()
        let commits = 0
        let lastCommit = 0
        let gap = 0
        let timer: NodeJS.Timeout | undefined
        const run = startCli(args(dest), {
          cwd: dir,
          env,
          onLine: (line) => {
            if (eventType(line) !== 'batch-committed' || kills.length >= KILLS) return
            commits++
            const now = performance.now()
            if (commits > 1) gap = now - lastCommit
            lastCommit = now
            if (commits !== target) return
            // Right after the commit, or part of the way to where this run's next commit would be.
            if (fraction === 0 || gap === 0) run.child.kill('SIGKILL')
            else timer = setTimeout(() => run.child.kill('SIGKILL'), Math.round(fraction * gap))
          },
        })
        const result = await run.done
        clearTimeout(timer)
        if (result.signal === 'SIGKILL') {
          kills.push({ round, commitsBefore: commits })
          continue
        }
        expect(result.code, result.stderr).toBe(0)
        break
      }
      const actual = await dump(path.join(dir, dest))
      expect(actual.products, `round ${round}`).toEqual(expected.products)
      expect(actual.users, `round ${round}`).toEqual(expected.users)
      expect(actual.orders, `round ${round}`).toEqual(expected.orders)
      expect(actual.events, `round ${round}`).toEqual(expected.events)
      expect(
        (actual.state as { offset_json: string }[]).map((row) => row.offset_json),
        `round ${round}`,
      ).toEqual((expected.state as { offset_json: string }[]).map((row) => row.offset_json))
      round++
    }
    if (process.env.LAKEFLOW_CRASH_DEBUG) console.log({ rounds: round, runs, kills })
    // Every kill came after at least one committed batch of its run: work was at stake each time.
    expect(kills).toHaveLength(KILLS)
    for (const kill of kills) expect(kill.commitsBefore).toBeGreaterThanOrEqual(1)
  }, 900_000)
})
