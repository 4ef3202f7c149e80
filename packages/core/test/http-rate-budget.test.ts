// Request budgets (contract-checks C.23): clients that share a budget, and connector
// instances that share one by key, never start more requests than the declared rate,
// retries included. The pace is measured where the client sends (its request events, on
// the monotonic clock): the in-process server shares the event loop, so its arrival times
// bunch up whenever the machine is busy. The server confirms counts and total duration.
import { afterEach, describe, expect, it } from 'vitest'
import { createHttpClient, createRateBudget, type HttpEvent } from '../src/http/index.ts'
import { type RecordedRequest, type ScriptedServer, startScriptedServer } from './support/scripted-server.ts'

let server: ScriptedServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

/**
 * The largest excess over the token bucket: for every pair of sends i ≤ j, the count in
 * [t_i, t_j] minus what `burst + rate × (t_j − t_i)` allows. ≤ 0 means the rate was kept.
 * `slackMs` absorbs timer rounding.
 */
function excess(times: readonly number[], perSecond: number, burst: number, slackMs = 2): number {
  const sorted = [...times].sort((left, right) => left - right)
  let worst = Number.NEGATIVE_INFINITY
  for (let first = 0; first < sorted.length; first++) {
    for (let last = first; last < sorted.length; last++) {
      const allowed = burst + ((sorted[last]! - sorted[first]! + slackMs) * perSecond) / 1000
      worst = Math.max(worst, last - first + 1 - allowed)
    }
  }
  return worst
}

/** An `onEvent` that notes when each request (attempt) is sent. */
function sendTimes(): { times: number[]; onEvent: (event: HttpEvent) => void } {
  const times: number[] = []
  return { times, onEvent: (event) => event.type === 'request' && times.push(performance.now()) }
}

/** Time from `started` (the test's clock, the same as the in-process server's) to the last arrival. */
const until = (requests: readonly RecordedRequest[], started: number) => requests.at(-1)!.at - started

describe('createRateBudget', () => {
  it('paces concurrent requests of one client: burst at once, then the rate', async () => {
    server = await startScriptedServer({ '/items': { body: [] } })
    const budget = createRateBudget({ requestsPerSecond: 40, burst: 3 })
    const events: HttpEvent[] = []
    const sent = sendTimes()
    const client = createHttpClient({
      baseUrl: server.url,
      rateLimit: { budget },
      onEvent: (event) => {
        events.push(event)
        sent.onEvent(event)
      },
    })
    const started = performance.now()
    await Promise.all(Array.from({ length: 15 }, () => client.getJson('/items')))
    const requests = server.hits('/items')
    expect(requests).toHaveLength(15)
    expect(sent.times).toHaveLength(15)
    expect(excess(sent.times, 40, 3)).toBeLessThanOrEqual(0)
    // 12 requests past the burst at 25 ms each.
    expect(until(requests, started)).toBeGreaterThanOrEqual(12 * 25)
    expect(until(requests, started)).toBeLessThan(12 * 25 + 250)
    // The burst went out without waiting; every later request waited for its token.
    expect(events.filter((event) => event.type === 'rate-limit')).toHaveLength(12)
  })

  it('is shared by every client given it; separate budgets would double the rate', async () => {
    server = await startScriptedServer({ '/a': { body: [] }, '/b': { body: [] } })
    const run = async (shared: boolean) => {
      const first = createRateBudget({ requestsPerSecond: 50, burst: 1 })
      const second = shared ? first : createRateBudget({ requestsPerSecond: 50, burst: 1 })
      const sent = sendTimes()
      const a = createHttpClient({ baseUrl: server!.url, rateLimit: { budget: first }, onEvent: sent.onEvent })
      const b = createHttpClient({ baseUrl: server!.url, rateLimit: { budget: second }, onEvent: sent.onEvent })
      const before = server!.requests.length
      const started = performance.now()
      await Promise.all(Array.from({ length: 8 }, (_, index) => (index % 2 ? a : b).getJson(index % 2 ? '/a' : '/b')))
      return { requests: server!.requests.slice(before), times: sent.times, started }
    }
    const shared = await run(true)
    expect(shared.requests).toHaveLength(8)
    expect(excess(shared.times, 50, 1)).toBeLessThanOrEqual(0)
    expect(until(shared.requests, shared.started)).toBeGreaterThanOrEqual(7 * 20)
    // Control: two budgets let both clients go at the full rate, so the source sees twice it.
    const separate = await run(false)
    expect(excess(separate.times, 50, 1)).toBeGreaterThan(1)
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
    const sent = sendTimes()
    const client = createHttpClient({
      baseUrl: server.url,
      retry: { backoffBaseMs: 1, jitter: false },
      rateLimit: { budget: createRateBudget({ requestsPerSecond: 10 }) },
      onEvent: (event) => {
        events.push(event)
        sent.onEvent(event)
      },
    })
    const started = performance.now()
    expect((await client.getJson('/flaky')).data).toEqual({ ok: true })
    const requests = server.hits('/flaky')
    expect(requests).toHaveLength(3)
    expect(excess(sent.times, 10, 1)).toBeLessThanOrEqual(0)
    expect(until(requests, started)).toBeGreaterThanOrEqual(199)
    const waits = events.filter((event) => event.type === 'rate-limit')
    expect(waits).toHaveLength(2)
    // Each retry waited for its slot, beyond the 1-2 ms backoff.
    for (const wait of waits) expect(wait.waitMs).toBeGreaterThan(10)
  })

  it('gives up a wait when the request is cancelled; the cancelled request takes no token', async () => {
    const budget = createRateBudget({ requestsPerSecond: 2 })
    expect(await budget.acquire()).toBe(0)
    const controller = new AbortController()
    const waiting = budget.acquire(controller.signal)
    const queued = budget.acquire()
    controller.abort(new Error('stop reading'))
    await expect(waiting).rejects.toThrow('stop reading')
    // The next waiter gets the token the cancelled one would have had: one interval after the first.
    const waited = await queued
    expect(waited).toBeGreaterThanOrEqual(450)
    expect(waited).toBeLessThan(900)
    await expect(budget.acquire(AbortSignal.abort(new Error('already gone')))).rejects.toThrow('already gone')
  })

  it('after a stalled event loop lets at most the burst through at once', async () => {
    const budget = createRateBudget({ requestsPerSecond: 100, burst: 2 })
    const released: number[] = []
    const all = Array.from({ length: 8 }, () => budget.acquire().then(() => released.push(performance.now())))
    // Block the event loop for 100 ms: eight tokens' worth of time passes, but the bucket holds two.
    const until = performance.now() + 100
    while (performance.now() < until) {
      // busy
    }
    await Promise.all(all)
    const times = released.sort((left, right) => left - right)
    // The first two went at once; after the stall at most two more at once, then 10 ms apart.
    for (let index = 2; index + 2 < times.length; index++) {
      expect(times[index + 2]! - times[index]!, `releases ${index} and ${index + 2}`).toBeGreaterThanOrEqual(9)
    }
  })

  it('rejects a rate that is not positive and a burst below 1', () => {
    expect(() => createRateBudget({ requestsPerSecond: 0 })).toThrow(/requestsPerSecond must be a positive number/)
    expect(() => createRateBudget({ requestsPerSecond: Number.NaN })).toThrow(RangeError)
    expect(() => createRateBudget({ requestsPerSecond: 1, burst: 0 })).toThrow(/burst must be an integer >= 1/)
    expect(() => createRateBudget({ requestsPerSecond: 1, burst: 1.5 })).toThrow(RangeError)
  })
})
