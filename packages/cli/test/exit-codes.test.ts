import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryFile, runSql } from '../../pipeline/test/support/harness.ts'
import { type ShopServer, seedShop, startShopServer } from '../../pipeline/test/support/shop-server.ts'
import { runCli, writeShopProject } from './support.ts'

// Exit codes and one-line messages of the real `lakeflow` process for inputs that used to end
// in the wrong code, a raw error or silent data loss.

let shop: ShopServer
let dir: string
let env: Record<string, string>
const objects = [
  { table: { source_table: 'users', table_configuration: { max_records_per_batch: 10 } } },
  { table: { source_table: 'events' } },
]

beforeAll(async () => {
  shop = await startShopServer()
  seedShop(shop, 30)
  dir = mkdtempSync(path.join(tmpdir(), 'lakeflow-exit-'))
  writeShopProject(dir, shop.baseUrl, objects)
  env = { SHOP_TOKEN: shop.token }
})
afterAll(async () => {
  await shop.stop()
  rmSync(dir, { recursive: true, force: true })
})

const cli = (args: string[]) => runCli(args, { cwd: dir, env })
const lastLine = (text: string) => text.trim().split('\n').at(-1)
const sync = (dest: string, ...extra: string[]) => cli(['sync', 'pipeline.yaml', '--dest', dest, ...extra])

describe('destinations that are not usable exit 4, naming the file, and are left alone', () => {
  it('a JSON file given as --dest is refused (DuckDB would attach it in memory and keep nothing)', async () => {
    const file = path.join(dir, 'out.json')
    writeFileSync(file, '{"keep":"me"}\n')
    const result = await sync('out.json')
    expect(result.code).toBe(4)
    expect(result.stderr.trim()).toBe(
      `lakeflow: Destination ${file} is not a DuckDB database: it appears to be a JSON file (14 bytes); it was left unchanged. Choose another path with --dest (a new file is created)`,
    )
    expect(readFileSync(file, 'utf8')).toBe('{"keep":"me"}\n')
    expect(existsSync(`${file}.wal`)).toBe(false)
  })

  it('a truncated DuckDB file', async () => {
    await sync('whole.duckdb')
    const file = path.join(dir, 'truncated.duckdb')
    copyFileSync(path.join(dir, 'whole.duckdb'), file)
    truncateSync(file, readFileSync(file).length - 50_000)
    const result = await sync('truncated.duckdb')
    expect(result.code).toBe(4)
    expect(result.stderr.trim()).toMatch(
      new RegExp(
        `^lakeflow: Destination ${file.replaceAll('.', '\\.')} is a damaged DuckDB database: it is \\d+ bytes`,
      ),
    )
  })

  it('a corrupt saved offset names the table, its saved state and how to reset it; state show still works', async () => {
    const file = path.join(dir, 'corrupt.duckdb')
    await sync('corrupt.duckdb')
    await runSql(file, `UPDATE _lakeflow_state SET offset_json = 'oops{' WHERE table_name = 'main.users'`)
    const result = await sync('corrupt.duckdb')
    expect(result.code).toBe(4)
    expect(lastLine(result.stderr)).toBe(
      `lakeflow: the destination failed for table users: The saved offset of table main.users (pipeline pipeline, upsert flow) in ${file} is not an offset: "oops{". Reset it with lakeflow state reset --dest ${file} --pipeline pipeline --table main.users (the next sync reads the table from the start), or rebuild the table with lakeflow sync --full-refresh --table users`,
    )
    const show = await cli(['state', 'show', '--dest', 'corrupt.duckdb'])
    expect(show.code).toBe(0)
    expect(show.stdout).toMatch(/main\.users\s+upsert\s+\d+\s+\S+ \S+\s+UNREADABLE: "oops\{"/)
    const reset = await cli(['state', 'reset', '--dest', file, '--pipeline', 'pipeline', '--table', 'main.users'])
    expect(reset.code).toBe(0)
    expect((await sync('corrupt.duckdb')).code).toBe(0)
  })
})

