import { afterEach, describe, expect, it } from 'vitest'
import { ApiCallError, RateLimitError } from '../src/errors/index.ts'
import {
  backoffDelay,
  bearerAuth,
  createHttpClient,
  type HttpEvent,
  headerRateLimit,
  parseRetryAfter,
  resolveRetryPolicy,
} from '../src/http/index.ts'
import { gaps, type ScriptedServer, send, startScriptedServer } from './support/scripted-server.ts'

let server: ScriptedServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

describe('requests', () => {
  it('sends the User-Agent, client and request headers, and joins baseUrl paths', async () => {
    server = await startScriptedServer({ '/api/v3/repos/o/r': { body: { name: 'r' } } })
    const client = createHttpClient({
      baseUrl: `${server.url}/api/v3/`,
      userAgent: { packageName: '@lakeflow/connector-github', version: '0.1.0' },
      headers: { 'X-GitHub-Api-Version': '2022-11-28', 'X-Drop': 'me' },
    })
    const response = await client.getJson('repos/o/r', { headers: { 'X-Extra': '1', 'X-Drop': undefined } })
    expect(response).toMatchObject({
      status: 200,
      data: { name: 'r' },
      method: 'GET',
      url: `${server.url}/api/v3/repos/o/r`,
    })
    const request = server.hits('/api/v3/repos/o/r')[0]!
    expect(request.headers['user-agent']).toBe('lakeflow-connector-github/0.1.0')
    expect(request.headers['x-github-api-version']).toBe('2022-11-28')
    expect(request.headers['x-extra']).toBe('1')
    expect(request.headers['x-drop']).toBeUndefined()
    expect(request.headers.accept).toBe('application/json')
  })

  it('names core in the User-Agent when the connector gives no identity; a header overrides it', async () => {
    server = await startScriptedServer({ '/ua': { body: {} } })
    await createHttpClient({ baseUrl: server.url }).getJson('/ua')
    await createHttpClient({ baseUrl: server.url, headers: { 'User-Agent': 'custom/1' } }).getJson('/ua')
    const version = (await import('../package.json', { with: { type: 'json' } })).default.version
    expect(server.hits('/ua').map((request) => request.headers['user-agent'])).toEqual([
      `lakeflow-core/${version}`,
      'custom/1',
    ])
  })

  it('appends query parameters to those in the path, repeating arrays and dropping undefined', async () => {
    server = await startScriptedServer({ '/search': { body: {} } })
    const client = createHttpClient({ baseUrl: server.url })
    await client.getJson('/search?q=a', { searchParams: { state: 'all', labels: ['x', 'y'], since: undefined, n: 5 } })
    expect(server.hits('/search')[0]!.url.search).toBe('?q=a&state=all&labels=x&labels=y&n=5')
  })

  it('posts JSON and reads text or nothing', async () => {
    server = await startScriptedServer({
      'POST /graphql': (request, response) => send(response, { body: { echoed: JSON.parse(request.body) } }),
      '/text': { body: 'plain words' },
      '/empty': { status: 204 },
    })
    const client = createHttpClient({ baseUrl: server.url })
    const posted = await client.postJson('/graphql', { query: '{ viewer { login } }' })
    expect(posted.data).toEqual({ echoed: { query: '{ viewer { login } }' } })
    expect(server.hits('/graphql')[0]!.headers['content-type']).toBe('application/json')
    expect((await client.request<string>('/text', { responseType: 'text' })).data).toBe('plain words')
    expect((await client.request('/text', { responseType: 'none' })).data).toBeUndefined()
    expect((await client.getJson('/empty')).data).toBeUndefined()
  })

  it('rejects a relative path without a baseUrl and bad options', async () => {
    expect(() => createHttpClient({ baseUrl: 'not a url' })).toThrow(/absolute URL/)
    expect(() => createHttpClient({ retry: { limit: 0 } })).toThrow(/retry.limit/)
    expect(() => createHttpClient({ retry: { jitter: 2 } })).toThrow(/retry.jitter/)
    expect(() => createHttpClient({ timeoutMs: -1 })).toThrow(/timeoutMs/)
    await expect(createHttpClient().request('/relative')).rejects.toThrow(/no baseUrl/)
  })

  it('emits request, response and retry events in order', async () => {
    server = await startScriptedServer({ '/items': [{ status: 503 }, { body: [] }] })
    const events: HttpEvent[] = []
    const client = createHttpClient({
      baseUrl: server.url,
      retry: { backoffBaseMs: 5, jitter: false },
      onEvent: (event) => events.push(event),
    })
    await client.getJson('/items')
    expect(events.map((event) => event.type)).toEqual(['request', 'response', 'retry', 'request', 'response'])
    expect(events[2]).toMatchObject({ type: 'retry', attempt: 1, waitMs: 5, status: 503, reason: 'status' })
  })

  it('cancels a request and a backoff wait with the caller signal', async () => {
    // The handler never answers and the backoff is a minute: only the cancellation can end these.
    server = await startScriptedServer({ '/slow': () => {}, '/down': { status: 503 } })
    const reason = new Error('stop now')
    const controller = new AbortController()
    const client = createHttpClient({
      baseUrl: server.url,
      retry: { backoffBaseMs: 60_000 },
      onEvent: (event) => {
        // Abort once the request is out, and once the client has started its backoff wait.
        if (event.type === 'request' || event.type === 'retry') setImmediate(() => controller.abort(reason))
      },
    })
    await expect(client.getJson('/slow', { signal: controller.signal })).rejects.toBe(reason)
    const second = new AbortController()
    const backingOff = createHttpClient({
      baseUrl: server.url,
      retry: { backoffBaseMs: 60_000 },
      onEvent: (event) => event.type === 'retry' && setImmediate(() => second.abort(reason)),
    })
    await expect(backingOff.getJson('/down', { signal: second.signal })).rejects.toBe(reason)
    expect(server.hits('/down')).toHaveLength(1)
  })

  it('sends through a custom fetch implementation', async () => {
    server = await startScriptedServer({ '/items': [{ status: 503 }, { body: [1] }] })
    const seen: string[] = []
    const countingFetch: typeof fetch = (input, init) => {
      seen.push(input instanceof Request ? `${input.method} ${input.url}` : String(input))
      return globalThis.fetch(input, init)
    }
    const client = createHttpClient({ baseUrl: server.url, fetch: countingFetch, retry: { backoffBaseMs: 1 } })
    expect((await client.getJson('/items')).data).toEqual([1])
    expect(seen).toEqual([`GET ${server.url}/items`, `GET ${server.url}/items`])
  })

  it('makes one attempt when a request disables retry', async () => {
    server = await startScriptedServer({ '/down': { status: 503 } })
    const client = createHttpClient({ baseUrl: server.url, retry: { backoffBaseMs: 5 } })
    const error = await client.getJson('/down', { retry: false }).catch((thrown: unknown) => thrown)
    expect(ApiCallError.isInstance(error)).toBe(true)
    expect(server.hits('/down')).toHaveLength(1)
  })
})

