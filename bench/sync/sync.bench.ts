// bench/sync: a generated source of GitHub-issue-like records synced into DuckDB by a real
// `lakeflow sync` child process, next to a reference measured in the same run (the same
// pages fetched and JSON.parse'd through the same client, nothing else). Both run against
// the same source process, in alternating order, for several rounds; the table shows the
// median of the rounds (records/s, MB/s, peak RSS) and every round below it.
//
// The sync runs the CLI as users run it: the built `packages/cli/dist/bin.js` (run `pnpm build`
// first) with the bench connector bundled to JavaScript; `--from source` runs the TypeScript
// sources instead (Node's type stripping adds ~15-20 MB of resident memory).
//
//   node --conditions=@lakeflow/source bench/sync/sync.bench.ts [--records 1000000,3000000] [--rounds 3]
//        [--from built|source] [--skip-reference] [--memory-limit 128MB]
//        [--variant 'label|node flags|ENV=v ...|cli args']...
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { watchPeak } from '../peak-rss.ts'
import { serveIssues } from './issues-source.ts'
import { runReference } from './reference.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '../..')
const NODE_FLAGS = ['--conditions=@lakeflow/source', '--no-warnings=ExperimentalWarning']
const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'bench' },
    count: { type: 'string', default: '1000000' },
    url: { type: 'string' },
    records: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '3' },
    'skip-reference': { type: 'boolean', default: false },
    'memory-limit': { type: 'string' },
    from: { type: 'string', default: 'built' },
    variant: { type: 'string', multiple: true },
  },
})

/** One way of running the sync: extra Node flags, environment and CLI arguments. */
interface Variant {
  label: string
  nodeFlags: string[]
  env: Record<string, string>
  args: string[]
}

interface Measured {
  name: string
  records: number
  seconds: number
  bytes: number
  peakRssMb: number
}

if (values.role === 'source') serveIssues(Number(values.count))
else if (values.role === 'reference') await runReference(values.url!)
else await bench()

function words(text: string | undefined): string[] {
  return (text ?? '').split(' ').filter(Boolean)
}

/** `label|node flags|ENV=v ENV2=w|cli args` (every part after the label optional). */
function parseVariant(text: string): Variant {
  const [label, flags, env, args] = text.split('|')
  return {
    label: label!,
    nodeFlags: words(flags),
    env: Object.fromEntries(
      words(env).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
    ),
    args: words(args),
  }
}

