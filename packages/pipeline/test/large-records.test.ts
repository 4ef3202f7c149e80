import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DuckDbDestination, parsePipelineSpec, runPipeline } from '../src/index.ts'
import { object, tempDir } from './support/harness.ts'
import { connector } from './support/shop-connector.ts'
import { type ShopServer, seedShop, startShopServer } from './support/shop-server.ts'

// A record larger than DuckDB's default JSON object size (16 MiB) syncs: the batch's reader
// limit is raised to fit its longest line, and the memory limit for that apply alone.

let shop: ShopServer
let temp: ReturnType<typeof tempDir>
beforeAll(async () => {
  temp = tempDir()
  shop = await startShopServer()
  seedShop(shop, 5)
})
afterAll(async () => {
  await shop.stop()
  temp.remove()
})

describe('records larger than 16 MiB', () => {
  it('a user with a 50 MB field, served over HTTP, syncs whole; the memory limit is restored after', async () => {
    const size = 50 * 1024 * 1024
    shop.upsert('users', { id: 3, name: 'n'.repeat(size) })
    const file = path.join(temp.dir, 'large.duckdb')
    const destination = new DuckDbDestination({ file, groupCommitRows: 1 })
    try {
      const report = await runPipeline({
        spec: parsePipelineSpec({ connection_name: 'shop', objects: [object('users'), object('events')] }),
        pipeline: 'p',
        connector,
        connectorOptions: { base_url: shop.baseUrl, token: shop.token, retry_base_ms: 5 },
        destination,
      })
      expect(report.tables.map((table) => [table.sourceTable, table.status, table.error?.message])).toEqual([
        ['users', 'succeeded', undefined],
        ['events', 'succeeded', undefined],
      ])
      expect(
        await destination.query('SELECT id::INT AS id, length(name)::INT AS length FROM users ORDER BY id'),
      ).toEqual([
        { id: 1, length: 6 },
        { id: 2, length: 6 },
        { id: 3, length: size },
        { id: 4, length: 6 },
        { id: 5, length: 6 },
      ])
      expect(await destination.query(`SELECT current_setting('memory_limit') AS limit`)).toEqual([
        { limit: '122.0 MiB' },
      ])
    } finally {
      await destination.close()
    }
  })
})
