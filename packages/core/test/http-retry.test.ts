import { afterEach, describe, expect, it } from 'vitest'
import { RateLimitError } from '../src/errors/index.ts'
import {
  createHttpClient,
  estimateServerTime,
  fhirOperationOutcomeApiError,
  graphqlApiError,
  type HttpEvent,
  type ResponseMeta,
} from '../src/http/index.ts'
import { apiFailure } from './support/api-failure.ts'
import { gaps, resetMidBody, type ScriptedServer, startScriptedServer } from './support/scripted-server.ts'

const FAST = { backoffBaseMs: 20, jitter: false } as const
let server: ScriptedServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

async function start(routes: Parameters<typeof startScriptedServer>[0]) {
  server = await startScriptedServer(routes)
  return server
}

describe('retry on status', () => {
  it('retries 500 and 503, then returns the success with exponential waits', async () => {
    const scripted = await start({
      '/items': [{ status: 500 }, { status: 503 }, { body: { ok: true } }],
    })
    const events: HttpEvent[] = []
    const client = createHttpClient({ baseUrl: scripted.url, retry: FAST, onEvent: (event) => events.push(event) })
    const response = await client.getJson<{ ok: boolean }>('/items')
    expect(response.data).toEqual({ ok: true })
    expect(response.status).toBe(200)
    expect(scripted.hits('/items')).toHaveLength(3)
    // The server saw the waits at least as long as the client computed them (a loaded machine only adds).
    const [first, second] = gaps(scripted.hits('/items'))
    expect(first).toBeGreaterThanOrEqual(19)
    expect(second).toBeGreaterThanOrEqual(39)
    const retries = events.filter((event) => event.type === 'retry')
    expect(retries.map((event) => [event.attempt, event.waitMs, event.status, event.reason])).toEqual([
      [1, 20, 500, 'status'],
      [2, 40, 503, 'status'],
    ])
  })

  it('gives up after the attempt limit on a persistent 503', async () => {
    const scripted = await start({ '/down': { status: 503, body: 'upstream unavailable' } })
    const client = createHttpClient({ baseUrl: scripted.url, retry: { ...FAST, limit: 4 } })
    const error = await apiFailure(client.getJson('/down'))
    expect(scripted.hits('/down')).toHaveLength(4)
    expect(error.attempts).toBe(4)
    expect(error.isRetryable).toBe(true)
    expect(error.status).toBe(503)
    expect(error.category).toBe('transient')
    expect(error.method).toBe('GET')
    expect(error.url).toBe(`${scripted.url}/down`)
    expect(error.bodyExcerpt).toBe('upstream unavailable')
    expect(error.message).toContain(`GET ${scripted.url}/down`)
    expect(error.message).toContain('after 4 attempts')
  })

  it('uses 3 attempts by default', async () => {
    const scripted = await start({ '/down': { status: 502 } })
    const client = createHttpClient({ baseUrl: scripted.url, retry: { backoffBaseMs: 5 } })
    const error = await apiFailure(client.getJson('/down'))
    expect(scripted.hits('/down')).toHaveLength(3)
    expect(error.attempts).toBe(3)
  })

  it('does not retry a 404 and classifies it as config', async () => {
    const scripted = await start({ '/missing': { status: 404, body: { message: 'Not Found' } } })
    const client = createHttpClient({ baseUrl: scripted.url, retry: FAST })
    const error = await apiFailure(client.getJson('/missing'))
    expect(scripted.hits('/missing')).toHaveLength(1)
    expect(error.status).toBe(404)
    expect(error.isRetryable).toBe(false)
    expect(error.category).toBe('config')
    expect(error.attempts).toBe(1)
    expect(error.bodyExcerpt).toContain('Not Found')
  })

  it('returns an allowed non-2xx status instead of failing', async () => {
    const scripted = await start({ '/maybe': { status: 404, body: { message: 'none' } } })
    const client = createHttpClient({ baseUrl: scripted.url, retry: FAST })
    const response = await client.getJson('/maybe', { allowStatuses: [404] })
    expect(response.status).toBe(404)
    expect(response.data).toEqual({ message: 'none' })
  })

  it('applies ±20 % jitter by default', async () => {
    const scripted = await start({ '/flaky': [{ status: 503 }, { status: 503 }, { status: 503 }, { body: {} }] })
    const waits: number[] = []
    const client = createHttpClient({
      baseUrl: scripted.url,
      retry: { backoffBaseMs: 50, limit: 4 },
      onEvent: (event) => event.type === 'retry' && waits.push(event.waitMs),
    })
    await client.getJson('/flaky')
    expect(waits).toHaveLength(3)
    waits.forEach((wait, index) => {
      const nominal = 50 * 2 ** index
      expect(wait).toBeGreaterThanOrEqual(nominal * 0.8)
      expect(wait).toBeLessThanOrEqual(nominal * 1.2)
    })
    // A jitter of exactly zero on all three waits would mean jitter is off.
    expect(waits.some((wait, index) => wait !== 50 * 2 ** index)).toBe(true)
  })
})