describe('flags', () => {
  const cases: [string, string[], RegExp][] = [
    [
      '--memory-limit lots',
      ['--memory-limit', 'lots'],
      /^lakeflow: --memory-limit expects a size such as 128MB, 512MiB or 2GB, got "lots"$/,
    ],
    [
      '--memory-limit 1KB',
      ['--memory-limit', '1KB'],
      /^lakeflow: --memory-limit must be at least 64MB \(DuckDB's JSON reader alone needs two 32 MiB buffers per batch\), got "1KB"$/,
    ],
    [
      '--concurrency 1e308',
      ['--concurrency', '1e308'],
      /^lakeflow: --concurrency expects a whole number from 1 to 64, got "1e308"$/,
    ],
    [
      '--max-calls 0',
      ['--max-calls', '0'],
      /^lakeflow: --max-calls expects a whole number from 1 to 1,000,000,000, got "0"$/,
    ],
    [
      '--group-commit-rows 2.5',
      ['--group-commit-rows', '2.5'],
      /^lakeflow: --group-commit-rows expects a whole number/,
    ],
    ['--table without --full-refresh', ['--table', 'users'], /^lakeflow: --table names the tables of --full-refresh/],
    [
      '--full-refresh --table evnts',
      ['--full-refresh', '--table', 'evnts'],
      /^lakeflow: Cannot refresh table "evnts": the pipeline has no such table; did you mean "events"\? Its tables: users, events$/,
    ],
  ]
  for (const [name, flags, message] of cases) {
    it(`${name}: exit 2 naming the flag, nothing written`, async () => {
      const result = await sync(`flags-${flags.join('')}.duckdb`, ...flags)
      expect([result.code, result.stderr.trim().split('\n').length]).toEqual([2, 1])
      expect(result.stderr.trim()).toMatch(message)
      expect(existsSync(path.join(dir, `flags-${flags.join('')}.duckdb`))).toBe(false)
    })
  }

  it('read --limit takes the same checks', async () => {
    const result = await cli(['read', 'shop', 'users', '--limit', '0x10'])
    expect([result.code, result.stderr.trim()]).toEqual([
      2,
      'lakeflow: --limit expects a whole number from 1 to 9,007,199,254,740,991, got "0x10"',
    ])
  })
})

describe('runs', () => {
  it('the source unreachable for every table exits 3, also into an existing destination', async () => {
    await sync('existing.duckdb')
    const result = await sync('existing.duckdb', '-o', 'base_url=http://127.0.0.1:9', '-o', 'retry_limit=1')
    expect(result.code).toBe(3)
    expect(lastLine(result.stderr)).toMatch(/^lakeflow: the source failed for every table; users: Network error/)
  })

  it('--max-calls: finished calls are committed, a warning, exit 0, the file kept; the next run continues', async () => {
    const first = await sync('capped.duckdb', '--max-calls', '1', '--group-commit-rows', '100')
    expect(first.code).toBe(0)
    expect(first.stderr).toContain(
      '"table":"users","message":"the upsert read stopped after 1 read calls (the cap, --max-calls); the calls read are kept, and the next sync continues from there"',
    )
    expect(first.stdout).toMatch(/main\.users\s+cdc\s+10\s+10\s.*ok, continues next run/)
    expect(first.stdout).toContain('Warnings:\n  users: the upsert read stopped after 1 read calls')
    const file = path.join(dir, 'capped.duckdb')
    expect(await queryFile(file, 'SELECT count(*)::INT AS n FROM users')).toEqual([{ n: 10 }])
    expect((await sync('capped.duckdb', '--max-calls', '1', '--group-commit-rows', '100')).code).toBe(0)
    expect(await queryFile(file, 'SELECT count(*)::INT AS n FROM users')).toEqual([{ n: 20 }])
  })
})

describe('state reset', () => {
  it('an unknown pipeline or table exits 2 with a did-you-mean; a reset says what the next sync does', async () => {
    await sync('reset.duckdb')
    const pipeline = await cli(['state', 'reset', '--dest', 'reset.duckdb', '--pipeline', 'pipelin'])
    expect([pipeline.code, pipeline.stderr.trim()]).toEqual([
      2,
      `lakeflow: No pipeline named "pipelin" in ${path.join(dir, 'reset.duckdb')}; did you mean "pipeline"? Pipelines there: pipeline (see lakeflow state show)`,
    ])
    const table = await cli(['state', 'reset', '--dest', 'reset.duckdb', '--pipeline', 'pipeline', '--table', 'user'])
    expect([table.code, table.stderr.trim()]).toEqual([
      2,
      `lakeflow: Pipeline pipeline has no table "user" in ${path.join(dir, 'reset.duckdb')}; did you mean "users"? Its tables: events, users`,
    ])
    const all = await cli(['state', 'reset', '--dest', 'reset.duckdb', '--pipeline', 'pipeline'])
    expect(all.stdout.trim().split('\n')).toEqual([
      'Reset 2 state entries of pipeline pipeline (2 tables):',
      '  main.events (append): the next sync re-reads it from the start and appends: rows will duplicate; use lakeflow sync --full-refresh --table events instead',
      '  main.users (cdc): the next sync re-reads its changes from the start and applies them by primary key (no duplicates; it takes as long as the first sync)',
    ])
  })

  it('sync --full-refresh --table events rebuilds the append table instead of duplicating it', async () => {
    await sync('refresh.duckdb')
    const result = await sync('refresh.duckdb', '--full-refresh', '--table', 'events')
    expect(result.code).toBe(0)
    const file = path.join(dir, 'refresh.duckdb')
    expect(await queryFile(file, 'SELECT count(*)::INT AS n FROM events')).toEqual([{ n: 30 }])
  })
})
