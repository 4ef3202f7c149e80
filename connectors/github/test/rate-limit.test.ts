/**
 * GitHub's rate limits and transient failures, against the simulator: the primary limit
 * (`x-ratelimit-remaining: 0` until `x-ratelimit-reset`) is waited out, within
 * `max_rate_limit_wait_seconds`; secondary limits (403/429 with `Retry-After`) are honoured;
 * 5xx responses are retried with backoff (core's one retry layer); a plain 403 is not.
 * Waits are checked as the client computed them (its events) and, from the simulator's
 * side, as lower bounds only: a loaded machine makes every gap longer, never shorter.
 */

import { ApiCallError } from '@lakeflow/core/errors'
import type { HttpEvent } from '@lakeflow/core/http'
import type { Simulator } from '@lakeflow/simulator'
import { afterEach, describe, expect, it } from 'vitest'
import { githubConnector, githubSpec, REPO, readOnce, startSimulator, TOKEN } from './helpers.ts'

let simulator: Simulator | undefined
afterEach(async () => {
  await simulator?.stop()
  simulator = undefined
})

async function start(spec = githubSpec(), now?: string): Promise<string> {
  const started = await startSimulator(spec, now)
  simulator = started.simulator
  return started.baseUrl
}

/** Requests the simulator saw for a path, with their times. */
function requestsTo(path: string) {
  return simulator!.requests.filter((request) => request.path === path)
}

/** The rate-limit waits and retries a connector's client reported. */
function recorder() {
  const events: HttpEvent[] = []
  return {
    settings: { onEvent: (event: HttpEvent) => void events.push(event) },
    waits: () => events.filter((event) => event.type === 'rate-limit' || event.type === 'retry'),
    rateLimitWaits: () => events.flatMap((event) => (event.type === 'rate-limit' ? [event.waitMs] : [])),
  }
}

/** Epoch seconds `seconds` from now, rounded up, as GitHub's `x-ratelimit-reset`. */
const resetIn = (seconds: number) => String(Math.ceil(Date.now() / 1000) + seconds)

const RATE_LIMITED = JSON.stringify({
  message: 'API rate limit exceeded for user ID 1.',
  documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
})