describe('Retry-After on 429', () => {
  it('waits the given seconds', async () => {
    const scripted = await start({ '/limited': [{ status: 429, headers: { 'retry-after': '1' } }, { body: [] }] })
    const events: HttpEvent[] = []
    const client = createHttpClient({ baseUrl: scripted.url, retry: FAST, onEvent: (event) => events.push(event) })
    expect((await client.getJson('/limited')).data).toEqual([])
    expect(scripted.hits('/limited')).toHaveLength(2)
    const [gap] = gaps(scripted.hits('/limited'))
    expect(gap).toBeGreaterThanOrEqual(990)
    // The server's wait is used as given (no jitter, whatever the backoff base), as a rate limit.
    expect(events.filter((event) => event.type === 'retry')).toMatchObject([
      { attempt: 1, waitMs: 1000, status: 429, reason: 'rate-limit', limit: 'retry-after' },
    ])
  })

  it('waits until an HTTP date', async () => {
    let expected = 0
    let latest = 0
    const scripted = await start({
      '/limited': [
        (_request, response) => {
          const until = Math.ceil(Date.now() / 1000) * 1000 + 1000
          expected = until - Date.now()
          // The most the client can compute: measured from the Date header's whole second.
          latest = until - Math.floor(Date.now() / 1000) * 1000
          response.writeHead(429, { 'retry-after': new Date(until).toUTCString() })
          response.end()
        },
        { body: [] },
      ],
    })
    const waits: number[] = []
    const client = createHttpClient({
      baseUrl: scripted.url,
      retry: FAST,
      onEvent: (event) => event.type === 'retry' && waits.push(event.waitMs),
    })
    await client.getJson('/limited')
    expect(scripted.hits('/limited')).toHaveLength(2)
    // The wait runs to the date, measured from when the server answered (or, when the answer
    // arrived late, from its Date second), and is taken in full.
    expect(expected).toBeGreaterThan(900)
    expect(waits).toHaveLength(1)
    expect(waits[0]).toBeGreaterThan(0)
    expect(waits[0]).toBeLessThanOrEqual(latest)
    const [gap] = gaps(scripted.hits('/limited'))
    expect(gap).toBeGreaterThanOrEqual(waits[0]! - 5)
  })

  it.each([
    ['3 hours behind', -3 * 3_600_000],
    ['3 hours ahead of', 3 * 3_600_000],
  ])('measures an HTTP date against the response Date when the server clock is %s ours', async (_label, skew) => {
    const scripted = await start({
      '/limited': [
        (_request, response) => {
          // The server's own clock, in whole seconds as HTTP dates have them.
          const serverNow = Math.floor((Date.now() + skew) / 1000) * 1000
          response.writeHead(429, {
            date: new Date(serverNow).toUTCString(),
            'retry-after': new Date(serverNow + 1000).toUTCString(),
          })
          response.end()
        },
        { body: [] },
      ],
    })
    const waits: number[] = []
    const client = createHttpClient({
      baseUrl: scripted.url,
      retry: { backoffBaseMs: 20, jitter: false },
      onEvent: (event) => event.type === 'retry' && waits.push(event.waitMs),
    })
    await client.getJson('/limited')
    // One second on the server's clock: not hours (beyond the limit), not a date "already past".
    expect(waits).toEqual([1000])
    const [gap] = gaps(scripted.hits('/limited'))
    expect(gap).toBeGreaterThanOrEqual(990)
  })

  it('estimateServerTime trusts the local clock only while it agrees with Date (whole seconds)', () => {
    const date = 'Tue, 24 Nov 2026 10:00:00 GMT'
    const second = Date.parse(date)
    expect(estimateServerTime(date, second + 700)).toBe(second + 700)
    expect(estimateServerTime(date, second + 1999)).toBe(second + 1999)
    expect(estimateServerTime(date, second + 2000)).toBe(second)
    expect(estimateServerTime(date, second - 1)).toBe(second)
    expect(estimateServerTime(date, second + 3 * 3_600_000)).toBe(second)
    expect(estimateServerTime(null, 1234)).toBe(1234)
    expect(estimateServerTime('yesterday-ish', 1234)).toBe(1234)
  })

  it('caps the Retry-After of an ordinary error (a 502) at maxRetryAfterMs, using an attempt', async () => {
    const scripted = await start({ '/flaky': [{ status: 502, headers: { 'retry-after': '3600' } }, { body: [] }] })
    const events: HttpEvent[] = []
    const client = createHttpClient({
      baseUrl: scripted.url,
      retry: { ...FAST, maxRetryAfterMs: 150 },
      onEvent: (event) => events.push(event),
    })
    await client.getJson('/flaky')
    expect(scripted.hits('/flaky')).toHaveLength(2)
    expect(events.filter((event) => event.type === 'retry')).toMatchObject([
      { attempt: 1, waitMs: 150, status: 502, reason: 'status' },
    ])
    expect(events.some((event) => event.type === 'rate-limit')).toBe(false)
    const [gap] = gaps(scripted.hits('/flaky'))
    expect(gap).toBeGreaterThanOrEqual(145)
  })

  it('fails at once with a RateLimitError when a 429 asks for longer than rateLimit.maxWaitMs', async () => {
    const scripted = await start({ '/limited': [{ status: 429, headers: { 'retry-after': '3600' } }, { body: [] }] })
    const events: HttpEvent[] = []
    const client = createHttpClient({
      baseUrl: scripted.url,
      retry: FAST,
      rateLimit: { maxWaitMs: 60_000 },
      onEvent: (event) => events.push(event),
    })
    const error = await apiFailure(client.getJson('/limited'))
    expect(RateLimitError.isInstance(error)).toBe(true)
    expect(error).toMatchObject({ limit: 'retry-after', waitMs: 3_600_000, waitedMs: 0, status: 429 })
    expect(error.isRetryable).toBe(true)
    expect(error.category).toBe('transient')
    expect(error.message).toMatch(
      /allows the next request at \S+Z, in 3600 s, longer than rateLimit.maxWaitMs \(60000 ms\)/,
    )
    expect(scripted.hits('/limited')).toHaveLength(1)
    expect(events.some((event) => event.type === 'rate-limit' || event.type === 'retry')).toBe(false)
  })

  it.each([
    ['0', '0'],
    ['missing', undefined],
    ['a past date', 'Wed, 21 Oct 2015 07:28:00 GMT'],
    ['negative', '-5'],
    ['garbage', 'soon'],
  ])('falls back to the exponential backoff when Retry-After is %s', async (_label, header) => {
    const headers: Record<string, string> = header === undefined ? {} : { 'retry-after': header }
    const scripted = await start({ '/limited': [{ status: 429, headers }, { status: 429, headers }, { body: [] }] })
    const waits: number[] = []
    const client = createHttpClient({
      baseUrl: scripted.url,
      retry: { backoffBaseMs: 60, jitter: false },
      onEvent: (event) => event.type === 'retry' && waits.push(event.waitMs),
    })
    await client.getJson('/limited')
    expect(scripted.hits('/limited')).toHaveLength(3)
    expect(waits).toEqual([60, 120])
    const [first, second] = gaps(scripted.hits('/limited'))
    expect(first).toBeGreaterThanOrEqual(58)
    expect(second).toBeGreaterThanOrEqual(118)
  })
  it('gives up on a persistent 429 after the attempt limit, as a retryable transient error', async () => {
    const scripted = await start({ '/limited': { status: 429, headers: { 'retry-after': '0' }, body: 'slow down' } })
    const client = createHttpClient({ baseUrl: scripted.url, retry: FAST })
    const error = await apiFailure(client.getJson('/limited'))
    expect(scripted.hits('/limited')).toHaveLength(3)
    expect(error.attempts).toBe(3)
    expect(error.status).toBe(429)
    expect(error.isRetryable).toBe(true)
    expect(error.category).toBe('transient')
    expect(error.message).toMatch(/\(HTTP 429\) after 3 attempts: GET /)
  })
})

