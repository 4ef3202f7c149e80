import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { type AddressInfo, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryFile } from '../../pipeline/test/support/harness.ts'
import { type ShopServer, seedShop, startShopServer } from '../../pipeline/test/support/shop-server.ts'
import { runCli, writeShopProject } from './support.ts'

let shop: ShopServer
let dir: string
let env: Record<string, string>
const objects = [
  { table: { source_table: 'products' } },
  { table: { source_table: 'users', table_configuration: { max_records_per_batch: 10 } } },
  { table: { source_table: 'orders' } },
  { table: { source_table: 'events' } },
]

beforeAll(async () => {
  shop = await startShopServer()
  seedShop(shop, 20)
  dir = mkdtempSync(path.join(tmpdir(), 'lakeflow-cli-'))
  writeShopProject(dir, shop.baseUrl, objects)
  env = { SHOP_TOKEN: shop.token }
})
afterAll(async () => {
  await shop.stop()
  rmSync(dir, { recursive: true, force: true })
})

const cli = (args: string[], extraEnv: Record<string, string> = env) => runCli(args, { cwd: dir, env: extraEnv })

describe('inspection commands', () => {
  it('tables, schema (json and ddl), metadata and read through a connection name', async () => {
    const tables = await cli(['tables', 'shop'])
    expect(tables).toMatchObject({ code: 0, stdout: 'products\nusers\norders\nevents\n' })
    const ddl = await cli(['schema', 'shop', 'users', '--format', 'ddl'])
    expect(ddl.stdout.trim()).toBe('id BIGINT NOT NULL,email STRING,name STRING,status STRING,updated_at TIMESTAMP')
    const json = JSON.parse((await cli(['schema', 'shop', 'products', '--json'])).stdout)
    expect(json.type).toBe('struct')
    expect(json.fields.map((field: { name: string }) => field.name)).toEqual([
      'id',
      'name',
      'price',
      'tags',
      'attributes',
      'dimensions',
      'image',
    ])
    const metadata = JSON.parse((await cli(['metadata', 'shop', 'orders'])).stdout)
    expect(metadata).toEqual({ primary_keys: ['id'], cursor_field: 'updated_at', ingestion_type: 'cdc_with_deletes' })

    const read = await cli(['read', 'shop', 'products', '--limit', '2'])
    expect(read.code).toBe(0)
    expect(
      read.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([
      {
        id: 1,
        name: 'product 1',
        price: '1.01',
        tags: ['t1', 't1'],
        attributes: { color: 'green', size: '1' },
        dimensions: { width: 1.5, height: 0.5 },
        image: Buffer.from('img-1').toString('base64'),
      },
      {
        id: 2,
        name: 'product 2',
        price: '2.02',
        tags: ['t2', 't2'],
        attributes: { color: 'blue', size: '2' },
        dimensions: { width: 3, height: 1 },
        image: Buffer.from('img-2').toString('base64'),
      },
    ])
    const users = await cli([
      'read',
      'shop',
      'users',
      '--offset',
      '{"cursor":"2024-01-01T00:00:40.000Z"}',
      '-t',
      'max_records_per_batch=2',
      '-t',
      'page_size=2',
    ])
    const lines = users.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(lines.map((line) => [line.id, line.updated_at])).toEqual([
      [15, '2024-01-01T00:00:43Z'],
      [16, '2024-01-01T00:00:46Z'],
    ])
    expect(users.stderr.trim()).toBe('lakeflow: 2 records; end offset {"cursor":"2024-01-01T00:00:46.000Z"}')
  })
})

describe('sync, state and summary', () => {
  it('syncs, prints a summary table and NDJSON logs, resumes incrementally, shows and resets state', async () => {
    const first = await cli(['sync', 'pipeline.yaml', '--dest', 'out.duckdb'])
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(/^Run [0-9a-f]{8} of pipeline into .*out\.duckdb: succeeded/)
    expect(first.stdout).toMatch(/main\.users\s+cdc\s+20\s+20\s+0\s+0\s+1\s/)
    expect(first.stdout).toMatch(/main\.orders\s+cdc_with_deletes\s+20\s+20/)
    const logs = first.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(logs[0]).toMatchObject({ type: 'run-started', pipeline: 'pipeline' })
    expect(logs.at(-1)).toMatchObject({ type: 'run-finished', report: { status: 'succeeded' } })
    expect(first.stdout + first.stderr).not.toContain(shop.token)

    shop.upsert('users', { id: 1, name: 'changed' })
    shop.remove('orders', 2)
    const second = await cli(['sync', 'pipeline.yaml', '--dest', 'out.duckdb', '--json'])
    expect(second.code).toBe(0)
    const finished = second.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .at(-1)
    expect(
      finished.report.tables.map((table: { updated: number; deleted: number }) => [table.updated, table.deleted]),
    ).toEqual([
      [0, 0],
      [1, 0],
      [0, 1],
      [0, 0],
    ])

    const state = await cli(['state', 'show', '--dest', 'out.duckdb'])
    expect(state.stdout).toMatch(/pipeline\s+main\.orders\s+deletes\s+1\s/)
    expect(state.stdout).toMatch(/pipeline\s+main\.users\s+upsert\s+2\s.*"cursor"/)
    const reset = await cli(['state', 'reset', '--dest', 'out.duckdb', '--pipeline', 'pipeline', '--table', 'events'])
    expect(reset.stdout.trim().split('\n')).toEqual([
      'Reset 1 state entry of pipeline pipeline (1 table):',
      '  main.events (append): the next sync re-reads it from the start and appends: rows will duplicate; use lakeflow sync --full-refresh --table events instead',
    ])
    const third = await cli(['sync', 'pipeline.yaml', '--dest', 'out.duckdb', '--json'])
    const events = JSON.parse(third.stdout.trim().split('\n').at(-1)!).report.tables[3]
    expect(events).toMatchObject({ sourceTable: 'events', rows: 20, inserted: 20 })
    expect(await queryFile(path.join(dir, 'out.duckdb'), 'SELECT count(*)::INT AS n FROM events')).toEqual([{ n: 40 }])
  })

  it('lands NDJSON files for Auto Loader with --dest-type files', async () => {
    shop.remove('orders', 3)
    const result = await cli(['sync', 'pipeline.yaml', '--dest-type', 'files', '--dest', 'landing'])
    expect(result.code).toBe(0)
    const state = JSON.parse(readFileSync(path.join(dir, 'landing', '_lakeflow_state.json'), 'utf8'))
    expect(Object.keys(state.entries).sort()).toEqual([
      'pipeline|main.events|append',
      'pipeline|main.orders|deletes',
      'pipeline|main.orders|upsert',
      'pipeline|main.products|snapshot',
      'pipeline|main.users|upsert',
    ])
    const users = readFileSync(
      path.join(dir, 'landing', 'users', readdir(path.join(dir, 'landing', 'users'))[0]!),
      'utf8',
    )
    expect(JSON.parse(users.split('\n')[0]!)).toMatchObject({
      id: expect.any(Number),
      updated_at: expect.stringMatching(/Z$/),
    })
  })
})

/** A port nothing listens on (bound, then released). */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

function readdir(directory: string): string[] {
  return readdirSync(directory)
    .filter((name) => name.startsWith('batch-'))
    .sort()
}

describe('bad input: one line naming the problem and the fix, non-zero exit, nothing written', () => {
  const cases: [string, string[], Record<string, string> | undefined, number, RegExp][] = [
    ['unknown command', ['synk'], undefined, 2, /^lakeflow: unknown command "synk"; commands: tables, schema/],
    [
      'unknown connector',
      ['tables', 'nope'],
      undefined,
      2,
      /^lakeflow: Unknown connector "nope": package @lakeflow\/connector-nope is not installed in .*, its workspace or next to the runner\. Known connectors: example\. Install it with `pnpm add @lakeflow\/connector-nope`, or name a connection from lakeflow\.connections\.yaml$/,
    ],
    [
      'unknown table',
      ['schema', 'shop', 'nope'],
      undefined,
      2,
      /^lakeflow: Connector "shop" has no table named "nope"; known tables: products, users, orders, events$/,
    ],
    [
      'missing option',
      ['tables', 'shop'],
      {},
      2,
      /^lakeflow: Invalid connection .*lakeflow\.connections\.yaml connections\.shop: options\.token: environment variable SHOP_TOKEN is not set; export it or set the option another way$/,
    ],
    [
      'bad flag value',
      ['tables', 'shop', '--option', 'novalue'],
      undefined,
      2,
      /^lakeflow: --option expects key=value, got "novalue"$/,
    ],
    [
      'unknown flag',
      ['read', 'shop', 'users', '--offest', '{}'],
      undefined,
      2,
      /^lakeflow: read: unknown option '--offest'; see lakeflow read --help$/,
    ],
    [
      'bad offset',
      ['read', 'shop', 'users', '--offset', 'cursor=1'],
      undefined,
      2,
      /^lakeflow: --offset expects a JSON object/,
    ],
  ]
  for (const [name, args, extraEnv, code, message] of cases) {
    it(name, async () => {
      const result = await cli(args, extraEnv ?? env)
      expect(result.code).toBe(code)
      expect(result.stderr.trim().split('\n')).toHaveLength(1)
      expect(result.stderr.trim()).toMatch(message)
    })
  }

  it('malformed spec, unknown table in a spec, unreachable source, unwritable or locked destination', async () => {
    writeFileSync(
      path.join(dir, 'bad.yaml'),
      'connection_name: shop\nobjects:\n  - table:\n      source_table: users\n      table_configuration: { scd_type: scd3 }\n',
    )
    const bad = await cli(['sync', 'bad.yaml', '--dest', 'bad.duckdb'])
    expect([bad.code, bad.stderr.trim()]).toEqual([
      2,
      'lakeflow: Invalid pipeline spec bad.yaml: objects[0].table.table_configuration.scd_type: expected one of SCD_TYPE_1, SCD_TYPE_2, APPEND_ONLY, got "scd3"',
    ])
    writeFileSync(
      path.join(dir, 'unknown.yaml'),
      JSON.stringify({ connection_name: 'shop', objects: [{ table: { source_table: 'nope' } }] }),
    )
    const unknown = await cli(['sync', 'unknown.yaml', '--dest', 'bad.duckdb'])
    expect([unknown.code, unknown.stderr.trim()]).toEqual([
      2,
      'lakeflow: Connector "shop" has no table named "nope"; known tables: products, users, orders, events',
    ])

    const closedPort = await freePort()
    const unreachable = await cli([
      'sync',
      'pipeline.yaml',
      '--dest',
      'bad.duckdb',
      '-o',
      `base_url=http://127.0.0.1:${closedPort}`,
      '-o',
      'retry_limit=1',
    ])
    expect(unreachable.code).toBe(3)
    expect(unreachable.stderr.trim().split('\n').at(-1)).toMatch(
      new RegExp(
        `^lakeflow: the source failed for every table; products: Network error before the response headers \\(.*\\): GET http://127\\.0\\.0\\.1:${closedPort}/products\\?page=1&limit=10$`,
      ),
    )
    // the destination is kept (a runner never deletes one), with the failed run in its log
    expect(await queryFile(path.join(dir, 'bad.duckdb'), 'SELECT status FROM _lakeflow_runs')).toEqual([
      { status: 'failed' },
    ])

    const unwritable = await cli(['sync', 'pipeline.yaml', '--dest', 'no/such/dir/x.duckdb'])
    expect([unwritable.code, unwritable.stderr.trim()]).toEqual([
      4,
      `lakeflow: Cannot open destination ${path.join(dir, 'no/such/dir/x.duckdb')}: its directory does not exist; create the directory or choose another path with --dest`,
    ])

    const lockedFile = path.join(dir, 'locked.duckdb')
    const holder = await DuckDBInstance.create(lockedFile)
    try {
      const locked = await cli(['sync', 'pipeline.yaml', '--dest', 'locked.duckdb'])
      expect(locked.code).toBe(4)
      expect(locked.stderr.trim()).toMatch(
        new RegExp(
          `^lakeflow: Destination ${lockedFile.replaceAll('.', '\\.')} is locked by another process \\(PID ${process.pid}\\); wait for that sync to finish, or write to another file with --dest$`,
        ),
      )
    } finally {
      holder.closeSync()
    }
  })

  it('a failing table exits 1 with the report; the others are committed', async () => {
    shop.fail(10, 500, /^\/events$/)
    const result = await cli(['sync', 'pipeline.yaml', '--dest', 'partial.duckdb', '-o', 'retry_limit=2'])
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/main\.events\s+append\s+0\s+0\s+0\s+0\s+0\s+\S+ \S+\s+FAILED/)
    expect(result.stdout).toMatch(
      /events: Source API returned an error status \(HTTP 500\) after 2 attempts: GET http:\/\/127\.0\.0\.1:\d+\/events\?after=0&limit=10/,
    )
    expect(await queryFile(path.join(dir, 'partial.duckdb'), 'SELECT count(*)::INT AS n FROM users')).toEqual([
      { n: 20 },
    ])
    shop.fail(0, 500)
  })
})

describe('lakeflow new', () => {
  it('scaffolds a connector from the template through the repository script', async () => {
    const repository = path.resolve(import.meta.dirname, '../../..')
    const target = path.join(dir, 'new-connectors')
    const result = await runCli(['new', 'acme-demo', '--dir', target, '--description', 'A demo source'], {
      cwd: repository,
    })
    expect(result.code).toBe(0)
    expect(JSON.parse(readFileSync(path.join(target, 'acme-demo', 'package.json'), 'utf8')).name).toBe(
      '@lakeflow/connector-acme-demo',
    )
    const outside = await runCli(['new', 'acme-demo'], { cwd: dir })
    expect(outside.code).toBe(2)
    expect(outside.stderr.trim()).toBe(
      'lakeflow: lakeflow new runs inside a lakeflow-connectors checkout (it needs tooling/connector-template and scripts/new-connector); cd into one and retry',
    )
  })
})