describe('primary rate limit', () => {
  it('waits for x-ratelimit-reset once a success reports no remaining requests', async () => {
    const reset = resetIn(1)
    const baseUrl = await start(
      githubSpec((spec) => {
        const user = spec.endpoints.find((endpoint) => endpoint.path === '/user')!
        user.response!.headers = { ...user.response!.headers, 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }
      }),
    )
    const events: HttpEvent[] = []
    const github = githubConnector(baseUrl, {}, { onEvent: (event) => events.push(event) })
    await readOnce(github, 'users', {}, {})
    const organizations = await readOnce(github, 'organizations', {}, {})
    expect(organizations.records).toHaveLength(32)
    const gap = requestsTo('/user/orgs')[0]!.at - requestsTo('/user')[0]!.at
    // The wait runs to the reset second plus a one-second margin, measured on the server's clock.
    expect(gap).toBeGreaterThanOrEqual(Number(reset) * 1000 - requestsTo('/user')[0]!.at)
    expect(events.some((event) => event.type === 'rate-limit' && event.waitMs > 0)).toBe(true)
  })

  it('waits out a 403 with x-ratelimit-remaining: 0, then retries the same request', async () => {
    const baseUrl = await start()
    const reset = resetIn(1)
    simulator!.inject({
      fault: {
        kind: 'status',
        status: 403,
        body: RATE_LIMITED,
        headers: { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
      },
      match: { path: '^/user/orgs$' },
      times: 1,
    })
    const { records } = await readOnce(githubConnector(baseUrl), 'organizations', {}, {})
    expect(records).toHaveLength(32)
    const [limited, retried] = requestsTo('/user/orgs')
    expect([limited!.status, retried!.status]).toEqual([403, 200])
    expect(retried!.at).toBeGreaterThanOrEqual(Number(reset) * 1000)
  })

  it('fails at once, retryable and naming the reset, when the reset is beyond max_rate_limit_wait_seconds', async () => {
    const baseUrl = await start()
    simulator!.inject({
      fault: {
        kind: 'status',
        status: 403,
        body: RATE_LIMITED,
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': resetIn(3600) },
      },
      match: { path: '^/user/orgs$' },
    })
    const record = recorder()
    const error = await readOnce(
      githubConnector(baseUrl, { max_rate_limit_wait_seconds: 5 }, record.settings),
      'organizations',
      {},
      {},
    ).then(
      () => undefined,
      (caught: unknown) => caught,
    )
    // At once: no wait taken, no retry.
    expect(record.waits()).toEqual([])
    expect(ApiCallError.isInstance(error)).toBe(true)
    const apiError = error as ApiCallError
    expect(apiError.isRetryable).toBe(true)
    expect(apiError.category).toBe('transient')
    expect(apiError.status).toBe(403)
    expect(apiError.message).toMatch(/GitHub rate limit exhausted; it resets at \d{4}-\d{2}-\d{2}T[\d:]+Z, in 36\d\d s/)
    expect(apiError.message).toContain('max_rate_limit_wait_seconds (5)')
    expect(apiError.message).not.toContain(TOKEN)
    expect(requestsTo('/user/orgs')).toHaveLength(1)
  })
})

describe("waits are measured on GitHub's clock (its Date header), not ours", () => {
  for (const [label, skew] of [
    ['5 hours behind', -5 * 3_600_000],
    ['5 hours ahead of', 5 * 3_600_000],
  ] as const) {
    it(`primary limit: waits until x-ratelimit-reset when GitHub's clock is ${label} ours`, async () => {
      const serverNow = Math.floor((Date.now() + skew) / 1000) * 1000
      const reset = String(serverNow / 1000 + 2)
      const baseUrl = await start(
        githubSpec((spec) => {
          const user = spec.endpoints.find((endpoint) => endpoint.path === '/user')!
          user.response!.headers = {
            ...user.response!.headers,
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset': reset,
          }
        }),
        new Date(serverNow).toISOString(),
      )
      const events: HttpEvent[] = []
      const github = githubConnector(baseUrl, {}, { onEvent: (event) => events.push(event) })
      await readOnce(github, 'users', {}, {})
      await readOnce(github, 'organizations', {}, {})
      // Two seconds to the reset on GitHub's clock, plus the one-second margin: not hours
      // (the wait the client computed), not nothing (the gap the simulator saw).
      const waits = events.flatMap((event) => (event.type === 'rate-limit' ? [event.waitMs] : []))
      expect(waits).toHaveLength(1)
      expect(waits[0]).toBeGreaterThan(0)
      expect(waits[0]).toBeLessThanOrEqual(3000)
      const gap = requestsTo('/user/orgs')[0]!.at - requestsTo('/user')[0]!.at
      expect(gap).toBeGreaterThanOrEqual(2800)
    })
  }

  it("secondary limit: a Retry-After date is read on GitHub's clock, hours behind ours", async () => {
    const serverNow = Math.floor((Date.now() - 5 * 3_600_000) / 1000) * 1000
    const baseUrl = await start(githubSpec(), new Date(serverNow).toISOString())
    simulator!.inject({
      fault: { kind: 'status', status: 429, retryAfter: new Date(serverNow + 2000).toUTCString() },
      match: { path: '^/user/teams$' },
      times: 1,
    })
    const record = recorder()
    const { records } = await readOnce(githubConnector(baseUrl, {}, record.settings), 'teams', {}, {})
    expect(records).toHaveLength(36)
    // Two seconds on GitHub's clock (its Date), not five hours.
    expect(record.rateLimitWaits()).toEqual([2000])
    const [limited, retried] = requestsTo('/user/teams')
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(1900)
  })
})

describe('secondary rate limits', () => {
  for (const status of [403, 429]) {
    it(`honours Retry-After on a ${status}`, async () => {
      const baseUrl = await start()
      simulator!.inject({
        fault: {
          kind: 'status',
          status,
          retryAfter: '1',
          body: JSON.stringify({ message: 'You have exceeded a secondary rate limit. Please wait a few minutes.' }),
        },
        match: { path: '^/repos/octo-org/hello-world/branches$' },
        times: 1,
      })
      const { records } = await readOnce(
        githubConnector(baseUrl),
        'branches',
        {},
        { owner: 'octo-org', repo: 'hello-world' },
      )
      expect(records).toHaveLength(120)
      const [limited, retried] = requestsTo('/repos/octo-org/hello-world/branches')
      expect(limited!.status).toBe(status)
      expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(950)
    })
  }
})

describe('secondary rate limits without Retry-After (GitHub: wait at least a minute)', () => {
  const SECONDARY = JSON.stringify({
    message:
      'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to ' +
      'GitHub Support for help, please include the request ID 0000:1111:2222:3333:44444444.',
    documentation_url:
      'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
  })
  const BRANCHES = '^/repos/octo-org/hello-world/branches$'

  for (const status of [403, 429]) {
    it(`a ${status} saying so waits a minute: beyond max_rate_limit_wait_seconds it fails at once, retryable`, async () => {
      const baseUrl = await start()
      simulator!.inject({ fault: { kind: 'status', status, body: SECONDARY }, match: { path: BRANCHES } })
      const record = recorder()
      const error = await readOnce(
        githubConnector(baseUrl, { max_rate_limit_wait_seconds: 30 }, record.settings),
        'branches',
        {},
        REPO,
      )
        .then(() => undefined)
        .catch((caught: unknown) => caught)
      expect(record.waits()).toEqual([])
      expect(ApiCallError.isInstance(error)).toBe(true)
      const apiError = error as ApiCallError
      expect(apiError.isRetryable).toBe(true)
      expect(apiError.category).toBe('transient')
      expect(apiError.status).toBe(status)
      expect(apiError.message).toMatch(
        /GitHub secondary rate limit hit; GitHub allows the next request at \S+Z, in 60 s/,
      )
      expect(apiError.message).toContain('max_rate_limit_wait_seconds (30)')
      expect(requestsTo('/repos/octo-org/hello-world/branches')).toHaveLength(1)
    })
  }

  it('the wait is taken, then the same request retried (a shortened minute, old "abuse detection" wording)', async () => {
    const baseUrl = await start()
    simulator!.inject({
      fault: {
        kind: 'status',
        status: 403,
        body: JSON.stringify({
          message: 'You have triggered an abuse detection mechanism. Please wait a few minutes.',
        }),
      },
      match: { path: BRANCHES },
      times: 1,
    })
    const events: HttpEvent[] = []
    const github = githubConnector(
      baseUrl,
      { max_rate_limit_wait_seconds: 30 },
      { secondaryRateLimitWaitMs: 1200, onEvent: (event) => events.push(event) },
    )
    const { records } = await readOnce(github, 'branches', {}, REPO)
    expect(records).toHaveLength(120)
    const [limited, retried] = requestsTo('/repos/octo-org/hello-world/branches')
    expect([limited!.status, retried!.status]).toEqual([403, 200])
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(1150)
    expect(events).toContainEqual(expect.objectContaining({ type: 'rate-limit', waitMs: 1200, status: 403 }))
  })

  it('with x-ratelimit-remaining: 0 it waits until x-ratelimit-reset instead of a minute', async () => {
    const baseUrl = await start()
    const serverNow = Date.parse(simulator!.clock.now())
    simulator!.inject({
      fault: {
        kind: 'status',
        status: 403,
        body: SECONDARY,
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(serverNow / 1000) + 1) },
      },
      match: { path: BRANCHES },
      times: 1,
    })
    const record = recorder()
    const { records } = await readOnce(
      githubConnector(baseUrl, { max_rate_limit_wait_seconds: 30 }, record.settings),
      'branches',
      {},
      REPO,
    )
    expect(records).toHaveLength(120)
    // The reset second plus the one-second margin, not the secondary limit's minute.
    expect(record.rateLimitWaits()).toHaveLength(1)
    expect(record.rateLimitWaits()[0]).toBeLessThanOrEqual(3000)
    const [, retried] = requestsTo('/repos/octo-org/hello-world/branches')
    expect(retried!.at).toBeGreaterThanOrEqual((Math.floor(serverNow / 1000) + 2) * 1000 - 5)
  })

  it('a 403 that names no limit is still a permissions error, not retried', async () => {
    const baseUrl = await start()
    simulator!.inject({
      fault: {
        kind: 'status',
        status: 403,
        body: JSON.stringify({ message: 'Must have admin rights to Repository.' }),
      },
      match: { path: BRANCHES },
    })
    const error = await readOnce(githubConnector(baseUrl), 'branches', {}, REPO).catch((caught: unknown) => caught)
    expect((error as ApiCallError).category).toBe('auth')
    expect(requestsTo('/repos/octo-org/hello-world/branches')).toHaveLength(1)
  })
})

