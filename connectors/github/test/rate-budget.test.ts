/**
 * The request budget (`max_requests_per_second`, default 10/s in bursts of 10): one per
 * token and GitHub host, shared by every connector instance in the process. Nothing here
 * depends on the machine's speed: the pace is checked as a lower bound on the simulator's
 * arrival times, loosened only by what this run measured (how long the first request took
 * from asking for its token to arriving), and separate budgets are told apart by counting
 * budget waits, not by timing.
 */
import type { HttpEvent, RateBudget } from '@lakeflow/core/http'
import { parseOptions } from '@lakeflow/core/options'
import type { LoggedRequest, Simulator } from '@lakeflow/simulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { githubRateBudget } from '../src/github-api.ts'
import { GithubOptions } from '../src/index.ts'
import { githubConnector, REPO, readOnce, startSimulator, TOKEN } from './helpers.ts'

let simulator: Simulator
let baseUrl: string

beforeAll(async () => {
  ;({ simulator, baseUrl } = await startSimulator())
})
afterAll(() => simulator.stop())

/** 24 requests: the 120 branches, 5 a page. */
const BRANCHES = { ...REPO, per_page: '5' }
const BURST = 10

/** Reads branches with each connector at once; returns the requests the simulator saw and when the reads began. */
async function readAtOnce(
  connectors: ReturnType<typeof githubConnector>[],
  options = BRANCHES,
): Promise<{ requests: LoggedRequest[]; started: number }> {
  const before = simulator.requests.length
  const started = Date.now()
  const results = await Promise.all(connectors.map((connector) => readOnce(connector, 'branches', {}, options)))
  for (const result of results) expect(result.records).toHaveLength(120)
  return { requests: simulator.requests.slice(before), started }
}

/** Milliseconds from the first request to the last. */
const span = (requests: LoggedRequest[]) => requests.at(-1)!.at - requests[0]!.at

/**
 * The least span `count` requests can take through a token bucket (`burst` at once, then
 * `perSecond`), as the simulator sees it: the bucket's own bound, less how late the first
 * request may have arrived after its token (at most the time from asking to arriving).
 */
function leastSpan(requests: LoggedRequest[], perSecond: number, firstAsked: number): number {
  const firstLatency = requests[0]!.at - firstAsked
  return ((requests.length - BURST) / perSecond) * 1000 - firstLatency - 2
}

/** The default budget of a connector's options, noting when its first token was asked for. */
function watched(options: Record<string, unknown>): { budget: RateBudget; firstAsked: () => number } {
  const shared = githubRateBudget(parseOptions(GithubOptions, { token: TOKEN, base_url: baseUrl, ...options }, 'test'))
  let first: number | undefined
  return {
    firstAsked: () => first!,
    budget: {
      requestsPerSecond: shared.requestsPerSecond,
      burst: shared.burst,
      acquire(signal) {
        first ??= Date.now()
        return shared.acquire(signal)
      },
    },
  }
}

describe('request budget', () => {
  it('defaults to 10 requests/s in bursts of 10', async () => {
    const { budget, firstAsked } = watched({})
    expect(budget).toMatchObject({ requestsPerSecond: 10, burst: BURST })
    const { requests } = await readAtOnce([
      githubConnector(baseUrl, { max_requests_per_second: undefined }, { budget }),
    ])
    expect(requests).toHaveLength(24)
    // After the burst, one request per 100 ms: the 24th at least 1.4 s after the first.
    expect(span(requests)).toBeGreaterThanOrEqual(leastSpan(requests, 10, firstAsked()))
  })

  it('is shared by every instance with the same token and host', async () => {
    const options = { max_requests_per_second: 20 }
    const { requests, started } = await readAtOnce([
      githubConnector(baseUrl, options),
      githubConnector(baseUrl, options),
    ])
    expect(requests).toHaveLength(48)
    // One budget for both: (48 - 10) / 20 s at least; two budgets would take about 0.7 s.
    expect(span(requests)).toBeGreaterThanOrEqual(leastSpan(requests, 20, started))
    expect(githubRateBudget(parseOptions(GithubOptions, { token: TOKEN, ...options }, 'test'))).toBe(
      githubRateBudget(
        parseOptions(GithubOptions, { token: TOKEN, ...options, max_rate_limit_wait_seconds: 5 }, 'test'),
      ),
    )
  })

  it('is not shared between tokens (each account has its own limits)', async () => {
    // A rate so low that a shared budget would make the second reader wait minutes for its
    // first token beyond the burst; two budgets of 10 each let both 6-page reads through unpaced.
    const events: HttpEvent[] = []
    const slow = { max_requests_per_second: 0.01 }
    const { requests } = await readAtOnce(
      [
        githubConnector(
          baseUrl,
          { ...slow, token: 'ghp_firstAccountToken000000000000000000' },
          { onEvent: (event) => events.push(event) },
        ),
        githubConnector(
          baseUrl,
          { ...slow, token: 'ghp_secondAccountToken00000000000000000' },
          { onEvent: (event) => events.push(event) },
        ),
      ],
      { ...REPO, per_page: '20' },
    )
    expect(requests).toHaveLength(12)
    expect(events.filter((event) => event.type === 'rate-limit')).toEqual([])
  })
})
