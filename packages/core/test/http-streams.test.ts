import type { ServerResponse } from 'node:http'
import { gzipSync } from 'node:zlib'
import Type from 'typebox'
import { afterEach, describe, expect, it } from 'vitest'
import { ApiCallError, DataFormatError, InvalidResponseError, registerSecret } from '../src/errors/index.ts'
import { toCsv, writeZip, zipStream } from '../src/formats/index.ts'
import { apiKeyAuth, createHttpClient } from '../src/http/index.ts'
import { collect, rejectionOf } from './support/async.ts'
import { type ScriptedServer, startScriptedServer } from './support/scripted-server.ts'

let server: ScriptedServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

const rejection = (promise: Promise<unknown>) => rejectionOf(promise, ApiCallError)

/** Writes a body in small pieces, yielding to the event loop between them, so the client sees many chunks. */
async function writeSlowly(response: ServerResponse, body: Buffer, headers: Record<string, string>, piece = 97) {
  response.writeHead(200, headers)
  for (let at = 0; at < body.length; at += piece) {
    if (!response.write(body.subarray(at, at + piece))) await new Promise((resolve) => response.once('drain', resolve))
    await new Promise((resolve) => setImmediate(resolve))
  }
  response.end()
}

const people = [
  { id: '1', name: 'Ada Lovelace', note: 'first, "programmer"' },
  { id: '2', name: 'Zoë', note: 'line one\nline two' },
  { id: '3', name: 'Grace', note: '' },
]
const csvText = toCsv([['id', 'name', 'note'], ...people.map((person) => [person.id, person.name, person.note])], {
  bom: true,
})
const ndjsonText = `${people.map((person) => JSON.stringify(person)).join('\n')}\n`

describe('streamRecords', () => {
  it.each([
    ['NDJSON', 'ndjson', () => Buffer.from(ndjsonText), { 'content-type': 'application/x-ndjson' }],
    ['CSV with a BOM and quoted newlines', 'csv', () => Buffer.from(csvText), { 'content-type': 'text/csv' }],
    ['NDJSON, Content-Encoding gzip', 'ndjson', () => gzipSync(ndjsonText), { 'content-encoding': 'gzip' }],
    ['a .gz CSV file', 'csv', () => gzipSync(csvText), { 'content-type': 'application/gzip' }],
    ['a ZIP of CSV', 'csv', () => writeZip([{ name: 'people.csv', data: Buffer.from(csvText) }]), {}],
    [
      'a ZIP with data descriptors',
      'ndjson',
      () => writeZip([{ name: 'people.ndjson', data: Buffer.from(ndjsonText) }], { dataDescriptor: true }),
      {},
    ],
  ] as const)('%s, written in small pieces', async (_label, format, body, headers) => {
    server = await startScriptedServer({
      'GET /export': (_request, response) => writeSlowly(response, body(), { ...headers }),
    })
    const client = createHttpClient({ baseUrl: server.url })
    const response = await client.streamRecords('/export', { format })
    expect(response.status).toBe(200)
    expect(await collect(response.data)).toEqual(people)
  })

  it('reads a ZIP streamed by the server entry by entry, choosing entries by name', async () => {
    server = await startScriptedServer({
      'GET /archive': async (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/zip' })
        async function* lines(from: number) {
          for (let index = from; index < from + 300; index++) yield Buffer.from(`{"n":${index}}\n`)
        }
        for await (const chunk of zipStream([
          { name: 'part-1.ndjson', data: lines(0) },
          { name: 'manifest.txt', data: Buffer.from('not records') },
          { name: 'part-2.ndjson', data: lines(300) },
        ]))
          response.write(chunk)
        response.end()
      },
    })
    const client = createHttpClient({ baseUrl: server.url })
    const { data } = await client.streamRecords<{ n: number }>('/archive', {
      format: 'ndjson',
      entries: (name) => name.endsWith('.ndjson'),
    })
    const records = await collect(data)
    expect(records.map((record) => record.n)).toEqual(Array.from({ length: 600 }, (_, index) => index))
  })

  it('malformed data is an ApiCallError naming the request and the line, not retried', async () => {
    server = await startScriptedServer({ 'GET /bad': { body: '{"id":1}\n{"id":2\n{"id":3}\n' } })
    const client = createHttpClient({ baseUrl: server.url })
    const { data } = await client.streamRecords('/bad?since=1', { format: 'ndjson' })
    const seen: unknown[] = []
    const error = await rejection(
      (async () => {
        for await (const record of data) seen.push(record)
      })(),
    )
    expect(seen).toEqual([{ id: 1 }])
    expect(error.message).toMatch(
      new RegExp(
        `^Response body is not valid NDJSON \\(Malformed NDJSON at line 2: .*\\) \\(HTTP 200\\): GET ${server.url}/bad\\?since=1$`,
      ),
    )
    expect(error.isRetryable).toBe(false)
    expect(error.category).toBe('source')
    expect(DataFormatError.isInstance(error.cause)).toBe(true)
    expect((error.cause as DataFormatError).location).toBe('line 2')
    expect(server.hits('/bad')).toHaveLength(1)
  })

  it('checks each record against a schema, naming the record and the path', async () => {
    server = await startScriptedServer({
      'GET /typed': { body: '{"id":1,"tags":["a"]}\n{"id":"two","tags":["b",3]}\n' },
    })
    const client = createHttpClient({ baseUrl: server.url })
    const schema = Type.Object({ id: Type.Integer(), tags: Type.Array(Type.String()) })
    const { data } = await client.streamRecords('/typed', { format: 'ndjson', schema })
    const error = await rejection(collect(data))
    expect(InvalidResponseError.isInstance(error)).toBe(true)
    expect((error as InvalidResponseError).problems).toEqual([
      { path: 'id', message: 'expected an integer, got "two"' },
      { path: 'tags[1]', message: 'expected a string, got 3' },
    ])
    expect(error.message).toBe(
      `Response record 2 does not match the expected schema (id: expected an integer, got "two"; tags[1]: expected a string, got 3) (HTTP 200): GET ${server.url}/typed`,
    )
  })

  it('a connection dropped mid-body is a retryable transient error', async () => {
    server = await startScriptedServer({
      'GET /cut': (_request, response, scripted) => {
        response.writeHead(200, { 'content-type': 'application/x-ndjson', 'content-length': '100000' })
        response.write('{"id":1}\n{"id":2}\n')
        scripted.later(30, () => response.socket?.destroy())
      },
    })
    const { data } = await createHttpClient({ baseUrl: server.url }).streamRecords('/cut', { format: 'ndjson' })
    const seen: unknown[] = []
    const error = await rejection(
      (async () => {
        for await (const record of data) seen.push(record)
      })(),
    )
    expect(seen).toEqual([{ id: 1 }, { id: 2 }])
    expect(error.message).toMatch(/^Network error while streaming the body, after 18 bytes \(HTTP 200\): GET /)
    expect(error).toMatchObject({ isRetryable: true, category: 'transient', status: 200 })
  })

  it('a body that stalls longer than timeoutMs fails, naming the bytes received', async () => {
    server = await startScriptedServer({
      'GET /stall': (_request, response) => {
        response.writeHead(200, { 'content-type': 'text/csv' })
        response.write('id\n1\n')
      },
    })
    const { data } = await createHttpClient({ baseUrl: server.url, timeoutMs: 300 }).streamRecords('/stall', {
      format: 'csv',
    })
    const error = await rejection(collect(data))
    expect(error.message).toMatch(/^Response body stalled: no data for 300 ms after 5 bytes/)
    expect(error.isRetryable).toBe(true)
  })

  it('breaking off the iteration cancels the body: the server sees the connection close early', async () => {
    let closedEarly: Promise<boolean> | undefined
    server = await startScriptedServer({
      'GET /endless': (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/x-ndjson' })
        closedEarly = new Promise((resolve) => response.on('close', () => resolve(!response.writableFinished)))
        const pump = () => {
          while (!response.destroyed && response.write(`${JSON.stringify({ pad: 'x'.repeat(200) })}\n`)) {}
          if (!response.destroyed) response.once('drain', pump)
        }
        pump()
      },
    })
    const { data } = await createHttpClient({ baseUrl: server.url }).streamRecords('/endless', { format: 'ndjson' })
    let count = 0
    for await (const _ of data) if (++count === 3) break
    expect(count).toBe(3)
    expect(await closedEarly).toBe(true)
  })
})

