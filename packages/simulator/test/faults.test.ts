import { describe, expect, it } from 'vitest'
import type { FaultRule } from '../src/types.ts'
import { AUTH, getJson, ids, startSimulator } from './helpers.ts'

describe('status faults', () => {
  it('429 with Retry-After in every form, sent exactly as given', async () => {
    const { simulator, url } = await startSimulator()
    const httpDate = new Date(Date.now() + 5_000).toUTCString()
    const pastDate = new Date(Date.now() - 60_000).toUTCString()
    const forms = ['5', httpDate, '0', undefined, '-3', pastDate]
    simulator.inject(
      ...forms.map((retryAfter): FaultRule => ({ fault: { kind: 'status', status: 429, retryAfter }, times: 1 })),
    )
    for (const form of forms) {
      const response = await fetch(`${url}/v2/me`)
      expect(response.status).toBe(429)
      expect(response.headers.get('retry-after')).toBe(form ?? null)
      expect(await response.json()).toEqual({ error: 'injected fault', status: 429 })
    }
    expect((await fetch(`${url}/v2/me`)).status).toBe(200) // every rule used up
  })

  it('5xx with custom body and headers, scripted with times', async () => {
    const { simulator, url } = await startSimulator()
    simulator.inject(
      {
        fault: { kind: 'status', status: 503, body: 'Service Unavailable', headers: { 'content-type': 'text/plain' } },
        times: 2,
      },
      { fault: { kind: 'status', status: 500 }, times: 1 },
    )
    const statuses = []
    for (let attempt = 0; attempt < 5; attempt++) statuses.push((await fetch(`${url}/v2/me`)).status)
    expect(statuses).toEqual([503, 503, 500, 200, 200])
    expect(simulator.requests.map((request) => request.fault)).toEqual([
      'status',
      'status',
      'status',
      undefined,
      undefined,
    ])
  })

  it('match by method and path (regex or string); the returned function removes the rules', async () => {
    const { simulator, url } = await startSimulator()
    const remove = simulator.inject({
      fault: { kind: 'status', status: 502 },
      match: { method: 'GET', path: /^\/v2\/tickets\/\d+$/ },
    })
    simulator.inject({ fault: { kind: 'status', status: 504 }, match: { method: 'POST', path: '^/v2/me$' } })
    expect((await fetch(`${url}/v2/tickets/1`)).status).toBe(502)
    expect((await fetch(`${url}/v2/tickets/2`)).status).toBe(502)
    expect((await fetch(`${url}/v2/me`)).status).toBe(200)
    expect((await fetch(`${url}/v2/me`, { method: 'POST' })).status).toBe(504)
    remove()
    expect((await fetch(`${url}/v2/tickets/1`)).status).toBe(200)
    simulator.clearFaults()
    expect((await fetch(`${url}/v2/me`, { method: 'POST' })).status).toBe(404)
  })
})

describe('probabilistic faults', () => {
  const statuses = async (seed: number) => {
    const { simulator, url } = await startSimulator({ seed })
    simulator.inject({ fault: { kind: 'status', status: 503 }, probability: 0.3 })
    const seen: number[] = []
    for (let index = 0; index < 40; index++) seen.push((await fetch(`${url}/v2/me`)).status)
    return seen
  }

  it('are deterministic for a seed and differ across seeds', async () => {
    const first = await statuses(7)
    expect(await statuses(7)).toEqual(first)
    expect(await statuses(8)).not.toEqual(first)
    const failures = first.filter((status) => status === 503).length
    expect(failures).toBeGreaterThan(3)
    expect(failures).toBeLessThan(25)
  })
})

