import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryFile } from '../../pipeline/test/support/harness.ts'
import { type ShopServer, seedShop, startShopServer } from '../../pipeline/test/support/shop-server.ts'
import { CLI_ARGS, type CliResult, pipeWithoutReader, runCli, startCli, writeShopProject } from './support.ts'

// Signals and closed pipes on the real `lakeflow` process, and a snapshot killed midway. Kill
// points come from events the child reported (a committed or staged batch), never from time.

let shop: ShopServer
let dir: string
let env: Record<string, string>
const users = { table: { source_table: 'users', table_configuration: { max_records_per_batch: 8, page_size: 4 } } }
const products = { table: { source_table: 'products', table_configuration: { records_per_call: 8, page_size: 4 } } }

beforeAll(async () => {
  shop = await startShopServer()
  seedShop(shop, 150)
  dir = mkdtempSync(path.join(tmpdir(), 'lakeflow-signals-'))
  env = { SHOP_TOKEN: shop.token }
})
afterAll(async () => {
  await shop.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('signals', () => {
  it('SIGTERM is handled like Ctrl-C: committed batches kept, a message, exit 143; a rerun completes', async () => {
    const cwd = mkdtempSync(path.join(dir, 'term-'))
    writeShopProject(cwd, shop.baseUrl, [users])
    const args = ['sync', 'pipeline.yaml', '--json', '--group-commit-rows', '1']
    expect((await runCli([...args, '--dest', 'reference.duckdb'], { cwd, env })).code).toBe(0)
    shop.setDelay(20)
    try {
      const run = startCli([...args, '--dest', 'term.duckdb'], { cwd, env })
      await run.until(/"type":"batch-committed"/)
      run.child.kill('SIGTERM')
      const result = await run.done
      expect([result.code, result.signal]).toEqual([143, null])
      expect(result.stderr).toContain('lakeflow: terminated; committed batches are kept, rerun to resume')
      const committed = await queryFile(path.join(cwd, 'term.duckdb'), 'SELECT count(*)::INT AS n FROM users')
      expect(committed[0]!.n).toBeGreaterThanOrEqual(8)
    } finally {
      shop.setDelay(0)
    }
    expect((await runCli([...args, '--dest', 'term.duckdb'], { cwd, env })).code).toBe(0)
    const dump = (file: string) => queryFile(path.join(cwd, file), 'SELECT * FROM users ORDER BY id')
    expect(await dump('term.duckdb')).toEqual(await dump('reference.duckdb'))
  })

  it('a snapshot killed midway resumes at its last staged call; the visible table never showed part of it', async () => {
    const cwd = mkdtempSync(path.join(dir, 'snapshot-'))
    writeShopProject(cwd, shop.baseUrl, [products])
    const args = ['sync', 'pipeline.yaml', '--json', '--group-commit-rows', '1']
    const visible = 'SELECT * FROM products ORDER BY id'
    const file = path.join(cwd, 'snap.duckdb')
    expect((await runCli([...args, '--dest', 'snap.duckdb'], { cwd, env })).code).toBe(0)
    const old = await queryFile(file, visible)
    shop.remove('products', 1)
    shop.upsert('products', { id: 20, name: 'renamed' })
    shop.upsert('products', { ...shop.tables.products.get(5)!, id: 151, name: 'new product' })
    expect((await runCli([...args, '--dest', 'reference.duckdb'], { cwd, env })).code).toBe(0)

    shop.setDelay(20)
    let killed: CliResult
    try {
      const run = startCli([...args, '--dest', 'snap.duckdb'], { cwd, env })
      await run.until(/"staged":true/)
      run.child.kill('SIGKILL')
      killed = await run.done
    } finally {
      shop.setDelay(0)
    }
    expect(killed.signal).toBe('SIGKILL')
    expect(await queryFile(file, visible)).toEqual(old)
    const [progress] = await queryFile(file, `SELECT offset_json FROM _lakeflow_state WHERE flow = 'snapshot'`)
    const staged = JSON.parse(String(progress!.offset_json)) as { after_id: number }
    expect(staged.after_id).toBeGreaterThan(0)
    const [rows] = await queryFile(file, 'SELECT count(*)::INT AS n FROM _lakeflow_snapshot__products')
    expect(rows!.n).toBeGreaterThanOrEqual(8)

    shop.requests.length = 0
    expect((await runCli([...args, '--dest', 'snap.duckdb'], { cwd, env })).code).toBe(0)
    expect(shop.requests.find((request) => request.path === '/products')!.query).toBe(
      `?after_id=${staged.after_id}&limit=4`,
    )
    expect(await queryFile(file, visible)).toEqual(await queryFile(path.join(cwd, 'reference.duckdb'), visible))
  })
})

describe('closed pipes', () => {
  it('lakeflow read … | head -1 prints one record and exits 0, quietly', async () => {
    const cwd = mkdtempSync(path.join(dir, 'head-'))
    writeShopProject(cwd, shop.baseUrl, [users])
    // 150 products of ~250 bytes: more than a pipe holds, so the CLI is still writing when head exits
    const script = `"$0" "$@" | head -1; echo "lakeflow exit: \${PIPESTATUS[0]}" >&2`
    const child = spawn('bash', ['-c', script, process.execPath, ...CLI_ARGS, 'read', 'shop', 'products'], {
      cwd,
      env: { ...process.env, ...env },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    const code = await new Promise((resolve) => child.on('close', resolve))
    expect(code).toBe(0)
    expect(stdout.trim().split('\n')).toHaveLength(1)
    expect(JSON.parse(stdout)).toMatchObject({ id: expect.any(Number), name: expect.any(String) })
    expect(stderr.trim()).toBe('lakeflow exit: 0')
  })

  it('lakeflow state show --json into a pipe whose reader is gone exits 0 without a stack trace', async () => {
    const cwd = mkdtempSync(path.join(dir, 'state-'))
    writeShopProject(cwd, shop.baseUrl, [users])
    expect((await runCli(['sync', 'pipeline.yaml', '--dest', 'out.duckdb'], { cwd, env })).code).toBe(0)
    const pipe = pipeWithoutReader(cwd)
    try {
      const result = await startCli(['state', 'show', '--json', '--dest', 'out.duckdb'], { cwd, env, stdout: pipe.fd })
        .done
      expect([result.code, result.stderr]).toEqual([0, ''])
    } finally {
      pipe.close()
    }
  })
})
