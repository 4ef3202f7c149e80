/**
 * Record data in error bodies: a source that fails a table with a body holding a record's
 * email. At the default level the `table-failed` event and the run log carry the status and
 * the body's error fields only; with `--debug` (or LAKEFLOW_DEBUG=1) they also carry the body.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryFile } from '../../pipeline/test/support/harness.ts'
import { type ShopServer, seedShop, startShopServer } from '../../pipeline/test/support/shop-server.ts'
import { runCli, writeShopProject } from './support.ts'

const EMAIL = 'ana.record-holder@example.com'
const BODY = {
  message: 'Validation Failed',
  errors: [{ message: 'status is not allowed', code: 'invalid' }],
  record: { id: 7, email: EMAIL, name: 'Ana Record' },
}

let shop: ShopServer
let dir: string

beforeAll(async () => {
  shop = await startShopServer()
  seedShop(shop, 5)
  // Every users request fails with a 422 that echoes a record (422 is not retried).
  shop.fail(1_000_000, 422, /^\/users/, 0, BODY)
  dir = mkdtempSync(path.join(tmpdir(), 'lakeflow-error-body-'))
  writeShopProject(dir, shop.baseUrl, [{ table: { source_table: 'users' } }, { table: { source_table: 'events' } }])
})
afterAll(async () => {
  await shop.stop()
  rmSync(dir, { recursive: true, force: true })
})

/** Syncs (users fails); returns the output, the failed table's error and the run log. */
async function failingSync(dest: string, flags: string[], extraEnv: Record<string, string> = {}) {
  const result = await runCli(['sync', 'pipeline.yaml', '--dest', dest, '--json', ...flags], {
    cwd: dir,
    env: { SHOP_TOKEN: shop.token, ...extraEnv },
  })
  expect(result.code, result.stderr).toBe(1)
  const events = result.stdout
    .trim()
    .split('\n')
    .map(
      (line) => JSON.parse(line) as { type: string; report?: { sourceTable: string; error?: Record<string, unknown> } },
    )
  const failed = events.find((event) => event.type === 'table-failed')
  expect(failed?.report?.sourceTable).toBe('users')
  const runLog = (await queryFile(path.join(dir, dest), 'SELECT * FROM _lakeflow_runs')) as Record<string, unknown>[]
  expect(runLog).toHaveLength(1)
  return { stdout: result.stdout, stderr: result.stderr, error: failed!.report!.error!, runLog: JSON.stringify(runLog) }
}

describe('response bodies in errors', () => {
  it('at the default level, events and the run log keep the status and error fields, never the record', async () => {
    const { stdout, stderr, error, runLog } = await failingSync('default.duckdb', [])
    expect(error.message).toContain('(HTTP 422)')
    expect(error.message).toContain('"message":"Validation Failed"')
    expect(error.message).toContain('status is not allowed')
    expect(error.responseBody).toBeUndefined()
    for (const [where, text] of Object.entries({ stdout, stderr, runLog })) expect(text, where).not.toContain(EMAIL)
    expect(runLog).toContain('Validation Failed')
  })

  it('with --debug (or LAKEFLOW_DEBUG=1) they carry the body too', async () => {
    for (const [dest, flags, env] of [
      ['debug-flag.duckdb', ['--debug'], {}],
      ['debug-env.duckdb', [], { LAKEFLOW_DEBUG: '1' }],
    ] as const) {
      const { error, runLog } = await failingSync(dest, [...flags], env)
      expect(error.responseBody, dest).toContain(EMAIL)
      expect(runLog, dest).toContain(EMAIL)
      expect(error.message, dest).not.toContain(EMAIL)
    }
  })
})
