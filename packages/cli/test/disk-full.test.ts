import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ShopServer, seedShop, startShopServer } from '../../pipeline/test/support/shop-server.ts'
import { CLI_ARGS, writeShopProject } from './support.ts'

// A full disk: the sync runs in its own mount namespace (unshare, as an unprivileged user
// through a user namespace) with a 256 KiB tmpfs as the destination's directory. Staging and
// DuckDB then really fail with ENOSPC.

let shop: ShopServer
let dir: string

/** Whether this machine lets a process mount a tmpfs in a namespace of its own. */
function canMountTmpfs(): boolean {
  const probe = mkdtempSync(path.join(tmpdir(), 'lakeflow-mount-probe-'))
  try {
    const result = spawnSync('unshare', [
      '--user',
      '--map-root-user',
      '--mount',
      'sh',
      '-c',
      'mount -t tmpfs -o size=64k tmpfs "$0"',
      probe,
    ])
    return result.status === 0
  } catch {
    return false
  } finally {
    rmSync(probe, { recursive: true, force: true })
  }
}

const mountable = canMountTmpfs()

beforeAll(async () => {
  shop = await startShopServer()
  seedShop(shop, 2000)
  dir = mkdtempSync(path.join(tmpdir(), 'lakeflow-full-'))
  writeShopProject(dir, shop.baseUrl, [
    { table: { source_table: 'events', table_configuration: { max_records_per_batch: 2000, page_size: 100 } } },
  ])
  mkdirSync(path.join(dir, 'full'))
})
afterAll(async () => {
  await shop.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('a full disk', () => {
  it.skipIf(!mountable)('fails the table with exit 4, naming the path that could not be written', async () => {
    const script = 'mount -t tmpfs -o size=256k tmpfs full && exec "$0" "$@"'
    const child = spawn(
      'unshare',
      [
        '--user',
        '--map-root-user',
        '--mount',
        'sh',
        '-c',
        script,
        process.execPath,
        ...CLI_ARGS,
        'sync',
        'pipeline.yaml',
        '--dest',
        'full/out.duckdb',
      ],
      { cwd: dir, env: { ...process.env, SHOP_TOKEN: shop.token } },
    )
    let stderr = ''
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    child.stdout.resume()
    const code = await new Promise((resolve) => child.on('close', resolve))
    expect(code).toBe(4)
    const destination = path.join(dir, 'full', 'out.duckdb')
    expect(stderr.trim().split('\n').at(-1)).toMatch(
      new RegExp(
        `^lakeflow: the destination failed for table events: The disk is full: no space left on device writing ${destination.replaceAll('.', '\\.')}\\S* \\(destination ${destination.replaceAll('.', '\\.')}\\); free space or choose another path with --dest\\. Committed batches are kept$`,
      ),
    )
  })
})
