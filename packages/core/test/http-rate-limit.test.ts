/**
 * Rate limits declared to the client: a response that says when to come back waits instead
 * of using one of the retry policy's attempts, measured on the server's clock, bounded by
 * `maxWaitMs` (each wait and all of one request's waits) and by a number of waits, and the
 * limit is named in events and in the `RateLimitError` that ends a request waiting too long.
 * Against a scripted server on 127.0.0.1; waits are checked as the client computed them
 * (events) and, from the server's side, as lower bounds only.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { RateLimitError } from '../src/errors/index.ts'
import { createHttpClient, type HttpEvent } from '../src/http/index.ts'
import { apiFailure } from './support/api-failure.ts'
import { gaps, type ScriptedServer, type Step, send, startScriptedServer } from './support/scripted-server.ts'

const FAST = { backoffBaseMs: 10, jitter: false } as const
let server: ScriptedServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

function recorder() {
  const events: HttpEvent[] = []
  return {
    events,
    onEvent: (event: HttpEvent) => void events.push(event),
    retries: () => events.flatMap((event) => (event.type === 'retry' ? [event] : [])),
    limits: () => events.flatMap((event) => (event.type === 'rate-limit' ? [event] : [])),
  }
}

/** A response dated on a server clock `skewMs` away from ours, in whole seconds as `Date` has them. */
function dated(skewMs: number, build: (serverNow: number) => { status: number; headers: Record<string, string> }) {
  const step: Step = (_request, response) => {
    const serverNow = Math.floor((Date.now() + skewMs) / 1000) * 1000
    const { status, headers } = build(serverNow)
    send(response, {
      status,
      headers: { date: new Date(serverNow).toUTCString(), ...headers },
      body: { message: 'slow down' },
    })
  }
  return step
}

describe('a response that says when to come back does not use an attempt', () => {
  it('429 and 503 with Retry-After, a 403 and a 429 with a spent quota: waited out; only errors count', async () => {
    server = await startScriptedServer({
      '/items': [
        { status: 429, headers: { 'retry-after': '0.05' } },
        { status: 500 },
        { status: 503, headers: { 'retry-after': '0.05' } },
        { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '0.05' } },
        { status: 429, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '0.05' } },
        { status: 502 },
        { status: 403, headers: { 'retry-after': '0.05' } },
        { body: { ok: true } },
      ],
    })
    const record = recorder()
    const client = createHttpClient({
      baseUrl: server.url,
      retry: FAST, // 3 attempts: the 500 and the 502 use two of them
      rateLimit: { quota: { marginMs: 0 } },
      onEvent: record.onEvent,
    })
    expect((await client.getJson('/items')).data).toEqual({ ok: true })
    expect(server.hits('/items')).toHaveLength(8)
    expect(record.retries().map((event) => [event.attempt, event.reason, event.status, event.limit])).toEqual([
      [1, 'rate-limit', 429, 'retry-after'],
      [2, 'status', 500, undefined],
      [3, 'rate-limit', 503, 'retry-after'],
      [4, 'rate-limit', 403, 'quota'],
      [5, 'rate-limit', 429, 'quota'],
      [6, 'status', 502, undefined],
      [7, 'rate-limit', 403, 'retry-after'],
    ])
    expect(record.limits().map((event) => event.waitMs)).toEqual([50, 50, 50, 50, 50])
    // The error backoff counts error attempts only: 10 ms, then 20 ms.
    expect(record.retries().flatMap((event) => (event.reason === 'status' ? [event.waitMs] : []))).toEqual([10, 20])
  })

  it('the three-attempt rule still ends a run of errors', async () => {
    server = await startScriptedServer({
      '/items': [
        { status: 500 },
        { status: 429, headers: { 'retry-after': '0.02' } },
        { status: 500 },
        { status: 500 },
        { body: {} },
      ],
    })
    const client = createHttpClient({ baseUrl: server.url, retry: FAST })
    const error = await apiFailure(client.getJson('/items'))
    expect(RateLimitError.isInstance(error)).toBe(false)
    expect(error.status).toBe(500)
    expect(error.attempts).toBe(4) // requests sent: three errors and one rate limit
    expect(server.hits('/items')).toHaveLength(4)
  })

  it('a 503 without Retry-After is an ordinary error; a 500 with Retry-After too (capped, using an attempt)', async () => {
    server = await startScriptedServer({
      '/items': [{ status: 503 }, { status: 500, headers: { 'retry-after': '0.05' } }, { status: 503 }, { body: {} }],
    })
    const client = createHttpClient({ baseUrl: server.url, retry: FAST })
    const error = await apiFailure(client.getJson('/items'))
    expect(error.attempts).toBe(3)
  })
})

