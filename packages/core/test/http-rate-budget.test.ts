// Request budgets (contract-checks C.23): clients that share a budget, and connector
// instances that share one by key, never start more requests than the declared rate,
// retries included. Nothing here depends on the machine's speed: each token's grant is
// bracketed by when the client asked for it and when the answer reached it, and the rate is
// checked over the widest window those brackets allow (a slow machine only widens them);
// the bucket's own arithmetic is checked on a clock the test moves.
import { afterEach, describe, expect, it } from 'vitest'
import { createHttpClient, createRateBudget, type HttpEvent, type RateBudget } from '../src/http/index.ts'
import { tokenBucket } from '../src/http/rate-budget.ts'
import { type RecordedRequest, type ScriptedServer, startScriptedServer } from './support/scripted-server.ts'

let server: ScriptedServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

/** One token: asked for at `called`, its answer back at `resolved` (the grant lies between), after `waited` ms. */
interface Grant {
  readonly called: number
  readonly resolved: number
  readonly waited: number
}

/** A budget that notes when each token was asked for and when it arrived. */
function bracketed(budget: RateBudget): { budget: RateBudget; grants: Grant[] } {
  const grants: Grant[] = []
  return {
    grants,
    budget: {
      requestsPerSecond: budget.requestsPerSecond,
      burst: budget.burst,
      async acquire(signal) {
        const called = performance.now()
        const waited = await budget.acquire(signal)
        grants.push({ called, resolved: performance.now(), waited })
        return waited
      },
    },
  }
}

/**
 * The largest excess over the token bucket: for tokens i ≤ j (in the order asked, which is
 * the order granted), the count minus what `burst + rate × window` allows, with the window
 * as wide as the brackets allow (asked for i to arrival of j). A bucket that keeps its rate
 * never exceeds it, however late the answers arrive; > 0 means the rate was broken.
 */
function excess(grants: readonly Grant[], perSecond: number, burst: number): number {
  const sorted = [...grants].sort((left, right) => left.called - right.called)
  let worst = Number.NEGATIVE_INFINITY
  for (let first = 0; first < sorted.length; first++) {
    for (let last = first; last < sorted.length; last++) {
      const widest = Math.max(sorted[last]!.resolved, sorted[first]!.called) - sorted[first]!.called
      worst = Math.max(worst, last - first + 1 - burst - (widest * perSecond) / 1000)
    }
  }
  return worst
}

/** Tokens that came without waiting can be at most the burst plus what refills while they were asked for. */
function mostWithoutWaiting(grants: readonly Grant[], perSecond: number, burst: number): number {
  const called = grants.map((grant) => grant.called)
  return burst + Math.floor(((Math.max(...called) - Math.min(...called)) * perSecond) / 1000)
}

/** Time from `started` (the test's clock, the same as the in-process server's) to the last arrival. */
const until = (requests: readonly RecordedRequest[], started: number) => requests.at(-1)!.at - started

/** A monotonic clock the test moves by hand. */
function handClock() {
  let now = 0
  return {
    now: () => now,
    advance(ms: number) {
      now += ms
    },
  }
}

/** Resolves once `condition` holds (checked on every turn of the event loop). */
async function eventually(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve))
}