function start(
  script: string,
  args: string[],
  options: { cwd?: string; nodeFlags?: string[]; env?: object; baseFlags?: string[] } = {},
) {
  return spawn(
    process.execPath,
    [...(options.baseFlags ?? NODE_FLAGS), ...(options.nodeFlags ?? []), script, ...args],
    {
      cwd: options.cwd ?? root,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
}

async function firstLine(child: ChildProcess): Promise<string> {
  let buffer = ''
  for await (const chunk of child.stdout!) {
    buffer += chunk
    if (buffer.includes('\n')) return buffer.slice(0, buffer.indexOf('\n'))
  }
  throw new Error('child ended before printing a line')
}

async function collect(child: ChildProcess): Promise<string> {
  let out = ''
  child.stdout!.on('data', (chunk) => {
    out += chunk
  })
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  if (code !== 0) throw new Error(`child exited with ${code}: ${out.slice(-500)}`)
  return out
}

async function stats(baseUrl: string): Promise<{ pages: number; bytes: number }> {
  return (await (await fetch(`${baseUrl}/stats`)).json()) as { pages: number; bytes: number }
}

async function reference(baseUrl: string): Promise<Measured> {
  const before = await stats(baseUrl)
  const child = start(fileURLToPath(import.meta.url), ['--role', 'reference', '--url', baseUrl])
  const stop = watchPeak(child.pid!)
  const result = JSON.parse((await collect(child)).trim()) as { records: number; ms: number }
  const peak = stop()
  const after = await stats(baseUrl)
  return {
    name: 'reference: fetch + JSON.parse',
    records: result.records,
    seconds: result.ms / 1000,
    bytes: after.bytes - before.bytes,
    peakRssMb: peak,
  }
}

/** The part of esbuild's API used here (bench/ is not a package, so esbuild's types do not resolve). */
interface Esbuild {
  build(options: {
    entryPoints: string[]
    bundle: boolean
    format: 'esm'
    platform: 'node'
    outfile: string
    logLevel: 'warning'
    plugins: {
      name: string
      setup(build: {
        onResolve(
          options: { filter: RegExp },
          callback: (args: { path: string }) => { path: string; external: boolean },
        ): void
      }): void
    }[]
  }): Promise<unknown>
}

/** What the sync child runs: the CLI entry, its connector and the Node flags they need. */
interface SyncProgram {
  bin: string
  connector: string
  baseFlags: string[]
}

/**
 * `built`: `packages/cli/dist/bin.js` and the bench connector bundled by esbuild with its imports
 * of core's sources turned into `@lakeflow/core/<subpath>` (so it shares the CLI's built core, as
 * a published connector does); the bundle goes under `packages/cli/node_modules/.cache`, where
 * that package resolves, and is removed when the bench ends. `source`: the TypeScript.
 */
async function syncProgram(from: string): Promise<SyncProgram> {
  if (from === 'source') {
    return {
      bin: path.join(root, 'packages/cli/src/bin.ts'),
      connector: path.join(here, 'issues-connector.ts'),
      baseFlags: NODE_FLAGS,
    }
  }
  if (from !== 'built') throw new Error(`--from must be built or source, got ${from}`)
  const bin = path.join(root, 'packages/cli/dist/bin.js')
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`pnpm build\` first (or pass --from source)`)
  const connector = path.join(root, 'packages/cli/node_modules/.cache/lakeflow-bench/issues-connector.mjs')
  // esbuild comes with tsup (a root dev dependency).
  const fromTsup = createRequire(createRequire(path.join(root, 'package.json')).resolve('tsup'))
  const esbuild = (await import(pathToFileURL(fromTsup.resolve('esbuild')).href)) as Esbuild
  await esbuild.build({
    entryPoints: [path.join(here, 'issues-connector.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile: connector,
    logLevel: 'warning',
    plugins: [
      {
        name: 'built-core',
        setup(build) {
          build.onResolve({ filter: /packages\/core\/src\/\w+\/index\.ts$/ }, (args) => ({
            path: `@lakeflow/core/${/src\/(\w+)\/index\.ts$/.exec(args.path)![1]}`,
            external: true,
          }))
        },
      },
    ],
  })
  process.on('exit', () => rmSync(connector, { force: true }))
  return { bin, connector, baseFlags: ['--no-warnings=ExperimentalWarning'] }
}

async function sync(baseUrl: string, variant: Variant, program: SyncProgram): Promise<Measured & { dbMb: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'lakeflow-bench-sync-'))
  try {
    writeFileSync(
      path.join(dir, 'lakeflow.connections.yaml'),
      `connections:\n  bench:\n    connector: ${program.connector}\n    options:\n      base_url: ${baseUrl}\n`,
    )
    writeFileSync(
      path.join(dir, 'bench.yaml'),
      'connection_name: bench\nobjects:\n  - table:\n      source_table: issues\n',
    )
    const before = await stats(baseUrl)
    const memoryLimit = values['memory-limit'] ? ['--memory-limit', values['memory-limit']] : []
    const child = start(
      program.bin,
      ['sync', 'bench.yaml', '--dest', 'bench.duckdb', '--json', ...memoryLimit, ...variant.args],
      { cwd: dir, nodeFlags: variant.nodeFlags, env: variant.env, baseFlags: program.baseFlags },
    )
    const stop = watchPeak(child.pid!)
    const out = await collect(child)
    const peak = stop()
    const after = await stats(baseUrl)
    const finished = JSON.parse(out.trim().split('\n').at(-1)!) as {
      report: { durationMs: number; tables: { rows: number; status: string }[] }
    }
    const table = finished.report.tables[0]!
    if (table.status !== 'succeeded') throw new Error(`sync failed: ${out.slice(-800)}`)
    return {
      name: variant.label,
      records: table.rows,
      seconds: finished.report.durationMs / 1000,
      bytes: after.bytes - before.bytes,
      peakRssMb: peak,
      dbMb: statSync(path.join(dir, 'bench.duckdb')).size / 1024 / 1024,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)))
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === 1 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ')
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n')
}