describe('validated JSON bodies', () => {
  const Page = Type.Object({
    items: Type.Array(Type.Object({ id: Type.Integer(), email: Type.String() })),
    next: Type.Union([Type.String(), Type.Null()]),
  })

  it('returns the typed body when it matches', async () => {
    server = await startScriptedServer({
      'GET /page': { body: { items: [{ id: 1, email: 'a@x.io', extra: 1 }], next: null } },
    })
    const { data } = await createHttpClient({ baseUrl: server.url }).getJson('/page', { schema: Page })
    const first: number = data.items[0]!.id
    expect(first).toBe(1)
  })

  it('a mismatch names every JSON path, the request (key redacted) and is not retried', async () => {
    registerSecret('k-streams-secret-1')
    server = await startScriptedServer({
      'GET /page': {
        body: { items: [{ id: 1, email: 'a@x.io' }, { id: 'x', email: 'k-streams-secret-1' }, { id: 3 }] },
      },
    })
    const client = createHttpClient({ baseUrl: server.url, auth: apiKeyAuth('k-streams-secret-1', { query: 'key' }) })
    const error = await rejection(client.getJson('/page?state=all', { schema: Page }))
    expect(InvalidResponseError.isInstance(error)).toBe(true)
    expect((error as InvalidResponseError).problems.map((problem) => `${problem.path}: ${problem.message}`)).toEqual([
      'items[1].id: expected an integer, got "x"',
      'items[2].email: expected a string, got nothing',
      'next: expected a string or null, got nothing',
    ])
    expect(error.message).toContain(`(HTTP 200): GET ${server.url}/page?state=all`)
    expect(error.message).not.toContain('k-streams-secret-1')
    expect(error).toMatchObject({ isRetryable: false, category: 'source', status: 200 })
    expect(server.hits('/page')).toHaveLength(1)
  })

  it('postJson checks the answer too', async () => {
    server = await startScriptedServer({ 'POST /search': { body: { items: 'none', next: null } } })
    const error = await rejection(
      createHttpClient({ baseUrl: server.url }).postJson('/search', { q: 1 }, { schema: Page }),
    )
    expect((error as InvalidResponseError).problems).toEqual([
      { path: 'items', message: 'expected a list, got "none"' },
    ])
  })
})
