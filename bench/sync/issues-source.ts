// A minimal generated source of GitHub-issue-like records (~2 KB each) on 127.0.0.1, for
// bench/sync. Pages are built from a pool of pre-rendered records with the id, number and
// updated_at spliced in, so serving costs far less than parsing and the bench measures the
// client side. sync.bench.ts runs it in a child (`--role source`): it prints {"port":…} on
// stdout and stops on SIGTERM.
//
//   GET /repos/example/project/issues?since_id=<id>&per_page=100  → JSON array, ids ascending
//   GET /stats → {"pages":…,"bytes":…}
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { makeIssues } from '../convert/issues.ts'

const POOL = 997
const START = Date.UTC(2020, 0, 1)

/** Serves `count` generated issues until SIGTERM; prints the port. */
export function serveIssues(count: number): void {
  const pool = makeIssues(POOL, 7).map((record) => {
    const { id: _id, number: _number, updated_at: _updated, ...rest } = record
    return JSON.stringify(rest).slice(1)
  })
  let pages = 0
  let bytes = 0

  function recordText(index: number): string {
    const id = index + 1
    const updated = new Date(START + index * 1000).toISOString().replace('.000Z', 'Z')
    return `{"id":${id},"number":${id},"updated_at":"${updated}",${pool[index % POOL]}`
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    if (url.pathname === '/stats') {
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ pages, bytes }))
      return
    }
    if (url.pathname !== '/repos/example/project/issues') {
      response.writeHead(404).end()
      return
    }
    const since = Number(url.searchParams.get('since_id') ?? 0)
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100)
    const parts: string[] = []
    for (let index = since; index < Math.min(since + perPage, count); index++) parts.push(recordText(index))
    const body = `[${parts.join(',')}]`
    pages++
    bytes += Buffer.byteLength(body)
    response.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    })
    response.end(body)
  })
  server.keepAliveTimeout = 60_000
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`)
  })
  process.on('SIGTERM', () => server.close(() => process.exit(0)))
}