describe('createRateBudget', () => {
  it('paces concurrent requests of one client: burst at once, then the rate', async () => {
    server = await startScriptedServer({ '/items': { body: [] } })
    const { budget, grants } = bracketed(createRateBudget({ requestsPerSecond: 40, burst: 3 }))
    const events: HttpEvent[] = []
    const client = createHttpClient({
      baseUrl: server.url,
      rateLimit: { budget },
      onEvent: (event) => events.push(event),
    })
    const started = performance.now()
    await Promise.all(Array.from({ length: 15 }, () => client.getJson('/items')))
    const requests = server.hits('/items')
    expect(requests).toHaveLength(15)
    expect(grants).toHaveLength(15)
    expect(excess(grants, 40, 3)).toBeLessThanOrEqual(0)
    // 12 requests past the burst at 25 ms each: the last arrives no sooner.
    expect(until(requests, started)).toBeGreaterThanOrEqual(12 * 25)
    // The burst went out without waiting, the rest waited for their tokens, and every wait was reported.
    const waited = grants.filter((grant) => grant.waited > 0)
    expect(grants.length - waited.length).toBeLessThanOrEqual(mostWithoutWaiting(grants, 40, 3))
    expect(events.filter((event) => event.type === 'rate-limit').map((event) => event.waitMs)).toEqual(
      waited.map((grant) => grant.waited),
    )
  })

  it('is shared by every client given it; separate budgets would double the rate', async () => {
    server = await startScriptedServer({ '/a': { body: [] }, '/b': { body: [] } })
    const run = async (shared: boolean) => {
      const first = bracketed(createRateBudget({ requestsPerSecond: 50, burst: 1 }))
      const second = shared ? first : bracketed(createRateBudget({ requestsPerSecond: 50, burst: 1 }))
      const a = createHttpClient({ baseUrl: server!.url, rateLimit: { budget: first.budget } })
      const b = createHttpClient({ baseUrl: server!.url, rateLimit: { budget: second.budget } })
      const before = server!.requests.length
      const started = performance.now()
      await Promise.all(Array.from({ length: 8 }, (_, index) => (index % 2 ? a : b).getJson(index % 2 ? '/a' : '/b')))
      const grants = shared ? first.grants : [...first.grants, ...second.grants]
      return { requests: server!.requests.slice(before), grants, started }
    }
    const shared = await run(true)
    expect(shared.requests).toHaveLength(8)
    expect(excess(shared.grants, 50, 1)).toBeLessThanOrEqual(0)
    expect(until(shared.requests, shared.started)).toBeGreaterThanOrEqual(7 * 20)
    const free = (grants: readonly Grant[]) => grants.filter((grant) => grant.waited === 0).length
    expect(free(shared.grants)).toBeLessThanOrEqual(mostWithoutWaiting(shared.grants, 50, 1))
    // Control: two budgets each give their first token at once, so the source sees twice the burst.
    const separate = await run(false)
    expect(free(separate.grants)).toBeGreaterThanOrEqual(2)
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
    const { budget, grants } = bracketed(createRateBudget({ requestsPerSecond: 10 }))
    const client = createHttpClient({
      baseUrl: server.url,
      retry: { backoffBaseMs: 1, jitter: false },
      rateLimit: { budget },
      onEvent: (event) => events.push(event),
    })
    const started = performance.now()
    expect((await client.getJson('/flaky')).data).toEqual({ ok: true })
    const requests = server.hits('/flaky')
    expect(requests).toHaveLength(3)
    // Each attempt drew a token: three from a bucket of one at 10/s take at least 200 ms.
    expect(grants).toHaveLength(3)
    expect(excess(grants, 10, 1)).toBeLessThanOrEqual(0)
    expect(until(requests, started)).toBeGreaterThanOrEqual(199)
    // A retry asked for its token within 100 ms of the previous one had to wait, and said so.
    const mustWait = grants.slice(1).filter((grant, index) => grant.called - grants[index]!.called < 100).length
    const waits = events.filter((event) => event.type === 'rate-limit')
    expect(waits.length).toBeGreaterThanOrEqual(mustWait)
    expect(waits.map((event) => event.waitMs)).toEqual(
      grants.filter((grant) => grant.waited > 0).map((grant) => grant.waited),
    )
    expect(waits.every((event) => event.type === 'rate-limit' && event.limit === 'budget')).toBe(true)
  })

  it('gives up a wait when the request is cancelled; the cancelled request takes no token', async () => {
    const clock = handClock()
    const budget = tokenBucket(2, 1, clock.now)
    expect(await budget.acquire()).toBe(0)
    const controller = new AbortController()
    const waiting = budget.acquire(controller.signal)
    const queued = budget.acquire()
    controller.abort(new Error('stop reading'))
    await expect(waiting).rejects.toThrow('stop reading')
    // One interval later the queued request gets the token the cancelled one would have had.
    clock.advance(500)
    expect(await queued).toBe(500)
    await expect(budget.acquire(AbortSignal.abort(new Error('already gone')))).rejects.toThrow('already gone')
  })

  it('after a stalled event loop lets at most the burst through at once', async () => {
    const clock = handClock()
    const budget = tokenBucket(100, 2, clock.now)
    const released: number[] = []
    for (let index = 0; index < 8; index++) void budget.acquire().then((waited) => released.push(waited))
    await eventually(() => released.length === 2)
    // A stall: eight tokens' worth of time passes at once, but the bucket holds two.
    clock.advance(100)
    await eventually(() => released.length >= 4)
    expect(released).toHaveLength(4)
    // Then one per 10 ms.
    for (const expected of [5, 6, 7, 8]) {
      clock.advance(10)
      await eventually(() => released.length >= expected)
      expect(released).toHaveLength(expected)
    }
    expect(released).toEqual([0, 0, 100, 100, 110, 120, 130, 140])
  })

  it('rejects a rate that is not positive and a burst below 1', () => {
    expect(() => createRateBudget({ requestsPerSecond: 0 })).toThrow(/requestsPerSecond must be a positive number/)
    expect(() => createRateBudget({ requestsPerSecond: Number.NaN })).toThrow(RangeError)
    expect(() => createRateBudget({ requestsPerSecond: 1, burst: 0 })).toThrow(/burst must be an integer >= 1/)
    expect(() => createRateBudget({ requestsPerSecond: 1, burst: 1.5 })).toThrow(RangeError)
  })
})