describe('the waits of one request are bounded', () => {
  it('a server that keeps saying "come back" ends with a RateLimitError naming the limit and the time waited', async () => {
    server = await startScriptedServer({ '/items': { status: 429, headers: { 'retry-after': '0.1' } } })
    const record = recorder()
    const client = createHttpClient({
      baseUrl: server.url,
      retry: FAST,
      rateLimit: { maxWaitMs: 450 },
      onEvent: record.onEvent,
    })
    const error = await apiFailure(client.getJson('/items'))
    expect(RateLimitError.isInstance(error)).toBe(true)
    // Four waits of 100 ms fit in 450 ms; the fifth would make 500.
    expect(server.hits('/items')).toHaveLength(5)
    expect(record.limits()).toHaveLength(4)
    expect(error).toMatchObject({ limit: 'retry-after', waitMs: 100, waitedMs: 400, status: 429, attempts: 5 })
    expect(error.isRetryable).toBe(true)
    expect(error.category).toBe('transient')
    expect(error.message).toMatch(
      /^Rate limited; the source allows the next request at \S+Z, in 1 s; this request already waited 1 s, and 1 s in all is longer than rateLimit\.maxWaitMs \(450 ms\)\. Nothing was skipped/,
    )
    const waited = gaps(server.hits('/items'))
    for (const gap of waited) expect(gap).toBeGreaterThanOrEqual(95)
  })

  it('and after 100 waits, however short', async () => {
    server = await startScriptedServer({ '/items': { status: 503, headers: { 'retry-after': '0.001' } } })
    const client = createHttpClient({ baseUrl: server.url })
    const error = await apiFailure(client.getJson('/items'))
    expect(RateLimitError.isInstance(error)).toBe(true)
    expect(server.hits('/items')).toHaveLength(101)
    expect(error.message).toMatch(/this request already waited 100 times/)
  })

  it('maxWaitMs: 0 never waits, and maxWaitSetting names the option to raise', async () => {
    server = await startScriptedServer({ '/items': [{ status: 429, headers: { 'retry-after': '2' } }, { body: {} }] })
    const record = recorder()
    const client = createHttpClient({
      baseUrl: server.url,
      rateLimit: { maxWaitMs: 0, maxWaitSetting: { name: 'max_wait_seconds', value: 0 } },
      onEvent: record.onEvent,
    })
    const error = await apiFailure(client.getJson('/items'))
    expect(error.message).toMatch(
      /in 2 s, longer than max_wait_seconds \(0\)\. .* raise max_wait_seconds to wait instead/,
    )
    expect(record.limits()).toEqual([])
    expect(server.hits('/items')).toHaveLength(1)
  })
})

