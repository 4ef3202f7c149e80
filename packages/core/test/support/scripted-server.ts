/**
 * A scripted `node:http` server on 127.0.0.1 for HTTP tests (not shipped). Each route holds
 * a list of steps consumed one per request (the last one repeats), so a test can script
 * "503, 503, then 200" or "a reset mid-body, then 200". Every request is recorded with its
 * arrival time, so tests measure the client's waits from the server side.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A request as the server saw it. */
export interface RecordedRequest {
  readonly method: string
  /** Path and query, as sent. */
  readonly target: string
  readonly url: URL
  readonly headers: IncomingHttpHeaders
  readonly body: string
  /** `performance.now()` when the request arrived. */
  readonly at: number
}

/** A canned response. A non-string body is sent as JSON. */
export interface ResponseSpec {
  status?: number
  headers?: Record<string, string>
  body?: unknown
  /** Wait before answering (a slow handler). */
  delayMs?: number
}

/** Full control over one response. */
export type Handler = (
  request: RecordedRequest,
  response: ServerResponse,
  server: ScriptedServer,
) => void | Promise<void>

/** One scripted answer. */
export type Step = ResponseSpec | Handler

/** A running scripted server. */
export interface ScriptedServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  /** Every request, in arrival order. */
  readonly requests: RecordedRequest[]
  /** Requests no route matched (answered 404). */
  readonly unmatched: RecordedRequest[]
  /** The requests to one path (pathname only, any query). */
  hits(pathname: string): RecordedRequest[]
  /** Replaces or adds a route: `'GET /items'` or `'/items'` (any method). */
  route(key: string, steps: Step | Step[]): void
  /** Schedules a timer that `close()` clears. */
  later(ms: number, action: () => void): void
  /** Stops the server, dropping open connections. */
  close(): Promise<void>
}

/** Sends a canned response. */
export function send(response: ServerResponse, spec: ResponseSpec): void {
  const body = spec.body === undefined ? '' : typeof spec.body === 'string' ? spec.body : JSON.stringify(spec.body)
  const headers: Record<string, string> = { ...spec.headers }
  if (spec.body !== undefined && typeof spec.body !== 'string' && !hasHeader(headers, 'content-type')) {
    headers['content-type'] = 'application/json'
  }
  response.writeHead(spec.status ?? 200, headers)
  response.end(body)
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name)
}

/** A handler that announces `declaredLength` bytes, writes `partial`, then destroys the socket. */
export function resetMidBody(partial: string, declaredLength = 4096): Handler {
  return (_request, response, server) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(declaredLength) })
    response.write(partial)
    server.later(20, () => response.socket?.destroy())
  }
}

/** Starts a scripted server on a free port of 127.0.0.1. */
export async function startScriptedServer(routes: Record<string, Step | Step[]> = {}): Promise<ScriptedServer> {
  const table = new Map<string, { steps: Step[]; next: number }>()
  const timers = new Set<NodeJS.Timeout>()
  const requests: RecordedRequest[] = []
  const unmatched: RecordedRequest[] = []

  const scripted: ScriptedServer = {
    url: '',
    requests,
    unmatched,
    hits: (pathname) => requests.filter((request) => request.url.pathname === pathname),
    route(key, steps) {
      table.set(key, { steps: Array.isArray(steps) ? steps : [steps], next: 0 })
    },
    later(ms, action) {
      const timer = setTimeout(() => {
        timers.delete(timer)
        action()
      }, ms)
      timers.add(timer)
    },
    async close() {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  for (const [key, steps] of Object.entries(routes)) scripted.route(key, steps)

  async function handle(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const at = performance.now()
    const chunks: Buffer[] = []
    for await (const chunk of incoming) chunks.push(chunk as Buffer)
    const target = incoming.url ?? '/'
    const request: RecordedRequest = {
      method: incoming.method ?? 'GET',
      target,
      url: new URL(target, 'http://127.0.0.1'),
      headers: incoming.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      at,
    }
    requests.push(request)
    const entry = table.get(`${request.method} ${request.url.pathname}`) ?? table.get(request.url.pathname)
    if (!entry) {
      unmatched.push(request)
      send(response, { status: 404, body: { error: `no route for ${request.method} ${request.url.pathname}` } })
      return
    }
    const step = entry.steps[Math.min(entry.next, entry.steps.length - 1)]!
    entry.next++
    if (typeof step === 'function') {
      await step(request, response, scripted)
      return
    }
    if (step.delayMs) scripted.later(step.delayMs, () => send(response, step))
    else send(response, step)
  }

  const server = createServer((incoming, response) => {
    handle(incoming, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, { status: 599, body: { error: String(error) } })
      else response.destroy()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  ;(scripted as { url: string }).url = `http://127.0.0.1:${port}`
  return scripted
}

/** Gaps in ms between consecutive requests. */
export function gaps(requests: readonly RecordedRequest[]): number[] {
  return requests.slice(1).map((request, index) => request.at - requests[index]!.at)
}
