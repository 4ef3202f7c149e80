/**
 * Serving throughput of the simulator: 100-record pages of ~2.2 KB GitHub-issue-shaped
 * records, read by a client in a separate process (bytes counted, not parsed) so the
 * numbers are the server's. A plain node:http server writing one pre-serialised page is
 * the reference, measured in the same run.
 *
 *   node --conditions=@lakeflow/source packages/simulator/bench/serve.bench.ts [pages=2000]
 */
import { fork } from 'node:child_process'
import { Agent, createServer, get } from 'node:http'
import { createSimulator, generatedCorpus } from '../src/index.ts'
import type { SourceSpec } from '../src/types.ts'

const PAGE = 100

if (process.argv[2] === 'client') {
  const [, , , base, pages, concurrency] = process.argv
  const agent = new Agent({ keepAlive: true, maxSockets: Number(concurrency) })
  let bytes = 0
  let next = 1
  const fetchPage = (page: number) =>
    new Promise<void>((resolve, reject) => {
      get(`${base}&page=${page}`, { agent }, (response) => {
        if (response.statusCode !== 200) reject(new Error(`HTTP ${response.statusCode}`))
        response.on('data', (chunk: Buffer) => {
          bytes += chunk.length
        })
        response.on('end', resolve)
      }).on('error', reject)
    })
  const started = performance.now()
  const lane = async () => {
    while (next <= Number(pages)) await fetchPage(next++)
  }
  await Promise.all(Array.from({ length: Number(concurrency) }, lane))
  process.send!({ seconds: (performance.now() - started) / 1000, bytes })
  agent.destroy()
  process.exit(0)
}

const BODY_TEXT = 'Steps to reproduce: run the sync against a large repository and watch the memory. '.repeat(15)
const LABELS = [{ id: 1, name: 'bug', color: 'd73a4a', default: true, description: "Something isn't working" }]
/** A GitHub-issue-shaped record, ~2.2 KB as JSON. */
function issue(index: number): Record<string, unknown> {
  const number = index + 1
  const login = `user${index % 997}`
  return {
    id: number,
    node_id: `I_kwDOAAAB${number.toString(36).padStart(8, '0')}`,
    number,
    title: `Issue number ${number}: something is slow`,
    state: index % 7 === 0 ? 'closed' : 'open',
    locked: false,
    user: { login, id: 1000 + (index % 997), type: 'User', site_admin: false, html_url: `https://github.com/${login}` },
    labels: LABELS,
    comments: index % 13,
    created_at: new Date(Date.UTC(2020, 0, 1) + index * 60_000).toISOString().replace('.000Z', 'Z'),
    updated_at: new Date(Date.UTC(2021, 0, 1) + index * 60_000).toISOString().replace('.000Z', 'Z'),
    closed_at: null,
    author_association: 'CONTRIBUTOR',
    url: `https://api.github.com/repos/acme/widgets/issues/${number}`,
    html_url: `https://github.com/acme/widgets/issues/${number}`,
    body: BODY_TEXT,
    reactions: {
      total_count: index % 5,
      '+1': index % 3,
      '-1': 0,
      laugh: 0,
      hooray: 0,
      confused: 0,
      heart: 0,
      rocket: 0,
      eyes: 0,
    },
  }
}

const spec: SourceSpec = {
  endpoints: [
    {
      path: '/repos/{owner}/{repo}/issues',
      method: 'GET',
      corpus: 'issues',
      response: { pagination_style: 'page_number_with_link_header', default_sort: 'updated_at' },
      params: {
        since: { role: 'filter', field: 'updated_at', op: 'gt' },
        page: { role: 'page' },
        per_page: { role: 'per_page', default: 30, max: 100 },
      },
    },
  ],
  corpora: { issues: { primary_key: ['id'], cursor_field: 'updated_at' } },
}

async function client(base: string, pages: number, concurrency: number): Promise<{ seconds: number; bytes: number }> {
  const child = fork(import.meta.filename, ['client', base, String(pages), String(concurrency)], {
    execArgv: process.execArgv,
  })
  const [result] = await Promise.all([
    new Promise<{ seconds: number; bytes: number }>((resolve) =>
      child.once('message', (message) => resolve(message as never)),
    ),
    new Promise((resolve) => child.once('exit', resolve)),
  ])
  return result
}

const rows: string[][] = []
function report(name: string, pages: number, result: { seconds: number; bytes: number }) {
  const mb = result.bytes / 1e6
  rows.push([
    name,
    String(pages),
    (pages / result.seconds).toFixed(0),
    ((pages * PAGE) / result.seconds).toFixed(0),
    (mb / result.seconds).toFixed(0),
    ((result.bytes / pages / PAGE) | 0).toString(),
  ])
}

const pages = Number(process.argv[2] ?? 2000)
const query = '?since=2020-12-31T00:00:00Z&per_page=100'

// Reference: the same page pre-serialised, written by a bare node:http server.
const page = Buffer.from(JSON.stringify(Array.from({ length: PAGE }, (_, index) => issue(index))))
const bare = createServer((_, response) => {
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': page.length })
  response.end(page)
})
await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve))
const bareUrl = `http://127.0.0.1:${(bare.address() as { port: number }).port}/x${query}`
report('reference: bare node:http, fixed page, 1 conn', pages, await client(bareUrl, pages, 1))
bare.close()

const generated = createSimulator({ spec, corpus: { issues: generatedCorpus({ count: 1_000_000, template: issue }) } })
const generatedUrl = `${await generated.start()}/repos/acme/widgets/issues${query}`
report('simulator, generated 1M, 1 conn', pages, await client(generatedUrl, pages, 1))
report('simulator, generated 1M, 2 conns', pages, await client(generatedUrl, pages, 2))
if (process.env.BENCH_FULL) report('simulator, generated 1M, full walk', 10_000, await client(generatedUrl, 10_000, 1))
await generated.stop()
const rssAfterGenerated = process.resourceUsage().maxRSS / 1024

const inMemoryCount = 50_000
const memory = createSimulator({
  spec,
  corpus: { issues: Array.from({ length: inMemoryCount }, (_, index) => issue(index)) },
})
const memoryUrl = `${await memory.start()}/repos/acme/widgets/issues${query}`
const memoryPages = Math.min(pages, inMemoryCount / PAGE)
report(`simulator, in-memory ${inMemoryCount / 1000}k, 1 conn`, memoryPages, await client(memoryUrl, memoryPages, 1))
await memory.stop()

const header = ['scenario', 'pages', 'pages/s', 'records/s', 'MB/s', 'B/record']
const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)))
const line = (cells: string[]) =>
  cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')
console.log(line(header))
for (const row of rows) console.log(line(row))
console.log(
  `peak RSS of the server process: ${rssAfterGenerated.toFixed(0)} MB after the generated scenarios, ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB after the ${inMemoryCount / 1000}k in-memory corpus`,
)
