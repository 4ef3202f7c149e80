// bench/faults: how many runs of the real `lakeflow sync` each example table needs to
// complete through a proxy that injects transient faults, and whether the data then equals
// a clean run's.
//
// The example connector's simulator runs as its own process, over a copy of its corpus with
// every record repeated --scale times (new keys, cursors a millisecond apart), so a table
// spans about a hundred pages or more. A fault-injecting proxy process (fault-proxy.ts) sits
// in front of it. First every table is synced straight from the simulator (the clean run);
// then each table, on its own, through the proxy, rerun until a run exits 0 (at most
// --max-runs); then the two destinations are compared row for row.
//
//   node --conditions=@lakeflow/source bench/faults/faults.bench.ts [--rate 0.2] [--seed 1]
//        [--scale 50] [--max-runs 8] [--tables products,users,...] [--keep]
//
// The proxy alone, in front of any source:
//
//   node --conditions=@lakeflow/source bench/faults/faults.bench.ts --role proxy --target <URL>
//        [--rate 0.2] [--seed 1] [--port 0] [--retry-after 1]
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { DuckDbDestination } from '../../packages/pipeline/src/index.ts'
import { loadSpec, spawnSimulator } from '../../packages/simulator/src/index.ts'
import { serveFaultProxy } from './fault-proxy.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '../..')
const EXAMPLE = path.join(root, 'connectors/example')
const NODE_FLAGS = ['--conditions=@lakeflow/source', '--no-warnings=ExperimentalWarning']
const ALL_TABLES = ['products', 'users', 'orders', 'events', 'metrics', 'readings']

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '0.2' },
    seed: { type: 'string', default: '1' },
    scale: { type: 'string', default: '50' },
    'max-runs': { type: 'string', default: '8' },
    tables: { type: 'string', default: ALL_TABLES.join(',') },
    keep: { type: 'boolean', default: false },
    role: { type: 'string', default: 'bench' },
    target: { type: 'string' },
    port: { type: 'string', default: '0' },
    'retry-after': { type: 'string', default: '1' },
  },
})
const tables = values.tables.split(',')
const maxRuns = Number(values['max-runs'])

/** Writes the example corpus with every record repeated `scale` times under new keys. */
function scaledCorpus(target: string, scale: number): void {
  const { spec } = loadSpec(path.join(EXAMPLE, 'simulator/endpoints.yaml'))
  mkdirSync(target, { recursive: true })
  for (const file of readdirSync(path.join(EXAMPLE, 'simulator/corpus'))) {
    const records = JSON.parse(readFileSync(path.join(EXAMPLE, 'simulator/corpus', file), 'utf8')) as Record<
      string,
      unknown
    >[]
    const corpus = spec.corpora?.[file.replace(/(\.tombstones)?\.json$/, '')]
    if (file.endsWith('.tombstones.json') || !corpus || !Array.isArray(records)) {
      writeFileSync(path.join(target, file), JSON.stringify(records))
      continue
    }
    const [key] = corpus.primary_key
    const cursor = corpus.cursor_field
    const out: Record<string, unknown>[] = []
    for (let copy = 0; copy < scale; copy++) {
      for (const record of records) {
        const clone: Record<string, unknown> = { ...record }
        if (copy > 0 && key) {
          const value = record[key]
          clone[key] = typeof value === 'number' ? value + copy * 1_000_000 : `${String(value)}-${copy}`
        }
        if (copy > 0 && cursor && typeof record[cursor] === 'string') {
          clone[cursor] = new Date(Date.parse(record[cursor] as string) + copy).toISOString()
        }
        out.push(clone)
      }
    }
    writeFileSync(path.join(target, file), JSON.stringify(out))
  }
}

/** Starts the fault proxy process; resolves with its URL, and a stop that returns its counts. */
async function startProxy(targetUrl: string): Promise<{ url: string; stop: () => Promise<string> }> {
  const child = spawn(
    process.execPath,
    [
      ...NODE_FLAGS,
      fileURLToPath(import.meta.url),
      '--role',
      'proxy',
      '--target',
      targetUrl,
      '--rate',
      values.rate,
      '--seed',
      values.seed,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  let output = ''
  child.stdout.on('data', (chunk) => {
    output += chunk
  })
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const line = output.split('\n')[0]
      if (output.includes('\n') && line) resolve(line)
    })
    child.once('exit', (code) => reject(new Error(`fault proxy exited with ${code}`)))
  })
  return {
    url,
    stop: async () => {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.kill('SIGTERM')
      await exited
      return output.split('\n')[1] ?? ''
    },
  }
}

