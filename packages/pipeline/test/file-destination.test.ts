import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { Spark } from '@lakeflow/core/schema'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FileDestination, parsePipelineSpec, runPipeline, type TablePlan } from '../src/index.ts'
import { object, tempDir } from './support/harness.ts'
import { connector } from './support/shop-connector.ts'
import { seedShop, startShopServer } from './support/shop-server.ts'

let temp: ReturnType<typeof tempDir>
beforeAll(() => {
  temp = tempDir()
})
afterAll(() => temp.remove())

const plan: TablePlan = {
  pipeline: 'p',
  sourceTable: 'users',
  destination: { table: 'users' },
  schema: Spark.table({ id: Spark.long(), at: Spark.timestamp(), tags: Spark.map(Spark.string(), Spark.long()) }),
  ingestionType: 'cdc',
  scdType: 1,
  primaryKeys: ['id'],
  sequenceBy: 'at',
  runStartedAt: new Date(),
}

const state = (dir: string) =>
  JSON.parse(readFileSync(path.join(dir, '_lakeflow_state.json'), 'utf8')).entries['p|main.users|upsert']

describe('file landing', () => {
  it('lands one file per batch with deterministic names and commits the offset after the file', async () => {
    const dir = path.join(temp.dir, 'land')
    const destination = new FileDestination(dir)
    await destination.open()
    const writer = await destination.openTable(plan)
    const batch = await writer.beginBatch('upsert', {})
    batch.add({ id: 1, at: 1_704_067_200_000_000, tags: new Map([['a', 1]]) })
    batch.add({ id: 9_007_199_254_740_993n, at: 1_704_067_200_000_001, tags: null })
    expect(await batch.commit({ cursor: 'x' })).toEqual({ rows: 2, inserted: 2, updated: 0, deleted: 0 })
    const empty = await writer.beginBatch('upsert', { cursor: 'x' })
    await empty.commit({ cursor: 'y' })
    await destination.close()
    const files = readdirSync(path.join(dir, 'users')).sort().reverse()
    expect(files).toEqual([expect.stringMatching(/^batch-00000001-[0-9a-f]{12}\.ndjson$/), '_deletes'])
    expect(readFileSync(path.join(dir, 'users', files[0]!), 'utf8')).toBe(
      '{"id":1,"at":"2024-01-01T00:00:00Z","tags":{"a":1}}\n{"id":9007199254740993,"at":"2024-01-01T00:00:00.000001Z","tags":null}\n',
    )
    expect(state(dir)).toMatchObject({ offset: { cursor: 'y' }, batches: 2 })
  })

  it('recovers from a crash between the intent and the rename, and after the rename', async () => {
    for (const renamed of [false, true]) {
      const dir = path.join(temp.dir, `crash-${renamed}`)
      mkdirSync(path.join(dir, 'users'), { recursive: true })
      const tempFile = path.join(dir, 'users', '.batch-00000002-abcdefabcdef.ndjson.tmp')
      const finalFile = path.join(dir, 'users', 'batch-00000002-abcdefabcdef.ndjson')
      writeFileSync(renamed ? finalFile : tempFile, '{"id":2,"at":null,"tags":null}\n')
      writeFileSync(path.join(dir, 'users', '.batch-00000003-000000000000.ndjson.tmp'), 'partial, no intent')
      writeFileSync(
        path.join(dir, '_lakeflow_state.json'),
        JSON.stringify({
          version: 1,
          entries: {
            'p|main.users|upsert': {
              pipeline: 'p',
              table: 'main.users',
              flow: 'upsert',
              sourceTable: 'users',
              offset: { cursor: 'a' },
              batches: 1,
              pending: { temp: tempFile, final: finalFile, endOffset: { cursor: 'b' } },
            },
          },
        }),
      )
      const destination = new FileDestination(dir)
      await destination.open()
      const writer = await destination.openTable(plan)
      expect(await writer.state('upsert')).toMatchObject({ offset: { cursor: 'b' }, batches: 2 })
      await destination.close()
      expect(readdirSync(path.join(dir, 'users')).sort()).toEqual(['_deletes', 'batch-00000002-abcdefabcdef.ndjson'])
      expect(state(dir).pending).toBeUndefined()
      expect(existsSync(tempFile)).toBe(false)
    }
  })
})

describe('file landing of a snapshot read in several calls', () => {
  it('lands the calls as one snapshot file; a full refresh is refused; an unknown reset names the closest table', async () => {
    const shop = await startShopServer()
    seedShop(shop, 30)
    const dir = path.join(temp.dir, 'snapshot-calls')
    const destination = new FileDestination(dir)
    const run = (fullRefresh: boolean) =>
      runPipeline({
        spec: parsePipelineSpec({
          connection_name: 'shop',
          objects: [object('products', { page_size: 4, records_per_call: 8 })],
        }),
        pipeline: 'p',
        connector,
        connectorOptions: { base_url: shop.baseUrl, token: shop.token, retry_base_ms: 5 },
        destination,
        fullRefresh,
      })
    try {
      const report = await run(false)
      expect(report.tables[0]).toMatchObject({ status: 'succeeded', rows: 30, batches: 1 })
      const files = readdirSync(path.join(dir, 'products')).filter((name) => name.startsWith('snapshot-'))
      expect(files).toHaveLength(1)
      const ids = readFileSync(path.join(dir, 'products', files[0]!), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).id)
      expect(ids).toEqual(Array.from({ length: 30 }, (_, index) => index + 1))
      const refresh = await run(true)
      expect(refresh.tables[0]!.error!.message).toMatch(
        /^A full refresh replaces a table in place, which landed files cannot do/,
      )
      await expect(destination.resetState('p', 'prodcts')).rejects.toThrow(
        `Pipeline p has no table "prodcts" in ${dir}; did you mean "products"? Its tables: products`,
      )
    } finally {
      await destination.close()
      await shop.stop()
    }
  })
})
