// Upstream compatibility through the CLI: connector names resolve the same way in every form
// (workspace connectors by name from this checkout), and a pipeline spec in the Python
// connectors' style, one table_configuration for every table, syncs.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { DuckDBInstance } from '@duckdb/node-api'
import { createSimulator, type Simulator } from '@lakeflow/simulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './support.ts'

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const GITHUB_DIR = path.join(REPO_ROOT, 'connectors', 'github')
const TOKEN = 'ghp_cliCompatCanaryToken0123456789abcdef'
const GITHUB_TABLES = [
  'issues',
  'repositories',
  'pull_requests',
  'comments',
  'commits',
  'assignees',
  'branches',
  'collaborators',
  'organizations',
  'teams',
  'users',
  'reviews',
  'issue_events',
]

describe('connector names, every form, from the repository root', () => {
  it.each([
    ['the short name', 'github'],
    ['connector-x', 'connector-github'],
    ['the package name', '@lakeflow/connector-github'],
    ['a package directory', './connectors/github'],
    ['a package directory without ./', 'connectors/github'],
    ['a module file', 'connectors/github/src/index.ts'],
  ])('%s: lakeflow tables %s', async (_label, name) => {
    const result = await runCli(['tables', name, '-o', `token=${TOKEN}`], { cwd: REPO_ROOT })
    expect(result.stderr).toBe('')
    expect(result).toMatchObject({ code: 0, stdout: `${GITHUB_TABLES.join('\n')}\n` })
  })

  it('an unknown name exits 2 naming the package and the closest connector', async () => {
    const result = await runCli(['tables', 'githb'], { cwd: path.join(REPO_ROOT, 'packages') })
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    // Every connector of the workspace is listed, in name order.
    const known = readdirSync(path.join(REPO_ROOT, 'connectors')).sort().join(', ')
    expect(result.stderr).toBe(
      `lakeflow: Unknown connector "githb": package @lakeflow/connector-githb is not installed in ${path.join(REPO_ROOT, 'packages')}, its workspace or next to the runner; did you mean "github"? Known connectors: ${known}. Install it with \`pnpm add @lakeflow/connector-githb\`, or name a connection from lakeflow.connections.yaml\n`,
    )
  })
})

describe('a pipeline spec giving every table the same table_configuration', () => {
  let simulator: Simulator
  let dir: string

  beforeAll(async () => {
    simulator = createSimulator({
      spec: path.join(GITHUB_DIR, 'simulator', 'endpoints.yaml'),
      corpus: path.join(GITHUB_DIR, 'simulator', 'corpus'),
      now: new Date().toISOString(),
    })
    const baseUrl = await simulator.start()
    dir = mkdtempSync(path.join(tmpdir(), 'lakeflow-compat-'))
    writeFileSync(
      path.join(dir, 'lakeflow.connections.yaml'),
      `connections:\n  gh:\n    connector: ${GITHUB_DIR}\n    options:\n      token: ${TOKEN}\n      base_url: ${baseUrl}\n      max_requests_per_second: 1000\n`,
    )
  })

  afterAll(async () => {
    await simulator?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  const spec = (configuration: Record<string, string>) =>
    JSON.stringify({
      connection_name: 'gh',
      objects: GITHUB_TABLES.map((table) => ({
        table: { source_table: table, destination_schema: 'github', table_configuration: configuration },
      })),
    })

  it('syncs every table; each ignores the keys it does not take, noted once at debug level', async () => {
    writeFileSync(
      path.join(dir, 'upstream.json'),
      spec({ owner: 'octo-org', repo: 'hello-world', start_date: '2024-01-01', scd_type: 'SCD_TYPE_1' }),
    )
    const result = await runCli(['sync', 'upstream.json', '--dest', 'out.duckdb', '--json'], {
      cwd: dir,
      env: { LAKEFLOW_DEBUG: '1' },
    })
    expect(result.code, result.stderr).toBe(0)
    const report = JSON.parse(result.stdout.trim().split('\n').at(-1)!).report
    expect(
      report.tables.map((table: { sourceTable: string; status: string }) => [table.sourceTable, table.status]),
    ).toEqual(GITHUB_TABLES.map((table) => [table, 'succeeded']))
    const notes = result.stderr.split('\n').filter((line) => line.includes(' ignores option '))
    for (const expected of [
      'table branches of connector github ignores option "start_date" (another table of the connector takes it)',
      'table repositories of connector github ignores option "repo" (another table of the connector takes it)',
      'table users of connector github ignores option "owner" (another table of the connector takes it)',
    ]) {
      expect(notes.filter((line) => line === `lakeflow debug: ${expected}`)).toHaveLength(1)
    }
    // The pipeline consumes scd_type itself: no table ever sees it.
    expect(notes.filter((line) => line.includes('scd_type'))).toEqual([])
    const instance = await DuckDBInstance.create(path.join(dir, 'out.duckdb'), { access_mode: 'READ_ONLY' })
    const connection = await instance.connect()
    const counts = await connection.runAndReadAll(
      'SELECT (SELECT count(*) FROM github.branches), (SELECT count(*) FROM github.repositories), (SELECT count(*) FROM github.issues)',
    )
    connection.closeSync()
    instance.closeSync()
    const [branches, repositories, issues] = counts.getRows()[0]!.map(Number)
    expect(branches).toBeGreaterThan(0)
    expect(repositories).toBeGreaterThan(0)
    expect(issues).toBeGreaterThan(0)
  })

  it('a key no table takes fails that table, suggesting the key meant', async () => {
    writeFileSync(
      path.join(dir, 'typo.json'),
      spec({ owner: 'octo-org', repo: 'hello-world', start_dat: '2024-01-01' }),
    )
    const result = await runCli(['sync', 'typo.json', '--dest', 'typo.duckdb', '--json'], { cwd: dir })
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(
      /Invalid option "start_dat" for table issues of connector github: unknown option, no table of connector github takes it; did you mean "start_date"\?/,
    )
  })
})
