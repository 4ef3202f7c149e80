// Request budgets (contract-checks C.23): clients that share a budget, and connector
// instances that share one by key, never start more requests than the declared rate,
// retries included. Measured from the server side.
import { afterEach, describe, expect, it } from 'vitest'
import { createHttpClient, createRateBudget, type HttpEvent } from '../src/http/index.ts'
import { type RecordedRequest, type ScriptedServer, startScriptedServer } from './support/scripted-server.ts'

let server: ScriptedServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

/**
 * The largest excess over the token bucket: for every pair of requests i ≤ j, the count in
 * [t_i, t_j] minus what `burst + rate × (t_j − t_i)` allows. ≤ 0 means the rate was kept.
 * `slackMs` absorbs what the server cannot tell apart from the client's pace: a new
 * connection delaying one request, a timer firing late on a busy machine.
 */
function excess(requests: readonly RecordedRequest[], perSecond: number, burst: number, slackMs = 25): number {
  const times = requests.map((request) => request.at).sort((left, right) => left - right)
  let worst = Number.NEGATIVE_INFINITY
  for (let first = 0; first < times.length; first++) {
    for (let last = first; last < times.length; last++) {
      const allowed = burst + ((times[last]! - times[first]! + slackMs) * perSecond) / 1000
      worst = Math.max(worst, last - first + 1 - allowed)
    }
  }
  return worst
}

/** Time from `started` (the test's clock, the same as the in-process server's) to the last arrival. */
const until = (requests: readonly RecordedRequest[], started: number) => requests.at(-1)!.at - started

describe('createRateBudget', () => {
  it('paces concurrent requests of one client: burst at once, then the rate', async () => {
    server = await startScriptedServer({ '/items': { body: [] } })
    const budget = createRateBudget({ requestsPerSecond: 40, burst: 3 })
    const client = createHttpClient({ baseUrl: server.url, rateLimit: { budget } })
    const started = performance.now()
    await Promise.all(Array.from({ length: 15 }, () => client.getJson('/items')))
    const requests = server.hits('/items')
    expect(requests).toHaveLength(15)
    expect(excess(requests, 40, 3)).toBeLessThanOrEqual(0)
    // 12 requests past the burst at 25 ms each.
    expect(until(requests, started)).toBeGreaterThanOrEqual(12 * 25)
    expect(until(requests, started)).toBeLessThan(12 * 25 + 250)
    // The burst went out at once.
    expect(requests[2]!.at - requests[0]!.at).toBeLessThan(20)
  })

  it('is shared by every client given it; separate budgets would double the rate', async () => {
    server = await startScriptedServer({ '/a': { body: [] }, '/b': { body: [] } })
    const run = async (shared: boolean) => {
      const first = createRateBudget({ requestsPerSecond: 50, burst: 1 })
      const second = shared ? first : createRateBudget({ requestsPerSecond: 50, burst: 1 })
      const a = createHttpClient({ baseUrl: server!.url, rateLimit: { budget: first } })
      const b = createHttpClient({ baseUrl: server!.url, rateLimit: { budget: second } })
      const before = server!.requests.length
      const started = performance.now()
      await Promise.all(Array.from({ length: 8 }, (_, index) => (index % 2 ? a : b).getJson(index % 2 ? '/a' : '/b')))
      return { requests: server!.requests.slice(before), started }
    }
    const shared = await run(true)
    expect(excess(shared.requests, 50, 1)).toBeLessThanOrEqual(0)
    expect(until(shared.requests, shared.started)).toBeGreaterThanOrEqual(7 * 20)
    // Control: two budgets let both clients go at the full rate, so the source sees twice it.
    const separate = await run(false)
    expect(excess(separate.requests, 50, 1)).toBeGreaterThan(0)
  })

  it('with a key, returns one budget per key and settings, process-wide', () => {
    const first = createRateBudget({ requestsPerSecond: 5, key: 'rate-budget-test https://x.test' })
    expect(createRateBudget({ requestsPerSecond: 5, key: 'rate-budget-test https://x.test' })).toBe(first)
    expect(createRateBudget({ requestsPerSecond: 5, key: 'rate-budget-test https://y.test' })).not.toBe(first)
    expect(createRateBudget({ requestsPerSecond: 6, key: 'rate-budget-test https://x.test' })).not.toBe(first)
    expect(createRateBudget({ requestsPerSecond: 5 })).not.toBe(createRateBudget({ requestsPerSecond: 5 }))
    expect(first).toMatchObject({ requestsPerSecond: 5, burst: 1 })
  })

  it('counts retries against the budget and reports each wait as a rate-limit event', async () => {
    server = await startScriptedServer({ '/flaky': [{ status: 503 }, { status: 503 }, { body: { ok: true } }] })
    const events: HttpEvent[] = []
    const client = createHttpClient({
      baseUrl: server.url,
      retry: { backoffBaseMs: 1, jitter: false },
      rateLimit: { budget: createRateBudget({ requestsPerSecond: 10 }) },
      onEvent: (event) => events.push(event),
    })
    const started = performance.now()
    expect((await client.getJson('/flaky')).data).toEqual({ ok: true })
    const requests = server.hits('/flaky')
    expect(requests).toHaveLength(3)
    expect(excess(requests, 10, 1)).toBeLessThanOrEqual(0)
    expect(until(requests, started)).toBeGreaterThanOrEqual(200)
    const waits = events.filter((event) => event.type === 'rate-limit')
    expect(waits).toHaveLength(2)
    // Each retry waited for its slot, beyond the 1-2 ms backoff.
    for (const wait of waits) expect(wait.waitMs).toBeGreaterThan(10)
  })

  it('gives up a wait when the request is cancelled, keeping the slot spent', async () => {
    const budget = createRateBudget({ requestsPerSecond: 2 })
    expect(await budget.acquire()).toBe(0)
    const controller = new AbortController()
    const waiting = budget.acquire(controller.signal)
    controller.abort(new Error('stop reading'))
    await expect(waiting).rejects.toThrow('stop reading')
    // The cancelled slot is not handed back: the next one is a full interval later.
    const started = performance.now()
    const waited = await budget.acquire()
    expect(waited).toBeGreaterThan(900)
    expect(performance.now() - started).toBeGreaterThanOrEqual(900)
  })

  it('rejects a rate that is not positive and a burst below 1', () => {
    expect(() => createRateBudget({ requestsPerSecond: 0 })).toThrow(/requestsPerSecond must be a positive number/)
    expect(() => createRateBudget({ requestsPerSecond: Number.NaN })).toThrow(RangeError)
    expect(() => createRateBudget({ requestsPerSecond: 1, burst: 0 })).toThrow(/burst must be an integer >= 1/)
    expect(() => createRateBudget({ requestsPerSecond: 1, burst: 1.5 })).toThrow(RangeError)
  })
})