async function bench(): Promise<void> {
  const format = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })
  const rounds = Number(values.rounds)
  const variants = (values.variant ?? ['lakeflow sync → DuckDB (cdc)']).map(parseVariant)
  const load = () =>
    loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')
  const loadAtStart = load()
  const program = await syncProgram(values.from!)
  const summary: string[][] = []
  const detail: string[][] = []
  for (const count of values.records!.split(',').map(Number)) {
    const source = start(fileURLToPath(import.meta.url), ['--role', 'source', '--count', String(count)])
    const { port } = JSON.parse(await firstLine(source)) as { port: number }
    const baseUrl = `http://127.0.0.1:${port}`
    const runners: { name: string; run: () => Promise<Measured> }[] = [
      ...(values['skip-reference'] ? [] : [{ name: 'reference: fetch + JSON.parse', run: () => reference(baseUrl) }]),
      ...variants.map((variant) => ({ name: variant.label, run: () => sync(baseUrl, variant, program) })),
    ]
    const results = new Map<string, Measured[]>(runners.map((runner) => [runner.name, []]))
    try {
      for (let round = 0; round < rounds; round++) {
        // Alternate the order every round, so drift in the machine's load hits every runner alike.
        const order = round % 2 === 0 ? runners : [...runners].reverse()
        for (const runner of order) {
          const measured = await runner.run()
          results.get(runner.name)!.push(measured)
          const rate = measured.records / measured.seconds
          detail.push([
            format.format(count),
            runner.name,
            String(round + 1),
            format.format(rate),
            measured.peakRssMb.toFixed(0),
            load().split(' ')[0]!,
          ])
          process.stderr.write(
            `${format.format(count)} round ${round + 1}: ${runner.name}: ${format.format(rate)} records/s, peak RSS ${measured.peakRssMb.toFixed(0)} MB${'dbMb' in measured ? `, DuckDB file ${(measured.dbMb as number).toFixed(0)} MB` : ''}\n`,
          )
        }
      }
    } finally {
      source.kill('SIGTERM')
    }
    const referenceRuns = results.get('reference: fetch + JSON.parse')
    const referenceRate = referenceRuns && median(referenceRuns.map((run) => run.records / run.seconds))
    for (const [name, runs] of results) {
      const rate = median(runs.map((run) => run.records / run.seconds))
      summary.push([
        format.format(count),
        name,
        format.format(runs[0]!.records),
        median(runs.map((run) => run.seconds)).toFixed(1),
        format.format(rate),
        median(runs.map((run) => run.bytes / 1024 / 1024 / run.seconds)).toFixed(1),
        median(runs.map((run) => run.peakRssMb)).toFixed(0),
        Math.max(...runs.map((run) => run.peakRssMb)).toFixed(0),
        referenceRate ? `${((rate / referenceRate) * 100).toFixed(0)}%` : '',
      ])
    }
  }
  console.log(
    `${rounds} round(s) per size, alternating order; medians. Load average (1, 5, 15 min): ${loadAtStart} at start, ${load()} at end.\n`,
  )
  console.log(
    table(
      [
        'source records',
        'run',
        'records',
        'seconds',
        'records/s',
        'MB/s',
        'peak RSS MB',
        'max peak RSS',
        'vs reference',
      ],
      summary,
    ),
  )
  console.log(`\n${table(['source records', 'run', 'round', 'records/s', 'peak RSS MB', 'load (1 min)'], detail)}`)
}
