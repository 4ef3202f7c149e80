// bench/sync: a generated source of GitHub-issue-like records synced into DuckDB by a real
// `lakeflow sync` child process, next to a reference measured in the same run (the same
// pages fetched and JSON.parse'd, nothing else). Prints records/s, MB/s and peak RSS.
//
//   node --conditions=@lakeflow/source bench/sync/sync.bench.ts [--records 1000000,3000000] [--skip-reference]
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
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
    'skip-reference': { type: 'boolean', default: false },
    'memory-limit': { type: 'string' },
  },
})

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

function start(script: string, args: string[], cwd = root): ChildProcess {
  return spawn(process.execPath, [...NODE_FLAGS, script, ...args], { cwd, stdio: ['ignore', 'pipe', 'inherit'] })
}

async function firstLine(child: ChildProcess): Promise<string> {
  let buffer = ''
  for await (const chunk of child.stdout!) {
    buffer += chunk
    if (buffer.includes('\n')) return buffer.slice(0, buffer.indexOf('\n'))
  }
  throw new Error('child ended before printing a line')
}

/** Peak RSS of a running child: VmHWM from /proc, sampled until it exits. */
function watchPeak(pid: number): () => number {
  let peak = 0
  const sample = () => {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
      if (match) peak = Math.max(peak, Number(match[1]))
    } catch {
      // exited
    }
  }
  const timer = setInterval(sample, 50)
  return () => {
    clearInterval(timer)
    return peak / 1024
  }
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

async function sync(baseUrl: string, dir: string): Promise<Measured & { dbMb: number }> {
  writeFileSync(
    path.join(dir, 'lakeflow.connections.yaml'),
    `connections:\n  bench:\n    connector: ${path.join(here, 'issues-connector.ts')}\n    options:\n      base_url: ${baseUrl}\n`,
  )
  writeFileSync(
    path.join(dir, 'bench.yaml'),
    'connection_name: bench\nobjects:\n  - table:\n      source_table: issues\n',
  )
  const before = await stats(baseUrl)
  const child = start(
    path.join(root, 'packages/cli/src/bin.ts'),
    [
      'sync',
      'bench.yaml',
      '--dest',
      'bench.duckdb',
      '--json',
      ...(values['memory-limit'] ? ['--memory-limit', values['memory-limit']] : []),
    ],
    dir,
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
    name: 'lakeflow sync → DuckDB (cdc)',
    records: table.rows,
    seconds: finished.report.durationMs / 1000,
    bytes: after.bytes - before.bytes,
    peakRssMb: peak,
    dbMb: statSync(path.join(dir, 'bench.duckdb')).size / 1024 / 1024,
  }
}

async function bench(): Promise<void> {
  const format = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })
  const rows: string[][] = []
  for (const count of values.records!.split(',').map(Number)) {
    const source = start(fileURLToPath(import.meta.url), ['--role', 'source', '--count', String(count)])
    const { port } = JSON.parse(await firstLine(source)) as { port: number }
    const baseUrl = `http://127.0.0.1:${port}`
    const dir = mkdtempSync(path.join(tmpdir(), 'lakeflow-bench-sync-'))
    try {
      const ref = values['skip-reference'] ? undefined : await reference(baseUrl)
      const run = await sync(baseUrl, dir)
      for (const measured of [ref, run]) {
        if (!measured) continue
        const rate = measured.records / measured.seconds
        rows.push([
          format.format(count),
          measured.name,
          format.format(measured.records),
          measured.seconds.toFixed(1),
          format.format(rate),
          (measured.bytes / 1024 / 1024 / measured.seconds).toFixed(1),
          measured.peakRssMb.toFixed(0),
          ref ? `${((rate / (ref.records / ref.seconds)) * 100).toFixed(0)}%` : '',
        ])
      }
      process.stderr.write(`${count}: DuckDB file ${run.dbMb.toFixed(0)} MB\n`)
    } finally {
      source.kill('SIGTERM')
      rmSync(dir, { recursive: true, force: true })
    }
  }

  const header = ['source records', 'run', 'records', 'seconds', 'records/s', 'MB/s', 'peak RSS MB', 'vs reference']
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)))
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === 1 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ')
  console.log([line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n'))
}
