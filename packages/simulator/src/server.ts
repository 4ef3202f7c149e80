import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { resolve } from 'node:path'
import { Clock } from './clock.ts'
import { isGeneratedCorpus } from './corpus/generated-table.ts'
import { buildCorpus, type Corpus, type CorpusInput, readCorpusDir } from './corpus/load-corpus.ts'
import { SimulatorError } from './errors.ts'
import { FaultBook } from './faults.ts'
import { createMutations } from './mutations.ts'
import { checkAuth, checkParams, parseBody, readBody, unsupportedHandler } from './serve/checks.ts'
import { json, type Served } from './serve/encode.ts'
import { type CompiledEndpoint, closestEndpoints, compileEndpoints, matchEndpoint } from './serve/match.ts'
import { serveEndpoint } from './serve/serve-endpoint.ts'
import { faultResponse, writeReset, writeServed, writeTruncated } from './serve/write.ts'
import { loadSpec } from './spec/load-spec.ts'
import type { CoverageReport, Fault, LoggedRequest, Simulator, SimulatorOptions, SourceSpec } from './types.ts'

const DEFAULT_NOW = '2024-06-01T00:00:00Z'

/**
 * Creates a simulated source from a spec and a corpus. Loading is synchronous and validates
 * everything (spec keys, corpus files, primary keys), throwing `SimulatorSpecError`.
 *
 * @example
 * const simulator = createSimulator({ spec: 'simulator/endpoints.yaml', corpus: 'simulator/corpus' })
 * const baseUrl = await simulator.start()
 * // ... point the connector at baseUrl ...
 * await simulator.stop()
 */
export function createSimulator(options: SimulatorOptions): Simulator {
  const lenient = options.lenient ?? false
  const { spec, file, warnings: specWarnings } = loadSpec(options.spec, { lenient })
  const initialNow = options.now ?? DEFAULT_NOW
  const clock = new Clock(initialNow)
  const where = typeof options.corpus === 'string' ? resolve(options.corpus) : 'the corpus object'
  const input =
    typeof options.corpus === 'string' ? readCorpusDir(options.corpus, spec, file) : cloneInput(options.corpus)
  const state = { corpus: buildCorpus(spec, file, input, where, clock.ms, lenient) }
  const endpoints = compileEndpoints(spec.endpoints)
  const faults = new FaultBook(options.seed ?? 42)
  const log: LoggedRequest[] = []
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()
  let server: Server | undefined
  let baseUrl = ''

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    handleRequest({
      request,
      response,
      endpoints,
      corpus: state.corpus,
      faults,
      log,
      baseUrl,
      spec,
      timers,
      clock,
    }).catch((error) => {
      if (!response.headersSent) {
        const served = json(500, { error: `simulator error: ${(error as Error).message}`, status: 500 })
        writeServed(response, withDate(served, clock))
      } else response.destroy()
    })
  }

  return {
    async start() {
      if (server) return baseUrl
      const created = createServer({ keepAliveTimeout: 5_000 }, handle)
      created.on('connection', (socket) => {
        sockets.add(socket)
        socket.on('close', () => sockets.delete(socket))
      })
      await new Promise<void>((resolve, reject) => {
        created.once('error', reject)
        created.listen(options.port ?? 0, '127.0.0.1', () => resolve())
      })
      const address = created.address()
      if (address === null || typeof address === 'string')
        throw new SimulatorError('simulator: could not read the listening port')
      server = created
      baseUrl = `http://127.0.0.1:${address.port}`
      return baseUrl
    },
    async stop() {
      const running = server
      if (!running) return
      server = undefined
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      const closed = new Promise<void>((resolve) => running.close(() => resolve()))
      running.closeAllConnections()
      for (const socket of sockets) socket.destroy()
      await closed
    },
    get baseUrl() {
      if (!baseUrl)
        throw new SimulatorError('simulator.baseUrl: the simulator is not started; await simulator.start() first')
      return baseUrl
    },
    clock,
    data: createMutations(() => state.corpus, clock, spec.corpora),
    inject: (...rules) => faults.add(rules),
    clearFaults: () => faults.clear(),
    get requests() {
      return log
    },
    coverage: () => coverage(endpoints, log),
    reset() {
      clock.set(initialNow)
      faults.reset()
      log.length = 0
      state.corpus = buildCorpus(spec, file, cloneInput(input), where, clock.ms, lenient)
    },
    get warnings() {
      return [...specWarnings, ...state.corpus.warnings]
    },
  }
}