describe('rate limits', () => {
  const waitHeader = (response: { headers: Headers }) => {
    const wait = response.headers.get('x-wait-ms')
    return wait === null ? undefined : Number(wait)
  }

  it('holds back the next request after a success that exhausted the quota', async () => {
    server = await startScriptedServer({ '/items': [{ headers: { 'x-wait-ms': '250' }, body: [] }, { body: [] }] })
    const events: HttpEvent[] = []
    const client = createHttpClient({
      baseUrl: server.url,
      rateLimit: { fromResponse: waitHeader },
      onEvent: (event) => events.push(event),
    })
    await client.getJson('/items')
    await client.getJson('/items')
    const [gap] = gaps(server.hits('/items'))
    expect(gap).toBeGreaterThanOrEqual(240)
    const rateLimit = events.find((event) => event.type === 'rate-limit')
    expect(rateLimit).toMatchObject({ type: 'rate-limit', limit: 'rate-limit' })
    expect((rateLimit as { waitMs: number }).waitMs).toBeGreaterThan(200)
    expect((rateLimit as { waitMs: number }).waitMs).toBeLessThanOrEqual(250)
  })

  it('retries a rate-limited error response after the wait, without using an attempt', async () => {
    server = await startScriptedServer({
      '/items': [
        { status: 403, headers: { 'x-wait-ms': '150' }, body: { message: 'API rate limit exceeded' } },
        { body: [] },
      ],
    })
    const client = createHttpClient({
      baseUrl: server.url,
      retry: { limit: 1 },
      rateLimit: { fromResponse: waitHeader },
    })
    await client.getJson('/items')
    const [gap] = gaps(server.hits('/items'))
    expect(gap).toBeGreaterThanOrEqual(145)
  })

  it('shows the hook the start of an error body (redacted, at most 4 KiB), never a success or allowed body', async () => {
    const secret = 'ghp_bodyTextCanary0123456789'
    const long = `${'x'.repeat(5000)}TAIL`
    server = await startScriptedServer({
      '/limited': [{ status: 429, body: { message: `token ${secret} exceeded a secondary rate limit` } }, { body: [] }],
      '/huge': [{ status: 503, body: long }, { body: [] }],
      '/ok': { body: { fine: true } },
      '/missing': { status: 404, body: { message: 'Not Found' } },
    })
    const seen: { status: number; bodyText: string | undefined }[] = []
    const client = createHttpClient({
      baseUrl: server.url,
      auth: bearerAuth(secret),
      retry: { backoffBaseMs: 5 },
      rateLimit: {
        fromResponse: (response) => {
          seen.push({ status: response.status, bodyText: response.bodyText })
          return undefined
        },
      },
    })
    await client.getJson('/limited')
    await client.getJson('/huge')
    await client.getJson('/ok')
    await client.getJson('/missing', { allowStatuses: [404] })
    expect(seen.map((entry) => entry.status)).toEqual([429, 200, 503, 200, 200, 404])
    expect(seen[0]!.bodyText).toContain('exceeded a secondary rate limit')
    expect(seen[0]!.bodyText).not.toContain(secret)
    expect(seen[0]!.bodyText).toContain('[REDACTED]')
    expect(seen[2]!.bodyText).toHaveLength(4096)
    expect(seen[2]!.bodyText).not.toContain('TAIL')
    for (const index of [1, 3, 4, 5]) expect(seen[index]!.bodyText).toBeUndefined()
  })

  it('lets a hook tell a rate limit by its body alone: a bare 403 saying so is waited out and retried', async () => {
    const limited = { message: 'You have exceeded a secondary rate limit. Please wait a few minutes.' }
    server = await startScriptedServer({
      '/items': [{ status: 403, body: limited }, { body: [] }],
      '/private': { status: 403, body: { message: 'Resource not accessible by personal access token' } },
    })
    const client = createHttpClient({
      baseUrl: server.url,
      rateLimit: {
        fromResponse: (response) => (/secondary rate limit/i.test(response.bodyText ?? '') ? 150 : undefined),
      },
    })
    expect((await client.getJson('/items')).data).toEqual([])
    const [gap] = gaps(server.hits('/items'))
    expect(gap).toBeGreaterThanOrEqual(145)
    // Any other 403 is still a credentials problem, not retried.
    const error = (await client.getJson('/private').catch((thrown: unknown) => thrown)) as ApiCallError
    expect(error.category).toBe('auth')
    expect(server.hits('/private')).toHaveLength(1)
  })

  it('fails at once when the wait exceeds maxWaitMs', async () => {
    server = await startScriptedServer({ '/items': { status: 403, headers: { 'x-wait-ms': '3600000' } } })
    const events: HttpEvent[] = []
    const client = createHttpClient({
      baseUrl: server.url,
      rateLimit: { fromResponse: waitHeader, maxWaitMs: 1000 },
      onEvent: (event) => events.push(event),
    })
    const error = (await client.getJson('/items').catch((thrown: unknown) => thrown)) as ApiCallError
    expect(RateLimitError.isInstance(error)).toBe(true)
    expect(ApiCallError.isInstance(error)).toBe(true)
    expect(error.category).toBe('transient')
    expect(error.isRetryable).toBe(true)
    expect(error.message).toMatch(/in 3600 s, longer than rateLimit.maxWaitMs \(1000 ms\)/)
    // No wait was taken: one request, no rate-limit or retry event.
    expect(server.hits('/items')).toHaveLength(1)
    expect(events.filter((event) => event.type === 'rate-limit' || event.type === 'retry')).toEqual([])
  })

  it('fails the next request at once when a success announced a wait beyond maxWaitMs', async () => {
    server = await startScriptedServer({ '/items': { headers: { 'x-wait-ms': '3600000' }, body: [] } })
    const client = createHttpClient({ baseUrl: server.url, rateLimit: { fromResponse: waitHeader, maxWaitMs: 1000 } })
    await client.getJson('/items')
    const error = await client.getJson('/items').catch((thrown: unknown) => thrown)
    expect(ApiCallError.isInstance(error)).toBe(true)
    expect(server.hits('/items')).toHaveLength(1)
  })

  it('awaits beforeRequest before every attempt', async () => {
    server = await startScriptedServer({ '/items': [{ status: 500 }, { body: [] }] })
    const seen: string[] = []
    const client = createHttpClient({
      baseUrl: server.url,
      retry: { backoffBaseMs: 1 },
      rateLimit: { beforeRequest: ({ method, url }) => void seen.push(`${method} ${url}`) },
    })
    await client.getJson('/items')
    expect(seen).toEqual([`GET ${server.url}/items`, `GET ${server.url}/items`])
  })

  it('headerRateLimit waits until the reset once the quota is used up', () => {
    const now = () => 1_700_000_000_000
    const hook = headerRateLimit({ now })
    const meta = (remaining: string, reset: string) => ({
      status: 200,
      method: 'GET',
      url: 'https://api.github.com/x',
      headers: new Headers({ 'x-ratelimit-remaining': remaining, 'x-ratelimit-reset': reset }),
    })
    expect(hook(meta('10', '1700000060'))).toBeUndefined()
    expect(hook(meta('0', '1700000060'))).toBe(61_000)
    expect(hook(meta('0', '1699999000'))).toBe(1000)
    expect(hook({ ...meta('0', '1'), headers: new Headers() })).toBeUndefined()
    expect(headerRateLimit({ resetKind: 'delta-seconds', marginMs: 0, minRemaining: 5 })(meta('5', '30'))).toBe(30_000)
  })
})