describe('timeouts and broken transport', () => {
  it('times out a slow handler, retries, then fails as transient', async () => {
    // The handler never answers: only the timeout ends each attempt.
    const scripted = await start({ '/slow': () => {} })
    const client = createHttpClient({ baseUrl: scripted.url, timeoutMs: 80, retry: FAST })
    const started = performance.now()
    const error = await apiFailure(client.getJson('/slow'))
    const elapsed = performance.now() - started
    expect(scripted.hits('/slow')).toHaveLength(3)
    expect(error.category).toBe('transient')
    expect(error.isRetryable).toBe(true)
    expect(error.status).toBeUndefined()
    expect(error.attempts).toBe(3)
    expect(error.message).toMatch(/timed out after 80 ms/)
    // 3 × 80 ms + 20 + 40 ms of backoff at the least.
    expect(elapsed).toBeGreaterThanOrEqual(290)
  })

  it('times out a body that stalls after the headers', async () => {
    const scripted = await start({
      '/stall': [
        (_request, response) => {
          response.writeHead(200, { 'content-type': 'application/json' })
          response.write('{"items": [')
        },
        { body: { items: [] } },
      ],
    })
    // Long enough for the good answer on a loaded machine; only the stalled one needs it.
    const client = createHttpClient({ baseUrl: scripted.url, timeoutMs: 1000, retry: FAST })
    const response = await client.getJson('/stall')
    expect(response.data).toEqual({ items: [] })
    expect(scripted.hits('/stall')).toHaveLength(2)
  })

  it('does not retry timeouts when retryOnTimeout is false', async () => {
    const scripted = await start({ '/slow': () => {} })
    const client = createHttpClient({ baseUrl: scripted.url, timeoutMs: 60, retry: { ...FAST, retryOnTimeout: false } })
    const error = await apiFailure(client.getJson('/slow'))
    expect(scripted.hits('/slow')).toHaveLength(1)
    expect(error.isRetryable).toBe(true)
    expect(error.attempts).toBe(1)
  })

  it('retries a connection reset mid-body', async () => {
    const scripted = await start({ '/reset': [resetMidBody('{"items": [1, 2, 3'), { body: { items: [1, 2, 3] } }] })
    const events: HttpEvent[] = []
    const client = createHttpClient({ baseUrl: scripted.url, retry: FAST, onEvent: (event) => events.push(event) })
    const response = await client.getJson('/reset')
    expect(response.data).toEqual({ items: [1, 2, 3] })
    expect(scripted.hits('/reset')).toHaveLength(2)
    const retry = events.find((event) => event.type === 'retry')
    expect(retry).toMatchObject({ reason: 'network', attempt: 1 })
  })

  it('fails a persistent reset as a retryable network error', async () => {
    const scripted = await start({ '/reset': resetMidBody('{"items": [') })
    const client = createHttpClient({ baseUrl: scripted.url, retry: FAST })
    const error = await apiFailure(client.getJson('/reset'))
    expect(scripted.hits('/reset')).toHaveLength(3)
    expect(error.message).toMatch(/Network error while reading the body/)
    expect(error.category).toBe('transient')
    expect(error.isRetryable).toBe(true)
  })

  it('retries a refused connection', async () => {
    const scripted = await start({})
    const url = scripted.url
    await scripted.close()
    server = undefined
    const client = createHttpClient({ baseUrl: url, retry: FAST })
    const error = await apiFailure(client.getJson('/gone'))
    expect(error.attempts).toBe(3)
    expect(error.message).toMatch(/ECONNREFUSED/)
    expect(error.category).toBe('transient')
  })
})

