import { mkdirSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { join, resolve } from 'node:path'
import { SimulatorError } from '../errors.ts'
import { compileEndpoints, matchEndpoint } from '../serve/match.ts'
import { loadSpec } from '../spec/load-spec.ts'
import type { SourceSpec } from '../types.ts'
import { CorpusCollector } from './collector.ts'
import { credentialsOf, type ScrubOptions, scrubText } from './scrub.ts'

/** Options of {@link createRecorder}. */
export interface RecorderOptions {
  /** The live base URL requests are forwarded to. @example 'https://api.github.com' */
  target: string
  /** The source's spec (object or path): it decides which corpus a response feeds and where its records are. */
  spec: SourceSpec | string
  /** Directory the corpus is written to (created if missing). */
  out: string
  /** Most records kept per corpus table; later new keys are dropped. @default 100 */
  sampleSize?: number
  /** How records are cleaned (emails are always replaced unless `emails: false`). */
  scrub?: ScrubOptions
  /** Port to listen on; 0 picks a free one. @default 0 */
  port?: number
}

/** What a recording wrote. */
export interface RecordingSummary {
  /** Files written, absolute paths. */
  files: string[]
  /** Records kept per corpus table (tombstones as `<table>.tombstones`). */
  records: Record<string, number>
  /** Requests that matched no endpoint of the spec (forwarded, not recorded), as `METHOD path`. */
  unmatched: string[]
}

/** A recording proxy (see {@link createRecorder}). */
export interface Recorder {
  /** Starts the proxy on 127.0.0.1; resolves to its base URL, to be used instead of the live one. */
  start(): Promise<string>
  /** Stops the proxy and writes the corpus. */
  stop(): Promise<RecordingSummary>
  /** Writes what has been collected so far. */
  save(): RecordingSummary
  /** The proxy's base URL once started. */
  readonly baseUrl: string
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
  'te',
  'trailer',
])

/**
 * Record mode: a proxy on 127.0.0.1 that forwards every request to a live base URL (request
 * headers passed through and never stored) and keeps the records of each response as the
 * corpus of the endpoint it matches, deduplicated by primary key, trimmed to `sampleSize`,
 * with credentials and email addresses removed. Absolute URLs pointing at the live source in
 * `Link` headers and bodies are rewritten to the proxy, so a client following them stays on it.
 * On stop it writes `<out>/<table>.json`, `<table>.tombstones.json` for deleted endpoints, and
 * `recording.json` (endpoints seen, statuses, response headers with secrets redacted).
 */
export function createRecorder(options: RecorderOptions): Recorder {
  const { spec } = loadSpec(options.spec)
  const endpoints = compileEndpoints(spec.endpoints)
  let target: URL
  try {
    target = new URL(options.target)
  } catch {
    throw new SimulatorError(
      `createRecorder: target must be an absolute URL such as https://api.example.com, got ${JSON.stringify(options.target)}`,
    )
  }
  const targetBase = options.target.replace(/\/+$/, '')
  const out = resolve(options.out)
  const collector = new CorpusCollector(spec, options.sampleSize ?? 100, options.scrub ?? {})
  const sockets = new Set<Socket>()
  let server: Server | undefined
  let baseUrl = ''

  const save = (): RecordingSummary => {
    mkdirSync(out, { recursive: true })
    const files: string[] = []
    const write = (name: string, value: unknown) => {
      const file = join(out, name)
      writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`)
      files.push(file)
    }
    for (const [name, value] of collector.tables()) write(`${name}.json`, value)
    write('recording.json', { version: 1, target: target.origin, ...collector.report() })
    return { files, records: collector.counts(), unmatched: collector.unmatched() }
  }

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    const method = (request.method ?? 'GET').toUpperCase()
    const incoming = new URL(request.url ?? '/', baseUrl)
    const forwardUrl = `${targetBase}${incoming.pathname}${incoming.search}`
    const headers = new Headers()
    for (const [name, value] of Object.entries(request.headers)) {
      if (
        value === undefined ||
        HOP_BY_HOP.has(name) ||
        name === 'host' ||
        name === 'content-length' ||
        name === 'accept-encoding'
      )
        continue
      headers.set(name, Array.isArray(value) ? value.join(', ') : value)
    }
    const secrets = credentialsOf(request.headers, incoming.searchParams)
    let live: Response
    try {
      live = await fetch(forwardUrl, {
        method,
        headers,
        body: chunks.length > 0 && method !== 'GET' && method !== 'HEAD' ? Buffer.concat(chunks) : undefined,
        redirect: 'manual',
      })
    } catch (error) {
      const message = scrubText(`recorder: could not reach ${forwardUrl}: ${(error as Error).message}`, secrets)
      response.writeHead(502, { 'content-type': 'application/json; charset=utf-8' })
      response.end(JSON.stringify({ error: message, status: 502 }))
      return
    }
    const text = await live.text()
    const matched = matchEndpoint(endpoints, method, incoming.pathname)
    collector.observe(matched?.endpoint, method, incoming.pathname, live, text, secrets)
    const outgoing: Record<string, string> = {}
    live.headers.forEach((value, name) => {
      if (HOP_BY_HOP.has(name) || name === 'content-length' || name === 'content-encoding') return
      outgoing[name] = value.split(targetBase).join(baseUrl)
    })
    const body = Buffer.from(text.split(targetBase).join(baseUrl), 'utf8')
    response.writeHead(live.status, { ...outgoing, 'content-length': body.length })
    response.end(body)
  }

  return {
    async start() {
      if (server) return baseUrl
      const created = createServer((request, response) => {
        handle(request, response).catch((error) => {
          if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json; charset=utf-8' })
          response.end(JSON.stringify({ error: `recorder error: ${(error as Error).message}`, status: 500 }))
        })
      })
      created.on('connection', (socket) => {
        sockets.add(socket)
        socket.on('close', () => sockets.delete(socket))
      })
      await new Promise<void>((done, fail) => {
        created.once('error', fail)
        created.listen(options.port ?? 0, '127.0.0.1', () => done())
      })
      const address = created.address()
      if (address === null || typeof address === 'string')
        throw new SimulatorError('recorder: could not read the listening port')
      server = created
      baseUrl = `http://127.0.0.1:${address.port}`
      return baseUrl
    },
    async stop() {
      const running = server
      server = undefined
      if (running) {
        const closed = new Promise<void>((done) => running.close(() => done()))
        running.closeAllConnections()
        for (const socket of sockets) socket.destroy()
        await closed
      }
      return save()
    },
    save,
    get baseUrl() {
      if (!baseUrl)
        throw new SimulatorError('recorder.baseUrl: the recorder is not started; await recorder.start() first')
      return baseUrl
    },
  }
}
