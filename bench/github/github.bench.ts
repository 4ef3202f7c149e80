// Benchmark: a full read of a large simulated `issues` table through the GitHub connector
// (core's HTTP client, keyset paging, then core's compiled converter on every record)
// against the same pages fetched directly (plain fetch + JSON.parse, following Link
// headers). One simulator serves both from a generated corpus (no corpus in memory); each
// variant runs in its own child process, so peak RSS is the reader's own. Rounds
// alternate the variants; the table shows medians.
//
//   node --conditions=@lakeflow/source bench/github/github.bench.ts [--records 100000] [--rounds 2] [--per-page 100]
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { connector } from '../../connectors/github/src/index.ts'
import { drainRead } from '../../packages/core/src/connector/index.ts'
import { compileConverter } from '../../packages/core/src/convert/index.ts'
import { createSimulator, generatedCorpus, loadSpec } from '../../packages/simulator/src/index.ts'

type Variant = 'connector' | 'direct'

interface Measurement {
  variant: Variant
  records: number
  seconds: number
  /** Response bytes (direct only: the connector reads the same pages). */
  bytes: number
  peakRssBytes: number
  /** CPU time of the reading process (user + system), seconds: its own cost, less sensitive to load than wall time. */
  cpuSeconds: number
}

const here = dirname(fileURLToPath(import.meta.url))
const GITHUB = join(here, '..', '..', 'connectors', 'github')
const TOKEN = 'ghp_benchmarkToken0123456789'
const REPO = { owner: 'octo-org', repo: 'hello-world' }

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`)
  return index >= 0 ? Number(process.argv[index + 1]) : fallback
}

/** Reads through the connector and converts every record, as a pipeline would. */
async function readThroughConnector(baseUrl: string, perPage: number): Promise<number> {
  // The highest request budget: the bench measures the connector, not the pace it keeps with GitHub.
  const github = connector.create({ token: TOKEN, base_url: baseUrl, max_requests_per_second: 1000 })
  const options = { ...REPO, per_page: String(perPage) }
  const convert = compileConverter(await github.getTableSchema('issues', options), { table: 'issues' })
  let sink = 0
  const { count } = await drainRead(github.readTable('issues', {}, options), (record) => {
    const row = convert(record) as { id: number }
    sink += row.id > 0 ? 1 : 0
  })
  if (sink !== count) throw new Error('unreachable: keeps the conversions observable')
  return count
}

/** Fetches the same listing with fetch + JSON.parse, following `Link: rel="next"`. */
async function readDirectly(baseUrl: string, perPage: number): Promise<{ records: number; bytes: number }> {
  let url: string | undefined =
    `${baseUrl}/repos/${REPO.owner}/${REPO.repo}/issues?state=all&sort=updated&direction=asc&per_page=${perPage}`
  let records = 0
  let bytes = 0
  while (url) {
    const response: Response = await fetch(url, {
      headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/vnd.github+json' },
    })
    if (!response.ok) throw new Error(`HTTP ${response.status} for ${url}`)
    const text = await response.text()
    bytes += Buffer.byteLength(text)
    records += (JSON.parse(text) as unknown[]).length
    url = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '')?.[1]
  }
  return { records, bytes }
}

async function runChild(variant: Variant, baseUrl: string, perPage: number): Promise<Measurement> {
  const start = performance.now()
  const cpu = process.cpuUsage()
  let records: number
  let bytes = 0
  if (variant === 'connector') records = await readThroughConnector(baseUrl, perPage)
  else ({ records, bytes } = await readDirectly(baseUrl, perPage))
  const seconds = (performance.now() - start) / 1000
  const used = process.cpuUsage(cpu)
  const cpuSeconds = (used.user + used.system) / 1e6
  return { variant, records, seconds, bytes, peakRssBytes: process.resourceUsage().maxRSS * 1024, cpuSeconds }
}

/** Issue `i` of the generated table: a corpus issue with a new id, number and times (updated_at ascending). */
function issueTemplate(): (index: number) => Record<string, unknown> {
  const samples = (
    JSON.parse(readFileSync(join(GITHUB, 'simulator', 'corpus', 'issues.json'), 'utf8')) as Record<string, unknown>[]
  ).map((issue) => ({ ...issue }))
  const base = Date.parse('2020-01-01T00:00:00Z')
  const time = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`
  return (index) => ({
    ...samples[index % samples.length]!,
    id: 3_000_000_000 + index,
    number: index + 1,
    created_at: time(base + index * 60_000 - 86_400_000),
    updated_at: time(base + index * 60_000),
  })
}

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right)
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