describe('malformed bodies and API errors in 200', () => {
  it('retries a truncated JSON body and reports method and URL, keeping the records it held out of the message', async () => {
    const body = '{"items": [{"id": 1, "email": "ana@example.com"}, {"id": 2'
    const scripted = await start({ '/truncated': { body } })
    const client = createHttpClient({ baseUrl: scripted.url, retry: FAST })
    const error = await apiFailure(client.getJson('/truncated', { searchParams: { page: 2 } }))
    expect(scripted.hits('/truncated')).toHaveLength(3)
    expect(error.isRetryable).toBe(true)
    expect(error.status).toBe(200)
    expect(error.message).toContain(`GET ${scripted.url}/truncated?page=2`)
    expect(error.message).toMatch(/not valid JSON/)
    expect(error.message).toContain(`response body withheld (${body.length} characters`)
    expect(error.bodyExcerpt).toBeUndefined()
    expect(JSON.stringify(error)).not.toContain('ana@example.com')
    // Kept for debug logging only.
    expect(error.responseBody).toBe(body)
  })

  it('recovers when a truncated body is followed by a good one', async () => {
    const scripted = await start({ '/truncated': [{ body: '{"items": [' }, { body: { items: [] } }] })
    const client = createHttpClient({ baseUrl: scripted.url, retry: FAST })
    expect((await client.getJson('/truncated')).data).toEqual({ items: [] })
  })

  const outcome = (code: string) => ({
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code, diagnostics: `server said ${code}` }],
  })
  const isApiError = (body: unknown) => {
    const record = body as { resourceType?: string; issue?: { code: string; diagnostics: string }[] }
    if (record?.resourceType !== 'OperationOutcome') return undefined
    const issue = record.issue?.[0]
    return { message: issue?.diagnostics ?? 'OperationOutcome', retryable: issue?.code === 'transient' }
  }

  it('retries a retryable OperationOutcome inside a 200', async () => {
    const scripted = await start({ '/Patient': [{ body: outcome('transient') }, { body: { resourceType: 'Bundle' } }] })
    const client = createHttpClient({ baseUrl: scripted.url, retry: FAST, isApiError })
    const response = await client.getJson('/Patient')
    expect(response.data).toEqual({ resourceType: 'Bundle' })
    expect(scripted.hits('/Patient')).toHaveLength(2)
  })

  it('fails a fatal OperationOutcome at once', async () => {
    const scripted = await start({ '/Patient': { body: outcome('invalid') } })
    const client = createHttpClient({ baseUrl: scripted.url, retry: FAST, isApiError })
    const error = await apiFailure(client.getJson('/Patient'))
    expect(scripted.hits('/Patient')).toHaveLength(1)
    expect(error.isRetryable).toBe(false)
    expect(error.category).toBe('source')
    expect(error.status).toBe(200)
    expect(error.message).toContain('server said invalid')
  })

  it('fails a persistent retryable OperationOutcome after the limit', async () => {
    const scripted = await start({ '/Patient': { body: outcome('transient') } })
    const client = createHttpClient({ baseUrl: scripted.url, retry: FAST, isApiError })
    const error = await apiFailure(client.getJson('/Patient'))
    expect(scripted.hits('/Patient')).toHaveLength(3)
    expect(error.isRetryable).toBe(true)
    expect(error.category).toBe('transient')
    expect(error.attempts).toBe(3)
  })
})