describe('retry arithmetic', () => {
  it('doubles the backoff from the base, caps it, and spreads it by the jitter fraction', () => {
    const policy = resolveRetryPolicy({ jitter: false })
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(policy, attempt))).toEqual([1000, 2000, 4000, 8000])
    const capped = resolveRetryPolicy({ jitter: false, maxBackoffMs: 3000 })
    expect(backoffDelay(capped, 3)).toBe(3000)
    const jittered = resolveRetryPolicy({})
    expect(backoffDelay(jittered, 1, () => 0)).toBe(800)
    expect(backoffDelay(jittered, 1, () => 1)).toBe(1200)
    expect(backoffDelay(resolveRetryPolicy({ jitter: 0.5 }), 2, () => 0)).toBe(1000)
  })

  it('parses Retry-After', () => {
    const now = Date.parse('2026-11-24T00:00:00Z')
    expect(parseRetryAfter('120', now)).toBe(120_000)
    expect(parseRetryAfter('1.5', now)).toBe(1500)
    expect(parseRetryAfter('Tue, 24 Nov 2026 00:00:30 GMT', now)).toBe(30_000)
    for (const value of [null, '', '0', '-1', 'Mon, 23 Nov 2026 23:59:00 GMT', 'later']) {
      expect(parseRetryAfter(value, now), String(value)).toBeUndefined()
    }
  })
})
