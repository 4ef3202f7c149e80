// A fault-injecting HTTP proxy on 127.0.0.1, run as its own process in front of a source
// (`faults.bench.ts --role proxy`): every request goes to the target unchanged, except that
// a seeded share of them meets one of the transient faults real APIs and networks produce,
// in equal parts:
//
//   429 with Retry-After in seconds, 429 with Retry-After as an HTTP date, 429 without it,
//   500, 502, 503, a connection reset (the socket destroyed before any answer), and a
//   truncated JSON body (the upstream answer cut in half, with a matching Content-Length).
//
// The first line on stdout is the proxy's base URL. On SIGTERM or SIGINT it writes the
// faults it injected, as JSON (`{"requests": N, "faults": {"500": n, ...}}`), to stdout and exits.
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { seededRandom } from '../../packages/core/src/internal/index.ts'

/** The faults, injected in equal parts. */
export const FAULT_KINDS = [
  '429 Retry-After seconds',
  '429 Retry-After date',
  '429',
  '500',
  '502',
  '503',
  'connection reset',
  'truncated JSON',
] as const
type FaultKind = (typeof FAULT_KINDS)[number]

/** Headers a proxy must not forward (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'content-length',
])

/** Settings of {@link serveFaultProxy}. */
export interface FaultProxyOptions {
  /** The source's base URL. */
  readonly target: string
  /** Share of requests that meet a fault, 0–1. */
  readonly rate: number
  /** Seed of the fault draws: the same request sequence meets the same faults. */
  readonly seed: number
  /** Port, 0 for a free one. */
  readonly port: number
  /** `Retry-After` in seconds (the date form is one second later). */
  readonly retryAfterSeconds: number
}

/** Serves the proxy until SIGTERM or SIGINT (see the file's header). */
export function serveFaultProxy(options: FaultProxyOptions): void {
  const target = new URL(options.target)
  const random = seededRandom(options.seed)
  const counts: Record<string, number> = {}
  let requests = 0

  function pickFault(): FaultKind | undefined {
    if (random() >= options.rate) return undefined
    return FAULT_KINDS[Math.floor(random() * FAULT_KINDS.length)]
  }

  function forwardHeaders(headers: IncomingMessage['headers']): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {}
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value
    }
    return out
  }

  /** Sends the request upstream and resolves with the whole answer. */
  function upstream(incoming: IncomingMessage, body: Buffer) {
    return new Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }>(
      (resolve, reject) => {
        const outgoing = httpRequest(
          new URL(incoming.url ?? '/', target),
          { method: incoming.method, headers: { ...forwardHeaders(incoming.headers), host: target.host } },
          (answer) => {
            const chunks: Buffer[] = []
            answer.on('data', (chunk: Buffer) => chunks.push(chunk))
            answer.on('end', () =>
              resolve({
                status: answer.statusCode ?? 502,
                headers: forwardHeaders(answer.headers),
                body: Buffer.concat(chunks),
              }),
            )
            answer.on('error', reject)
          },
        )
        outgoing.on('error', reject)
        outgoing.end(body)
      },
    )
  }

  function sendStatus(response: ServerResponse, status: number, headers: Record<string, string> = {}): void {
    const body = JSON.stringify({ message: `injected fault: HTTP ${status}` })
    response.writeHead(status, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      date: new Date().toUTCString(),
      ...headers,
    })
    response.end(body)
  }

  async function handle(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of incoming) chunks.push(chunk as Buffer)
    requests++
    const fault = pickFault()
    if (fault) counts[fault] = (counts[fault] ?? 0) + 1
    switch (fault) {
      case '429 Retry-After seconds':
        return sendStatus(response, 429, { 'retry-after': String(options.retryAfterSeconds) })
      case '429 Retry-After date': {
        // A date on this proxy's clock (sent as `Date` too), whole seconds as HTTP dates have them.
        const now = Math.floor(Date.now() / 1000) * 1000
        return sendStatus(response, 429, {
          date: new Date(now).toUTCString(),
          'retry-after': new Date(now + (options.retryAfterSeconds + 1) * 1000).toUTCString(),
        })
      }
      case '429':
      case '500':
      case '502':
      case '503':
        return sendStatus(response, Number(fault))
      case 'connection reset':
        incoming.socket.destroy()
        return
    }
    const answer = await upstream(incoming, Buffer.concat(chunks))
    const body = fault === 'truncated JSON' ? answer.body.subarray(0, Math.floor(answer.body.length / 2)) : answer.body
    response.writeHead(answer.status, { ...answer.headers, 'content-length': String(body.length) })
    response.end(body)
  }

  const server = createServer((incoming, response) => {
    handle(incoming, response).catch((error: unknown) => {
      if (!response.headersSent) sendStatus(response, 599, { 'x-proxy-error': String(error).slice(0, 200) })
      else response.destroy()
    })
  })
  server.listen(options.port, '127.0.0.1', () => {
    process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`)
  })

  function stop(): void {
    process.stdout.write(`${JSON.stringify({ requests, faults: counts })}\n`)
    server.closeAllConnections()
    server.close(() => process.exit(0))
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}