describe("quota headers, measured on the server's clock", () => {
  for (const [label, skew] of [
    ['3 hours behind', -3 * 3_600_000],
    ['3 hours ahead of', 3 * 3_600_000],
  ] as const) {
    it(`a 403 with the quota spent waits until the reset when the server's clock is ${label} ours`, async () => {
      server = await startScriptedServer({
        '/items': [
          dated(skew, (serverNow) => ({
            status: 403,
            headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(serverNow / 1000 + 1) },
          })),
          { body: {} },
        ],
      })
      const record = recorder()
      const client = createHttpClient({
        baseUrl: server.url,
        rateLimit: { quota: { resetKind: 'epoch-seconds', name: 'primary' } },
        onEvent: record.onEvent,
      })
      await client.getJson('/items')
      // One second to the reset on the server's clock plus the one-second margin: not hours, not nothing.
      expect(record.limits()).toMatchObject([{ limit: 'primary', waitMs: 2000, status: 403 }])
      expect(gaps(server.hits('/items'))[0]).toBeGreaterThanOrEqual(1990)
    })
  }

  it('with waitOnSuccess, a success that spent the quota holds back the next request, naming the limit', async () => {
    server = await startScriptedServer({
      '/items': [{ headers: { 'ratelimit-remaining': '0', 'ratelimit-reset': '0.2' }, body: [] }, { body: [] }],
    })
    const record = recorder()
    const client = createHttpClient({
      baseUrl: server.url,
      rateLimit: {
        quota: {
          remainingHeader: 'RateLimit-Remaining',
          resetHeader: 'RateLimit-Reset',
          marginMs: 0,
          waitOnSuccess: true,
        },
      },
      onEvent: record.onEvent,
    })
    await client.getJson('/items')
    await client.getJson('/items')
    const [gate] = record.limits()
    expect(gate).toMatchObject({ limit: 'quota' })
    expect(gate!.waitMs).toBeGreaterThan(0)
    expect(gate!.waitMs).toBeLessThanOrEqual(200)
    expect(gaps(server.hits('/items'))[0]).toBeGreaterThanOrEqual(gate!.waitMs - 5)
  })

  it('without waitOnSuccess a success is not held back, and quota: false ignores the headers', async () => {
    const spent = { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '3600' }
    server = await startScriptedServer({
      '/ok': { headers: spent, body: [] },
      '/limited': { status: 429, headers: spent },
    })
    const record = recorder()
    const client = createHttpClient({ baseUrl: server.url, retry: FAST, onEvent: record.onEvent })
    await client.getJson('/ok')
    await client.getJson('/ok')
    expect(record.limits()).toEqual([])
    // The default quota rule reads a 429's headers: an hour is beyond the default 15 minutes.
    expect(RateLimitError.isInstance(await apiFailure(client.getJson('/limited')))).toBe(true)
    const ignoring = createHttpClient({ baseUrl: server.url, retry: FAST, rateLimit: { quota: false } })
    const error = await apiFailure(ignoring.getJson('/limited'))
    expect(RateLimitError.isInstance(error)).toBe(false)
    expect(error.attempts).toBe(3)
  })

  it('a success that announced a wait beyond maxWaitMs fails the next request at once, naming the limit', async () => {
    server = await startScriptedServer({
      '/items': { headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '3600' }, body: [] },
    })
    const client = createHttpClient({
      baseUrl: server.url,
      rateLimit: { quota: { waitOnSuccess: true, description: 'Acme quota spent; it resets' }, maxWaitMs: 60_000 },
    })
    await client.getJson('/items')
    const error = await apiFailure(client.getJson('/items'))
    expect(error).toMatchObject({ limit: 'quota', status: undefined })
    expect(error.message).toMatch(/^Acme quota spent; it resets at \S+Z, in 36\d\d s, longer than rateLimit\.maxWaitMs/)
    expect(server.hits('/items')).toHaveLength(1)
  })
})

describe('limits that only the body names', () => {
  const SECONDARY = { message: 'You have exceeded a secondary rate limit. Please wait a few minutes.' }

  it('waits the declared time on the declared statuses; any other 403 is still a credentials error', async () => {
    server = await startScriptedServer({
      '/items': [{ status: 403, body: SECONDARY }, { status: 429, body: SECONDARY }, { body: [] }],
      '/private': { status: 403, body: { message: 'Resource not accessible by personal access token' } },
      '/teapot': { status: 418, body: SECONDARY },
    })
    const record = recorder()
    const client = createHttpClient({
      baseUrl: server.url,
      retry: { limit: 1 },
      rateLimit: { bodyLimits: [{ name: 'secondary', pattern: /secondary rate limit/i, waitMs: 120 }] },
      onEvent: record.onEvent,
    })
    expect((await client.getJson('/items')).data).toEqual([])
    expect(record.limits().map((event) => [event.limit, event.status, event.waitMs])).toEqual([
      ['secondary', 403, 120],
      ['secondary', 429, 120],
    ])
    for (const gap of gaps(server.hits('/items'))) expect(gap).toBeGreaterThanOrEqual(115)
    const denied = await apiFailure(client.getJson('/private'))
    expect(denied.category).toBe('auth')
    expect(server.hits('/private')).toHaveLength(1)
    await apiFailure(client.getJson('/teapot'))
    expect(server.hits('/teapot')).toHaveLength(1)
  })

  it('Retry-After comes first, then the quota, then the body', async () => {
    server = await startScriptedServer({
      '/items': [
        {
          status: 403,
          headers: { 'retry-after': '0.03', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '9' },
          body: SECONDARY,
        },
        { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '0.04' }, body: SECONDARY },
        { status: 403, body: SECONDARY },
        { body: [] },
      ],
    })
    const record = recorder()
    const client = createHttpClient({
      baseUrl: server.url,
      rateLimit: {
        quota: { marginMs: 0 },
        bodyLimits: [{ name: 'secondary', pattern: /secondary rate limit/i, waitMs: 50 }],
      },
      onEvent: record.onEvent,
    })
    await client.getJson('/items')
    expect(record.limits().map((event) => [event.limit, event.waitMs])).toEqual([
      ['retry-after', 30],
      ['quota', 40],
      ['secondary', 50],
    ])
  })
})