/** Deep-copies corpus input (generated corpora are kept as they are). */
function cloneInput(input: CorpusInput): CorpusInput {
  const copy: CorpusInput = {}
  for (const [name, value] of Object.entries(input))
    copy[name] = isGeneratedCorpus(value) ? value : structuredClone(value)
  return copy
}

interface RequestContext {
  request: IncomingMessage
  response: ServerResponse
  endpoints: CompiledEndpoint[]
  corpus: Corpus
  faults: FaultBook
  log: LoggedRequest[]
  baseUrl: string
  spec: SourceSpec
  timers: Set<NodeJS.Timeout>
  clock: Clock
}

/**
 * Stamps a response with the simulated clock's `Date` (an HTTP date, whole seconds), as a
 * server stamps its own time: clients that compare `x-ratelimit-reset` or a `Retry-After`
 * date with the response's `Date` then work under any simulated time. A `Date` the spec's
 * `response.headers` or a fault's `headers` set explicitly is kept.
 */
function withDate(served: Served, clock: Clock): Served {
  if (Object.keys(served.headers).some((name) => name.toLowerCase() === 'date')) return served
  return { ...served, headers: { date: new Date(clock.ms).toUTCString(), ...served.headers } }
}

async function handleRequest(context: RequestContext): Promise<void> {
  const { request, response, faults } = context
  const received = await readBody(request)
  const method = (request.method ?? 'GET').toUpperCase()
  const url = new URL(request.url ?? '/', context.baseUrl)
  const query: Record<string, string> = {}
  for (const [name, value] of url.searchParams) query[name] = value
  const matched = matchEndpoint(context.endpoints, method, url.pathname)
  const entry: LoggedRequest = {
    method,
    path: url.pathname,
    query,
    ...(received.text === undefined ? {} : { body: received.text }),
    headers: flatHeaders(request),
    status: 0,
    endpoint: matched ? matched.endpoint.index : -1,
    at: Date.now(),
  }
  context.log.push(entry)

  const fault = faults.take(method, url.pathname, (candidate) => candidate.kind !== 'duplicate_boundary')
  if (fault) entry.fault = fault.kind
  if (fault?.kind === 'status') {
    entry.status = fault.status
    writeServed(response, withDate(faultResponse(fault), context.clock))
    return
  }
  if (fault?.kind === 'slow') {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        context.timers.delete(timer)
        resolve()
      }, fault.delayMs)
      context.timers.add(timer)
    })
  }

  let served: Served
  if (!matched) {
    const closest = closestEndpoints(context.endpoints, method, url.pathname)
    served = json(404, {
      error: `no endpoint of the simulator spec matches ${method} ${url.pathname}; closest: ${closest.join(', ') || '(none)'}`,
      status: 404,
      method,
      path: url.pathname,
      closest,
    })
  } else {
    const spec = matched.endpoint.spec
    const parsed = parseBody(spec, received.text)
    served =
      unsupportedHandler(matched.endpoint) ??
      received.tooLarge ??
      checkAuth(spec, request, url) ??
      checkParams(spec, query) ??
      parsed.invalid ??
      serveEndpoint({
        endpoint: spec,
        pathParams: matched.params,
        inputs: { query, body: parsed.body },
        url,
        corpus: context.corpus,
        takeDuplicate: () => {
          const duplicate = faults.take(method, url.pathname, (candidate) => candidate.kind === 'duplicate_boundary')
          if (duplicate) entry.fault = duplicate.kind
          return duplicate !== undefined
        },
      })
  }
  entry.status = served.status
  writeBody(response, withDate(served, context.clock), fault)
}

function writeBody(response: ServerResponse, served: Served, fault: Fault | undefined): void {
  if (fault?.kind === 'reset') writeReset(response, served)
  else if (fault?.kind === 'truncate') writeTruncated(response, served)
  else writeServed(response, served)
}

function flatHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return headers
}

function coverage(endpoints: CompiledEndpoint[], log: readonly LoggedRequest[]): CoverageReport {
  const counts: Record<string, number> = {}
  for (const endpoint of endpoints) counts[endpoint.label] = 0
  const unmatched: LoggedRequest[] = []
  const unsupported: LoggedRequest[] = []
  for (const entry of log) {
    if (entry.endpoint < 0) unmatched.push(entry)
    else {
      const endpoint = endpoints[entry.endpoint]!
      counts[endpoint.label] = (counts[endpoint.label] ?? 0) + 1
      if (endpoint.spec.handler !== undefined) unsupported.push(entry)
    }
  }
  const unused = endpoints.filter((endpoint) => counts[endpoint.label] === 0).map((endpoint) => endpoint.label)
  return { unmatched, unsupported, unused, counts }
}
