import { afterEach, describe, expect, it } from 'vitest'
import { collectRead } from '../src/connector/index.ts'
import { ApiCallError } from '../src/errors/index.ts'
import { createHttpClient, currentHttpScope, type HttpEvent, withHttpScope } from '../src/http/index.ts'
import { gaps, type ScriptedServer, startScriptedServer } from './support/scripted-server.ts'

let server: ScriptedServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

describe('withHttpScope', () => {
  it('shortens the backoff of a client created elsewhere and reports its retries', async () => {
    server = await startScriptedServer({ '/items': [{ status: 503 }, { status: 503 }, { body: [1] }] })
    // The client keeps the default 1 s, 2 s backoff; only the scope makes this fast.
    const client = createHttpClient({ baseUrl: server.url })
    const events: HttpEvent[] = []
    const response = await withHttpScope(
      { retry: { backoffBaseMs: 20, jitter: false }, onEvent: (event) => events.push(event) },
      () => client.getJson('/items'),
    )
    expect(response.data).toEqual([1])
    const waits = gaps(server.hits('/items'))
    expect(waits[0]).toBeGreaterThanOrEqual(18)
    expect(waits[1]).toBeGreaterThanOrEqual(38)
    expect(
      events.filter((event) => event.type === 'retry').map((event) => (event as { waitMs: number }).waitMs),
    ).toEqual([20, 40])
    expect(events.filter((event) => event.type === 'request')).toHaveLength(3)
  })

  it('hears nothing outside the scope, and a request-level retry: false still wins', async () => {
    server = await startScriptedServer({ '/items': { status: 503 } })
    const client = createHttpClient({ baseUrl: server.url, retry: { backoffBaseMs: 5 } })
    const events: HttpEvent[] = []
    const error = await withHttpScope({ retry: { limit: 5 }, onEvent: (event) => events.push(event) }, () =>
      client.getJson('/items', { retry: false }).catch((caught: unknown) => caught),
    )
    expect(ApiCallError.isInstance(error)).toBe(true)
    expect((error as ApiCallError).attempts).toBe(1)
    const seen = events.length
    await client.getJson('/items', { retry: false }).catch(() => undefined)
    expect(events.length).toBe(seen)
    expect(currentHttpScope()).toBeUndefined()
  })

  it('nests: both listeners hear every event, inner settings win, a throwing listener is ignored', async () => {
    server = await startScriptedServer({ '/items': [{ status: 500 }, { body: [] }] })
    const client = createHttpClient({ baseUrl: server.url })
    const outer: string[] = []
    const inner: string[] = []
    await withHttpScope({ retry: { backoffBaseMs: 5000 }, onEvent: (event) => outer.push(event.type) }, () =>
      withHttpScope(
        {
          retry: { backoffBaseMs: 10 },
          onEvent: (event) => {
            inner.push(event.type)
            throw new Error('listener bug')
          },
        },
        () => client.getJson('/items'),
      ),
    )
    expect(inner).toEqual(['request', 'response', 'retry', 'request', 'response'])
    expect(outer).toEqual(inner)
  })

  it('follows a streaming read through every next() call, tagging events with the table being read', async () => {
    server = await startScriptedServer({
      '/page/1': { body: [{ id: 1 }] },
      '/page/2': [{ status: 429, headers: { 'retry-after': '0' } }, { body: [{ id: 2 }] }],
    })
    const client = createHttpClient({ baseUrl: server.url })
    async function* read() {
      for (const page of [1, 2]) yield* (await client.getJson<{ id: number }[]>(`/page/${page}`)).data
      return { page: 2 }
    }
    const tagged: string[] = []
    const result = await withHttpScope(
      { retry: { backoffBaseMs: 10 }, onEvent: (event) => tagged.push(`issues:${event.type}`) },
      () => collectRead(read()),
    )
    expect(result.records).toEqual([{ id: 1 }, { id: 2 }])
    expect(tagged).toContain('issues:retry')
    expect(tagged.filter((entry) => entry === 'issues:request')).toHaveLength(3)
  })
})