/** Runs `lakeflow sync` from source; resolves with its exit code and the failed tables' messages. */
function sync(
  dir: string,
  spec: string,
  dest: string,
): Promise<{ code: number | null; failures: string[]; stderr: string }> {
  const child: ChildProcess = spawn(
    process.execPath,
    [...NODE_FLAGS, path.join(root, 'packages/cli/src/bin.ts'), 'sync', spec, '--dest', dest, '--json'],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let stdout = ''
  child.stdout!.on('data', (chunk) => {
    stdout += chunk
  })
  let stderr = ''
  child.stderr!.on('data', (chunk) => {
    stderr += chunk
  })
  return new Promise((resolve) =>
    child.once('close', (code) => {
      const failures = stdout
        .split('\n')
        .filter((line) => line.includes('"table-failed"'))
        .map((line) => (JSON.parse(line) as { report: { error?: { message: string } } }).report.error?.message ?? '')
      resolve({ code, failures, stderr })
    }),
  )
}

function writeProject(dir: string, baseUrl: string, table?: string): string {
  writeFileSync(
    path.join(dir, 'lakeflow.connections.yaml'),
    `connections:\n  example:\n    connector: ${path.join(EXAMPLE, 'src/index.ts')}\n    options:\n      base_url: ${baseUrl}\n      username: bench\n      password: bench-password\n`,
  )
  const name = table ? `${table}.json` : 'all.json'
  const objects = (table ? [table] : tables).map((source) => ({ table: { source_table: source } }))
  writeFileSync(path.join(dir, name), JSON.stringify({ connection_name: 'example', objects }))
  return name
}

async function rows(file: string, table: string): Promise<string> {
  const destination = new DuckDbDestination({ file })
  await destination.open()
  try {
    return JSON.stringify(await destination.query(`SELECT * FROM ${table} ORDER BY ALL`))
  } finally {
    await destination.close()
  }
}

async function bench(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'lakeflow-faults-'))
  const simulator = await (async () => {
    scaledCorpus(path.join(work, 'corpus'), Number(values.scale))
    return spawnSimulator({
      spec: path.join(EXAMPLE, 'simulator/endpoints.yaml'),
      corpus: path.join(work, 'corpus'),
      now: new Date().toISOString(),
    })
  })()
  let proxy: Awaited<ReturnType<typeof startProxy>> | undefined
  try {
    const cleanDir = path.join(work, 'clean')
    const faultDir = path.join(work, 'faults')
    mkdirSync(cleanDir)
    mkdirSync(faultDir)
    const started = performance.now()
    const clean = await sync(cleanDir, writeProject(cleanDir, simulator.baseUrl), 'clean.duckdb')
    if (clean.code !== 0) throw new Error(`the clean run failed (exit ${clean.code}): ${clean.failures.join('; ')}`)
    proxy = await startProxy(simulator.baseUrl)
    const results: { table: string; runs: number | undefined; codes: (number | null)[]; equal: boolean | undefined }[] =
      []
    for (const table of tables) {
      const spec = writeProject(faultDir, proxy.url, table)
      const codes: (number | null)[] = []
      let runs: number | undefined
      for (let run = 1; run <= maxRuns; run++) {
        const result = await sync(faultDir, spec, `${table}.duckdb`)
        codes.push(result.code)
        for (const failure of result.failures) process.stderr.write(`${table} run ${run}: ${failure.slice(0, 240)}\n`)
        if (result.code !== 0 && result.failures.length === 0) {
          process.stderr.write(`${table} run ${run}: exit ${result.code}: ${result.stderr.trim().slice(-400)}\n`)
        }
        if (result.code === 0) {
          runs = run
          break
        }
      }
      const equal =
        runs === undefined
          ? undefined
          : (await rows(path.join(faultDir, `${table}.duckdb`), table)) ===
            (await rows(path.join(cleanDir, 'clean.duckdb'), table))
      results.push({ table, runs, codes, equal })
      process.stderr.write(
        `${table}: ${runs === undefined ? `not complete after ${maxRuns} runs` : `${runs} run(s)`}\n`,
      )
    }
    const counts = await proxy.stop()
    proxy = undefined
    const seconds = (performance.now() - started) / 1000
    const width = Math.max(...tables.map((table) => table.length), 5)
    console.log(
      `\nbench/faults: rate ${values.rate}, seed ${values.seed}, corpus x${values.scale}, at most ${maxRuns} runs per table; ` +
        `${seconds.toFixed(0)} s, load ${loadavg()[0]!.toFixed(1)}`,
    )
    console.log(`${'table'.padEnd(width)}  runs to complete  exit codes        equals clean run`)
    for (const result of results) {
      console.log(
        `${result.table.padEnd(width)}  ${String(result.runs ?? `> ${maxRuns}`).padEnd(16)}  ${result.codes.join(',').padEnd(16)}  ${result.equal === undefined ? '-' : result.equal ? 'yes' : 'NO'}`,
      )
    }
    console.log(`proxy: ${counts}`)
  } finally {
    await proxy?.stop()
    await simulator.stop()
    if (!values.keep) rmSync(work, { recursive: true, force: true })
    else console.log(`kept ${work}`)
  }
}

if (values.role === 'proxy') {
  if (!values.target) throw new Error('--role proxy needs --target <base URL>')
  serveFaultProxy({
    target: values.target,
    rate: Number(values.rate),
    seed: Number(values.seed),
    port: Number(values.port),
    retryAfterSeconds: Number(values['retry-after']),
  })
} else await bench()