describe('other failures', () => {
  it('retries 5xx with backoff, then gives up after three attempts', async () => {
    const baseUrl = await start()
    simulator!.inject({ fault: { kind: 'status', status: 502 }, match: { path: '^/user/teams$' }, times: 2 })
    const { records } = await readOnce(githubConnector(baseUrl), 'teams', {}, {})
    expect(records).toHaveLength(36)
    expect(requestsTo('/user/teams').map((request) => request.status)).toEqual([502, 502, 200])

    simulator!.inject({ fault: { kind: 'status', status: 503 }, match: { path: '^/user/teams$' } })
    const error = await readOnce(githubConnector(baseUrl), 'teams', {}, {}).catch((caught: unknown) => caught)
    expect(ApiCallError.isInstance(error)).toBe(true)
    expect((error as ApiCallError).attempts).toBe(3)
    expect((error as ApiCallError).isRetryable).toBe(true)
  })

  it('does not retry a 403 that is not a rate limit (a missing permission)', async () => {
    const baseUrl = await start()
    simulator!.inject({
      fault: {
        kind: 'status',
        status: 403,
        body: JSON.stringify({ message: 'Resource not accessible by personal access token' }),
      },
      match: { path: '/collaborators$' },
    })
    const error = await readOnce(
      githubConnector(baseUrl),
      'collaborators',
      {},
      { owner: 'octo-org', repo: 'hello-world' },
    ).catch((caught: unknown) => caught)
    expect(ApiCallError.isInstance(error)).toBe(true)
    expect((error as ApiCallError).category).toBe('auth')
    expect((error as ApiCallError).message).toContain('Resource not accessible')
    expect(requestsTo('/repos/octo-org/hello-world/collaborators')).toHaveLength(1)
  })

  it('a rejected token is an auth error, and the token is never in it', async () => {
    const baseUrl = await start()
    simulator!.inject({
      fault: { kind: 'status', status: 401, body: '{"message":"Bad credentials"}' },
      match: { path: '^/user$' },
    })
    const error = await readOnce(githubConnector(baseUrl), 'users', {}, {}).catch((caught: unknown) => caught)
    expect((error as ApiCallError).category).toBe('auth')
    expect(JSON.stringify(error)).not.toContain(TOKEN)
    expect(String(error)).not.toContain(TOKEN)
  })
})