async function main(): Promise<void> {
  const perPage = option('per-page', 100)
  const childIndex = process.argv.indexOf('--child')
  if (childIndex >= 0) {
    const variant = process.argv[childIndex + 1] as Variant
    const baseUrl = process.argv[childIndex + 2]!
    process.stdout.write(JSON.stringify(await runChild(variant, baseUrl, perPage)))
    return
  }
  const count = option('records', 100_000)
  const rounds = option('rounds', 2)
  // The connector's own spec, reduced to the issues listing.
  const { spec } = loadSpec(join(GITHUB, 'simulator', 'endpoints.yaml'))
  spec.endpoints = spec.endpoints.filter((endpoint) => endpoint.path === '/repos/{owner}/{repo}/issues')
  spec.corpora = { issues: spec.corpora!.issues! }
  const simulator = createSimulator({
    spec,
    corpus: { issues: generatedCorpus({ count, template: issueTemplate(), orderedBy: ['updated_at', 'id'] }) },
  })
  const baseUrl = await simulator.start()
  const results: Measurement[] = []
  try {
    for (let round = 0; round < rounds; round++) {
      for (const variant of ['direct', 'connector'] as const) results.push(await runAsync(variant, baseUrl, perPage))
    }
  } finally {
    await simulator.stop()
  }
  report(results, count, perPage)
}

/** Runs one variant in a child process while this process keeps serving the simulator. */
async function runAsync(variant: Variant, baseUrl: string, perPage: number): Promise<Measurement> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@lakeflow/source',
      fileURLToPath(import.meta.url),
      '--child',
      variant,
      baseUrl,
      '--per-page',
      String(perPage),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk
  })
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  if (code !== 0) throw new Error(`${variant} child exited with ${code}`)
  return JSON.parse(output) as Measurement
}

function report(results: Measurement[], count: number, perPage: number): void {
  const bytes = median(results.filter((result) => result.variant === 'direct').map((result) => result.bytes))
  const rows = (['connector', 'direct'] as const).map((variant) => {
    const runs = results.filter((result) => result.variant === variant)
    const records = runs[0]!.records
    if (records !== count) throw new Error(`${variant} read ${records} records, expected ${count}`)
    const seconds = median(runs.map((run) => run.seconds))
    return {
      variant,
      records,
      seconds,
      recordsPerSecond: records / seconds,
      megabytesPerSecond: bytes / 1e6 / seconds,
      peakRss: median(runs.map((run) => run.peakRssBytes)) / 1024 / 1024,
      recordsPerCpuSecond: records / median(runs.map((run) => run.cpuSeconds)),
    }
  })
  const label: Record<Variant, string> = {
    connector: 'connector: readTable + compiled converter',
    direct: 'reference: fetch + JSON.parse (Link headers)',
  }
  console.log(
    `\nGitHub issues, ${count.toLocaleString('en-US')} records, ${perPage} per page, ${(bytes / 1e6).toFixed(1)} MB of JSON, median of ${results.length / 2} round(s)\n`,
  )
  console.log('| variant | records | seconds | records/s | MB/s | peak RSS (MB) | records per CPU s |')
  console.log('|---|---:|---:|---:|---:|---:|---:|')
  for (const row of rows) {
    console.log(
      `| ${label[row.variant]} | ${row.records} | ${row.seconds.toFixed(2)} | ${Math.round(row.recordsPerSecond).toLocaleString('en-US')} | ${row.megabytesPerSecond.toFixed(1)} | ${row.peakRss.toFixed(0)} | ${Math.round(row.recordsPerCpuSecond).toLocaleString('en-US')} |`,
    )
  }
  const [through, direct] = rows
  console.log(
    `\nconnector / reference: ${((through!.recordsPerSecond / direct!.recordsPerSecond) * 100).toFixed(0)} % of the records/s`,
  )
}

await main()