describe('ready-made API error hooks', () => {
  it('retries a rate-limited GraphQL answer and fails a GraphQL error', async () => {
    const scripted = await start({
      'POST /graphql': [
        { body: { errors: [{ type: 'RATE_LIMITED', message: 'API rate limit exceeded' }] } },
        { body: { data: { viewer: { login: 'octocat' } } } },
        {
          body: {
            data: null,
            errors: [{ message: 'Field "nope" does not exist', extensions: { code: 'undefinedField' } }],
          },
        },
      ],
    })
    const client = createHttpClient({ baseUrl: scripted.url, retry: FAST, isApiError: graphqlApiError() })
    const ok = await client.postJson('/graphql', { query: '{ viewer { login } }' })
    expect(ok.data).toEqual({ data: { viewer: { login: 'octocat' } } })
    expect(scripted.hits('/graphql')).toHaveLength(2)
    const error = await apiFailure(client.postJson('/graphql', { query: '{ nope }' }))
    expect(error.isRetryable).toBe(false)
    expect(error.message).toContain('GraphQL errors: Field "nope" does not exist')
    expect(scripted.hits('/graphql')).toHaveLength(3)
  })

  it('classifies GraphQL partial data and FHIR issues', () => {
    const meta: ResponseMeta = { status: 200, method: 'POST', url: 'https://x.test', headers: new Headers() }
    const partial = { data: { a: 1 }, errors: [{ message: 'one field failed' }] }
    expect(graphqlApiError()(partial, meta)).toMatchObject({ retryable: false })
    expect(graphqlApiError({ allowPartialData: true })(partial, meta)).toBeUndefined()
    expect(graphqlApiError()({ data: { a: 1 } }, meta)).toBeUndefined()
    const fhir = fhirOperationOutcomeApiError()
    const outcome = (severity: string, code: string) => ({
      resourceType: 'OperationOutcome',
      issue: [{ severity, code }],
    })
    expect(fhir(outcome('error', 'throttled'), meta)).toMatchObject({ retryable: true })
    expect(fhir(outcome('fatal', 'not-found'), meta)).toMatchObject({ retryable: false })
    expect(fhir(outcome('warning', 'informational'), meta)).toBeUndefined()
    expect(fhir({ resourceType: 'Bundle' }, meta)).toBeUndefined()
  })
})
