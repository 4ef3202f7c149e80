import { afterEach, describe, expect, it } from 'vitest'
import {
  apiKeyAuth,
  basicAuth,
  bearerAuth,
  createHttpClient,
  type HttpEvent,
  oauth2ClientCredentials,
  oauth2RefreshToken,
} from '../src/http/index.ts'
import { apiFailure } from './support/api-failure.ts'
import { type RecordedRequest, type ScriptedServer, send, startScriptedServer } from './support/scripted-server.ts'

const FAST = { backoffBaseMs: 10, jitter: false } as const
let server: ScriptedServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

const form = (request: RecordedRequest) => Object.fromEntries(new URLSearchParams(request.body))

describe('static credentials', () => {
  it('sends bearer, basic and API key credentials', async () => {
    server = await startScriptedServer({ '/me': { body: {} } })
    await createHttpClient({ baseUrl: server.url, auth: bearerAuth('tok-abc') }).getJson('/me')
    await createHttpClient({ baseUrl: server.url, auth: basicAuth('ana', 'pw-1234') }).getJson('/me')
    await createHttpClient({ baseUrl: server.url, auth: apiKeyAuth('key-5678', { header: 'X-API-Key' }) }).getJson(
      '/me',
    )
    await createHttpClient({ baseUrl: server.url, auth: apiKeyAuth('key-9999', { query: 'api_key' }) }).getJson('/me', {
      searchParams: { q: 'x' },
    })
    const [bearer, basic, header, query] = server.hits('/me')
    expect(bearer!.headers.authorization).toBe('Bearer tok-abc')
    expect(basic!.headers.authorization).toBe(`Basic ${Buffer.from('ana:pw-1234').toString('base64')}`)
    expect(header!.headers['x-api-key']).toBe('key-5678')
    expect(query!.url.searchParams.get('api_key')).toBe('key-9999')
    expect(query!.url.searchParams.get('q')).toBe('x')
  })

  it('keeps a query API key out of the response URL and events', async () => {
    server = await startScriptedServer({ '/me': { body: {} } })
    const events: HttpEvent[] = []
    const client = createHttpClient({
      baseUrl: server.url,
      auth: apiKeyAuth('key-9999', { query: 'api_key' }),
      onEvent: (event) => events.push(event),
    })
    const response = await client.getJson('/me')
    expect(response.url).toBe(`${server.url}/me`)
    expect(JSON.stringify(events)).not.toContain('api_key')
  })

  it('does not send credentials to another origin', async () => {
    server = await startScriptedServer({ '/me': { body: {} } })
    const other = await startScriptedServer({ '/elsewhere': { body: {} } })
    try {
      const client = createHttpClient({ baseUrl: server.url, auth: bearerAuth('tok-abc') })
      await client.getJson(`${other.url}/elsewhere`)
      await client.getJson('/me')
      expect(other.hits('/elsewhere')[0]!.headers.authorization).toBeUndefined()
      expect(server.hits('/me')[0]!.headers.authorization).toBe('Bearer tok-abc')
    } finally {
      await other.close()
    }
  })

  it('fails a 401 without refreshable credentials at once, as auth', async () => {
    server = await startScriptedServer({ '/me': { status: 401, body: { message: 'Bad credentials' } } })
    const client = createHttpClient({ baseUrl: server.url, auth: bearerAuth('tok-abc'), retry: FAST })
    const error = await apiFailure(client.getJson('/me'))
    expect(server.hits('/me')).toHaveLength(1)
    expect(error.category).toBe('auth')
    expect(error.status).toBe(401)
    expect(error.isRetryable).toBe(false)
  })

  it('fails a 403 at once, as auth', async () => {
    server = await startScriptedServer({ '/me': { status: 403 } })
    const client = createHttpClient({ baseUrl: server.url, auth: bearerAuth('tok-abc'), retry: FAST })
    const error = await apiFailure(client.getJson('/me'))
    expect(server.hits('/me')).toHaveLength(1)
    expect(error.category).toBe('auth')
  })
})