describe('transport faults', () => {
  it('slow: the answer comes only after the delay, so a shorter client timeout fires', async () => {
    const { simulator, url } = await startSimulator()
    simulator.inject({ fault: { kind: 'slow', delayMs: 400 }, times: 2 })
    await expect(fetch(`${url}/v2/me`, { signal: AbortSignal.timeout(100) })).rejects.toThrow(/aborted due to timeout/)
    const started = performance.now()
    const response = await fetch(`${url}/v2/me`)
    expect(response.status).toBe(200)
    expect(performance.now() - started).toBeGreaterThanOrEqual(380)
    expect(simulator.requests.map((request) => request.fault)).toEqual(['slow', 'slow'])
  })

  it('reset: headers and part of the body, then the connection drops (a network error reading the body)', async () => {
    const { simulator, url } = await startSimulator()
    simulator.inject({ fault: { kind: 'reset' }, times: 1 })
    const failure = await (async () => {
      const response = await fetch(`${url}/v2/tickets?per_page=50`, { headers: AUTH })
      await response.text()
    })().then(
      () => undefined,
      (error: Error) => error,
    )
    expect(failure).toBeInstanceOf(TypeError) // undici: "terminated" / "fetch failed", not a JSON error
    expect((await fetch(`${url}/v2/tickets`, { headers: AUTH })).status).toBe(200)
  })

  it('truncate: a complete 200 response whose JSON body stops half way', async () => {
    const { simulator, url } = await startSimulator()
    simulator.inject({ fault: { kind: 'truncate' }, times: 1 })
    const response = await fetch(`${url}/v2/tickets?per_page=50`, { headers: AUTH })
    expect(response.status).toBe(200)
    const text = await response.text()
    const whole = await (await fetch(`${url}/v2/tickets?per_page=50`, { headers: AUTH })).text()
    expect(text.length).toBe(Math.floor(whole.length / 2))
    expect(whole.startsWith(text)).toBe(true)
    expect(() => JSON.parse(text)).toThrow(SyntaxError)
  })

  it('duplicate_boundary: the next page starts with the last record of the previous page', async () => {
    const { simulator, url } = await startSimulator()
    simulator.inject({ fault: { kind: 'duplicate_boundary' }, times: 1 })
    const page = async (number: number) =>
      ids((await getJson(`${url}/v2/tickets?per_page=10&page=${number}`, AUTH)).body)
    const first = await page(1) // page 1 has no previous page: the rule is not consumed
    const second = await page(2)
    const third = await page(3)
    expect(second).toHaveLength(11)
    expect(second[0]).toBe(first.at(-1))
    expect(third).toHaveLength(10)
    expect(simulator.requests.map((request) => request.fault)).toEqual([undefined, 'duplicate_boundary', undefined])
  })
})

describe('request log and coverage', () => {
  it('unmatched requests get a 404 naming the method, path and closest endpoints, and are reported', async () => {
    const { simulator, url } = await startSimulator()
    await fetch(`${url}/v2/me`)
    await fetch(`${url}/v2/tickets?since=x`, { headers: AUTH })
    await fetch(`${url}/v2/tickets`, { headers: AUTH })
    const missing = await getJson(`${url}/v2/ticket/5?x=1`)
    expect(missing.status).toBe(404)
    expect(missing.body).toEqual({
      error:
        'no endpoint of the simulator spec matches GET /v2/ticket/5; closest: GET /v2/tickets/{id}, GET /v2/tickets, GET /v2/me',
      status: 404,
      method: 'GET',
      path: '/v2/ticket/5',
      closest: ['GET /v2/tickets/{id}', 'GET /v2/tickets', 'GET /v2/me'],
    })
    const report = simulator.coverage()
    expect(report.unmatched).toHaveLength(1)
    expect(report.unmatched[0]).toMatchObject({
      method: 'GET',
      path: '/v2/ticket/5',
      query: { x: '1' },
      status: 404,
      endpoint: -1,
    })
    expect(report.unused).toEqual([
      'GET /v2/accounts/{account}/tickets',
      'GET /v2/tickets/{id}',
      'GET /v2/deleted_tickets',
    ])
    expect(report.counts).toEqual({
      'GET /v2/accounts/{account}/tickets': 0,
      'GET /v2/tickets': 2,
      'GET /v2/tickets/{id}': 0,
      'GET /v2/deleted_tickets': 0,
      'GET /v2/me': 1,
    })
    const logged = simulator.requests[1]!
    expect(logged).toMatchObject({
      method: 'GET',
      path: '/v2/tickets',
      query: { since: 'x' },
      status: 200,
      endpoint: 1,
    })
    expect(logged.headers.authorization).toBe('Bearer s3cret-token')
  })

  it('stop() closes idle keep-alive and in-flight slow connections without hanging', async () => {
    const { simulator, url } = await startSimulator()
    await fetch(`${url}/v2/me`) // leaves a keep-alive connection open
    simulator.inject({ fault: { kind: 'slow', delayMs: 60_000 } })
    const pending = fetch(`${url}/v2/me`).then(
      () => 'answered',
      () => 'failed',
    )
    // In flight once the simulator has logged it; a stop() that waited for it would outlast the test's timeout.
    while (simulator.requests.length < 2) await new Promise((resolve) => setImmediate(resolve))
    await simulator.stop()
    expect(await pending).toBe('failed')
  })
})
