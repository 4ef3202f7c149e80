/**
 * A server for the streaming memory test, run as its own process so its memory never
 * counts against the client's (not shipped). `GET /data?kind=<kind>&records=<n>` generates
 * the body as it writes, honouring backpressure. Prints its base URL on stdout.
 */
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { createGzip } from 'node:zlib'
import { zipStream } from '../../src/formats/index.ts'
import { CSV_HEADER, type Kind, text } from './stream-data.ts'

const BATCH = 500

async function* lines(kind: Kind, count: number): AsyncGenerator<Buffer> {
  if (kind === 'csv-gz-file') yield Buffer.from(CSV_HEADER)
  for (let from = 0; from < count; from += BATCH) yield Buffer.from(text(kind, from, Math.min(count, from + BATCH)))
}

async function send(response: ServerResponse, source: AsyncIterable<Buffer>): Promise<void> {
  for await (const chunk of source) {
    if (response.destroyed) return
    if (!response.write(chunk)) await new Promise((resolve) => response.once('drain', resolve))
  }
  response.end()
}

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1')
  const kind = url.searchParams.get('kind') as Kind
  const count = Number(url.searchParams.get('records'))
  let body: AsyncIterable<Buffer>
  if (kind === 'ndjson-gzip-encoding') {
    response.writeHead(200, { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' })
    body = Readable.from(lines(kind, count)).pipe(createGzip())
  } else if (kind === 'csv-gz-file') {
    response.writeHead(200, { 'content-type': 'application/gzip' })
    body = Readable.from(lines(kind, count)).pipe(createGzip())
  } else {
    response.writeHead(200, { 'content-type': 'application/zip' })
    body = zipStream([{ name: 'export.ndjson', data: lines(kind, count) }])
  }
  send(response, body).catch(() => response.destroy())
})
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