describe('OAuth2', () => {
  const tokenBody = (token: string, extra: Record<string, unknown> = {}) => ({
    body: { access_token: token, token_type: 'bearer', expires_in: 3600, ...extra },
  })
  const accepts =
    (token: string) =>
    (request: RecordedRequest, response: Parameters<typeof send>[0]): void =>
      request.headers.authorization === `Bearer ${token}`
        ? send(response, { body: { ok: true } })
        : send(response, { status: 401, body: { error: 'invalid_token' } })

  it('gets a client-credentials token once and caches it', async () => {
    server = await startScriptedServer({ 'POST /token': tokenBody('tok-1'), '/data': accepts('tok-1') })
    const auth = oauth2ClientCredentials({
      tokenUrl: `${server.url}/token`,
      clientId: 'client-a',
      clientSecret: 'secret-a',
      scope: 'read write',
    })
    const client = createHttpClient({ baseUrl: server.url, auth })
    await Promise.all([client.getJson('/data'), client.getJson('/data')])
    await client.getJson('/data')
    expect(server.hits('/token')).toHaveLength(1)
    expect(server.hits('/data')).toHaveLength(3)
    expect(form(server.hits('/token')[0]!)).toEqual({
      grant_type: 'client_credentials',
      client_id: 'client-a',
      client_secret: 'secret-a',
      scope: 'read write',
    })
  })

  it('authenticates the client with HTTP basic when asked', async () => {
    server = await startScriptedServer({ 'POST /token': tokenBody('tok-1'), '/data': accepts('tok-1') })
    const auth = oauth2ClientCredentials({
      tokenUrl: `${server.url}/token`,
      clientId: 'client-a',
      clientSecret: 'secret-a',
      clientAuth: 'basic',
    })
    await createHttpClient({ baseUrl: server.url, auth }).getJson('/data')
    const token = server.hits('/token')[0]!
    expect(token.headers.authorization).toBe(`Basic ${Buffer.from('client-a:secret-a').toString('base64')}`)
    expect(form(token)).toEqual({ grant_type: 'client_credentials' })
  })

  it('renews a token that is about to expire', async () => {
    server = await startScriptedServer({
      'POST /token': [tokenBody('tok-1', { expires_in: 1 }), tokenBody('tok-2')],
      '/data': { body: {} },
    })
    const auth = oauth2ClientCredentials({ tokenUrl: `${server.url}/token`, clientId: 'c', clientSecret: 'secret-a' })
    const client = createHttpClient({ baseUrl: server.url, auth })
    await client.getJson('/data')
    await new Promise((resolve) => setTimeout(resolve, 550))
    await client.getJson('/data')
    expect(server.hits('/token')).toHaveLength(2)
    expect(server.hits('/data').map((request) => request.headers.authorization)).toEqual([
      'Bearer tok-1',
      'Bearer tok-2',
    ])
  })

  it('refreshes once after a 401, then succeeds', async () => {
    server = await startScriptedServer({
      'POST /token': [tokenBody('tok-1'), tokenBody('tok-2')],
      '/data': accepts('tok-2'),
    })
    const events: HttpEvent[] = []
    const auth = oauth2ClientCredentials({ tokenUrl: `${server.url}/token`, clientId: 'c', clientSecret: 'secret-a' })
    const client = createHttpClient({ baseUrl: server.url, auth, retry: FAST, onEvent: (event) => events.push(event) })
    const response = await client.getJson('/data')
    expect(response.data).toEqual({ ok: true })
    expect(server.hits('/token')).toHaveLength(2)
    expect(server.hits('/data').map((request) => request.headers.authorization)).toEqual([
      'Bearer tok-1',
      'Bearer tok-2',
    ])
    expect(events.filter((event) => event.type === 'auth-refresh')).toHaveLength(1)
  })

  it('fails as auth without a loop when the refresh is rejected', async () => {
    server = await startScriptedServer({
      'POST /token': [tokenBody('tok-1'), { status: 400, body: { error: 'invalid_grant' } }],
      '/data': accepts('never'),
    })
    const auth = oauth2RefreshToken({
      tokenUrl: `${server.url}/token`,
      clientId: 'c',
      clientSecret: 'secret-a',
      refreshToken: 'refresh-1',
    })
    const client = createHttpClient({ baseUrl: server.url, auth, retry: FAST })
    const error = await apiFailure(client.getJson('/data'))
    expect(server.hits('/token')).toHaveLength(2)
    expect(server.hits('/data')).toHaveLength(1)
    expect(error.category).toBe('auth')
    expect(error.isRetryable).toBe(false)
    expect(error.status).toBe(401)
    expect(error.url).toBe(`${server.url}/data`)
    expect(String((error.cause as { message: string }).message)).toContain('invalid_grant')
  })

  it('fails as auth when the renewed token is rejected too', async () => {
    server = await startScriptedServer({
      'POST /token': [tokenBody('tok-1'), tokenBody('tok-2')],
      '/data': accepts('never'),
    })
    const auth = oauth2ClientCredentials({ tokenUrl: `${server.url}/token`, clientId: 'c', clientSecret: 'secret-a' })
    const client = createHttpClient({ baseUrl: server.url, auth, retry: FAST })
    const error = await apiFailure(client.getJson('/data'))
    expect(server.hits('/token')).toHaveLength(2)
    expect(server.hits('/data')).toHaveLength(2)
    expect(error.category).toBe('auth')
    expect(error.attempts).toBe(2)
  })

  it('uses and reports a rotated refresh token', async () => {
    server = await startScriptedServer({
      'POST /token': [tokenBody('tok-1', { refresh_token: 'refresh-2' }), tokenBody('tok-2')],
      '/data': accepts('tok-2'),
    })
    const rotated: string[] = []
    const auth = oauth2RefreshToken({
      tokenUrl: `${server.url}/token`,
      clientId: 'c',
      clientSecret: 'secret-a',
      refreshToken: 'refresh-1',
      onRefreshToken: (token) => rotated.push(token),
    })
    await createHttpClient({ baseUrl: server.url, auth, retry: FAST }).getJson('/data')
    expect(server.hits('/token').map((request) => form(request).refresh_token)).toEqual(['refresh-1', 'refresh-2'])
    expect(server.hits('/token').map((request) => form(request).grant_type)).toEqual(['refresh_token', 'refresh_token'])
    expect(rotated).toEqual(['refresh-2'])
  })

  it('retries a token endpoint that is briefly unavailable', async () => {
    server = await startScriptedServer({
      'POST /token': [{ status: 503 }, tokenBody('tok-1')],
      '/data': accepts('tok-1'),
    })
    const auth = oauth2ClientCredentials({ tokenUrl: `${server.url}/token`, clientId: 'c', clientSecret: 'secret-a' })
    await createHttpClient({ baseUrl: server.url, auth, retry: FAST }).getJson('/data')
    expect(server.hits('/token')).toHaveLength(2)
  })

  it('reports a token response without access_token as auth', async () => {
    server = await startScriptedServer({ 'POST /token': { body: { token_type: 'bearer' } }, '/data': { body: {} } })
    const auth = oauth2ClientCredentials({ tokenUrl: `${server.url}/token`, clientId: 'c', clientSecret: 'secret-a' })
    const error = await apiFailure(createHttpClient({ baseUrl: server.url, auth, retry: FAST }).getJson('/data'))
    expect(error.category).toBe('auth')
    expect(error.message).toContain('no access_token')
    expect(server.hits('/data')).toHaveLength(0)
  })
})
