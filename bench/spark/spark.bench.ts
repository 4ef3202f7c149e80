/**
 * Spark bridge benchmark: rows/s into a Spark DataFrame (count() and a Parquet write) for a
 * simulated table of N records, through the Arrow bridge (`lakeflow_connect`, connector in
 * Node) versus a plain Python data source fetching the same pages and yielding tuples.
 *
 *   node --conditions=@lakeflow/source bench/spark/spark.bench.ts [--records 1000000] [--partitions 1,2] [--batch-rows 10000]
 *
 * Creates packages/spark/.venv (PySpark, pyarrow) on first use. One SparkSession, local[2].
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { createSimulator } from '../../packages/simulator/src/index.ts'
import { ensurePythonEnv, PACKAGE_ROOT } from '../../packages/spark/scripts/python-env.ts'
import { bundleConnector } from '../../packages/spark/src/pack/bundle.ts'
import { connector as benchConnector } from '../../packages/spark/test/fixtures/bench-connector.ts'
import { BENCH_SPEC, benchEvents, PAGE_SIZE } from './bench-source.ts'

interface Result {
  label: string
  rows: number
  seconds: number
  peak_rss_bytes: number
}

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url))
const { values } = parseArgs({
  options: { records: { type: 'string' }, partitions: { type: 'string' }, 'batch-rows': { type: 'string' } },
})
const records = Number(values.records ?? 1_000_000)
const partitions = (values.partitions ?? '1,2').split(',').map(Number)

const { python, env } = ensurePythonEnv()
const scratch = mkdtempSync(join(tmpdir(), 'lakeflow-spark-bench-'))
const simulator = createSimulator({ spec: BENCH_SPEC, corpus: { events: benchEvents(records) } })
try {
  const url = await simulator.start()
  const page = await (await fetch(`${url}/events?offset=0&limit=${PAGE_SIZE}`)).text()
  const bytesPerRecord = Buffer.byteLength(page) / PAGE_SIZE
  const schema = await benchConnector.create({ base_url: url }).getTableSchema('events', {})
  const bundle = join(scratch, 'bench-connector.mjs')
  writeFileSync(
    bundle,
    await bundleConnector({
      connectorModule: join(PACKAGE_ROOT, 'test', 'fixtures', 'bench-connector.ts'),
      cwd: PACKAGE_ROOT,
    }),
  )
  const config = {
    url,
    records,
    partitions,
    command: [process.execPath, bundle],
    parquet: join(scratch, 'events.parquet'),
    batchRows: values['batch-rows'] ? Number(values['batch-rows']) : undefined,
  }
  const child = spawn(python, [here('./bench_driver.py'), JSON.stringify(config)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => {
    stdout += chunk
  })
  child.stderr.on('data', (chunk) => {
    stderr += chunk
    const text = String(chunk)
    if (/ rows in /.test(text)) process.stderr.write(text)
  })
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  if (code !== 0) throw new Error(`bench_driver.py exited with ${code}:\n${stderr.slice(-4000)}`)
  const { spark, results } = JSON.parse(stdout) as { spark: string; results: Result[] }

  const baseline = new Map(results.filter((r) => r.label.startsWith('python')).map((r) => [r.label.slice(7), r]))
  const rows = results.map((result) => {
    const [reader, operation, parts] = result.label.split(' ')
    const reference = baseline.get(`${operation} ${parts}`)!
    const perSecond = result.rows / result.seconds
    return [
      reader === 'bridge' ? 'Arrow bridge (Node)' : 'Python source (tuples)',
      operation === 'count' ? 'count()' : 'write Parquet',
      parts!.replace('p', ''),
      result.rows.toLocaleString('en-US'),
      result.seconds.toFixed(2),
      Math.round(perSecond).toLocaleString('en-US'),
      ((perSecond * bytesPerRecord) / 1e6).toFixed(1),
      (result.peak_rss_bytes / 1e6).toFixed(0),
      `${(reference.seconds / result.seconds).toFixed(2)}×`,
    ]
  })
  const header = [
    'reader',
    'operation',
    'partitions',
    'rows',
    'seconds',
    'rows/s',
    'MB/s (JSON)',
    'peak RSS MB',
    'vs Python',
  ]
  const widths = header.map((title, index) => Math.max(title.length, ...rows.map((row) => row[index]!.length)))
  const line = (cells: string[]) => `| ${cells.map((cell, index) => cell.padEnd(widths[index]!)).join(' | ')} |`
  process.stdout.write(
    `\nSpark ${spark}, local[2]; ${records.toLocaleString('en-US')} records of ${bytesPerRecord.toFixed(0)} B JSON (${Object.keys(schema.fields).length} columns, nested), ${PAGE_SIZE} per page\n`,
  )
  process.stdout.write(`${line(header)}\n${line(widths.map((width) => '-'.repeat(width)))}\n`)
  for (const row of rows) process.stdout.write(`${line(row)}\n`)
  process.stdout.write('(peak RSS: JVM + Python workers + Node, the whole process tree)\n')
} finally {
  await simulator.stop()
  rmSync(scratch, { recursive: true, force: true })
}
