import { inspect } from 'node:util'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type ApiCallError, clearSecrets, REDACTED } from '../src/errors/index.ts'
import {
  apiKeyAuth,
  basicAuth,
  bearerAuth,
  createHttpClient,
  type HttpAuth,
  type HttpEvent,
  oauth2ClientCredentials,
} from '../src/http/index.ts'
import { apiFailure } from './support/api-failure.ts'
import {
  type Handler,
  resetMidBody,
  type ScriptedServer,
  send,
  startScriptedServer,
} from './support/scripted-server.ts'

const CANARY = 'lakeflow-canary-9f8e7d'
const CANARY_FORMS = [CANARY, Buffer.from(`ana:${CANARY}`).toString('base64'), encodeURIComponent(CANARY)]

let server: ScriptedServer | undefined

beforeEach(() => clearSecrets())
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** Echoes everything the client sent (headers, target, body, decoded basic credentials) in the body. */
function echo(status: number, asJson = true): Handler {
  return (request, response) => {
    const authorization = request.headers.authorization ?? ''
    const decoded = authorization.startsWith('Basic ')
      ? Buffer.from(authorization.slice(6), 'base64').toString('utf8')
      : ''
    const body = { target: request.target, headers: request.headers, decoded, body: request.body }
    send(response, { status, body: asJson ? body : `not json ${JSON.stringify(body)}` })
  }
}

/** Every place a secret could leak from a thrown error. */
function surfaces(error: unknown): Record<string, string> {
  const cause = (error as { cause?: unknown }).cause
  return {
    message: (error as Error).message,
    stack: String((error as Error).stack),
    json: JSON.stringify(error),
    inspect: inspect(error, { depth: 10 }),
    cause: inspect(cause, { depth: 10 }),
    causeJson: JSON.stringify(cause) ?? '',
    string: String(error),
    responseBody: String((error as ApiCallError).responseBody),
  }
}

function expectNoCanary(label: string, texts: Record<string, string>): void {
  for (const [where, text] of Object.entries(texts)) {
    for (const form of CANARY_FORMS) {
      expect(text.includes(form), `${label}: canary form ${form} found in ${where}: ${text.slice(0, 300)}`).toBe(false)
    }
  }
}

const AUTHS: [string, () => HttpAuth, (request: { headers: Record<string, unknown>; target: string }) => boolean][] = [
  ['bearer', () => bearerAuth(CANARY), (request) => request.headers.authorization === `Bearer ${CANARY}`],
  ['basic', () => basicAuth('ana', CANARY), (request) => String(request.headers.authorization).startsWith('Basic ')],
  [
    'api-key header',
    () => apiKeyAuth(CANARY, { header: 'X-Api-Key' }),
    (request) => request.headers['x-api-key'] === CANARY,
  ],
  ['api-key query', () => apiKeyAuth(CANARY, { query: 'api_key' }), (request) => request.target.includes(CANARY)],
]

describe.each(AUTHS)('a canary secret sent as %s', (label, makeAuth, sentCanary) => {
  it('never appears in errors or events', async () => {
    server = await startScriptedServer({
      '/retry-echo': echo(500),
      '/fatal-echo': echo(400),
      '/text-echo': echo(200, false),
      '/api-error': echo(200),
      '/reset': resetMidBody(`{"echo": "${CANARY}`),
      // Never answers: the request times out however fast or slow the machine is.
      '/slow': () => {},
    })
    const events: HttpEvent[] = []
    const client = createHttpClient({
      baseUrl: server.url,
      auth: makeAuth(),
      retry: { backoffBaseMs: 5, limit: 2 },
      onEvent: (event) => events.push(event),
      isApiError: (body) => {
        const record = body as { target?: string; headers?: Record<string, string> }
        return record.target?.startsWith('/api-error')
          ? { message: `rejected ${record.target} with ${JSON.stringify(record.headers)}`, retryable: true }
          : undefined
      },
    })
    const errors = [
      await apiFailure(client.getJson('/retry-echo', { searchParams: { q: 1 } })),
      await apiFailure(client.getJson('/fatal-echo')),
      await apiFailure(client.getJson('/text-echo')),
      await apiFailure(client.getJson('/api-error')),
      await apiFailure(client.getJson('/reset')),
      await apiFailure(client.getJson('/slow', { timeoutMs: 50 })),
    ]
    // Controls: the canary did reach the server, and the echoes carried it back (redacted).
    for (const request of server.requests) expect(sentCanary(request), `${label} sent to ${request.target}`).toBe(true)
    expect(errors[0]!.status).toBe(500)
    expect(errors[0]!.responseBody).toContain(REDACTED)
    expect(errors[5]!.message).toMatch(/timed out/)
    expect(errors[3]!.message).toContain(REDACTED)
    for (const [index, error] of errors.entries()) expectNoCanary(`${label} error ${index}`, surfaces(error))
    expect(events.length).toBeGreaterThan(10)
    expectNoCanary(`${label} events`, { events: JSON.stringify(events), inspect: inspect(events, { depth: 10 }) })
  })
})

describe('other secrets', () => {
  it('keeps an OAuth2 client secret and tokens out of token endpoint errors', async () => {
    server = await startScriptedServer({ 'POST /token': echo(400), '/data': { body: {} } })
    const events: HttpEvent[] = []
    const auth = oauth2ClientCredentials({ tokenUrl: `${server.url}/token`, clientId: 'c', clientSecret: CANARY })
    const client = createHttpClient({ baseUrl: server.url, auth, onEvent: (event) => events.push(event) })
    const error = await apiFailure(client.getJson('/data'))
    expect(server.hits('/token')[0]!.body).toContain(CANARY)
    expect(error.category).toBe('auth')
    expect(error.responseBody).toContain(REDACTED)
    expectNoCanary('oauth2', { ...surfaces(error), events: JSON.stringify(events) })
  })

  it('redacts sensitive query parameters even when they were never registered', async () => {
    server = await startScriptedServer({ '/data': { status: 404 } })
    const events: HttpEvent[] = []
    const client = createHttpClient({ baseUrl: server.url, onEvent: (event) => events.push(event) })
    const error = await apiFailure(
      client.getJson('/data', { searchParams: { access_token: 'unregistered-value', page: 2 } }),
    )
    expect(error.url).toBe(`${server.url}/data?access_token=${REDACTED}&page=2`)
    const texts = { ...surfaces(error), events: JSON.stringify(events) }
    for (const [where, text] of Object.entries(texts)) expect(text, where).not.toContain('unregistered-value')
  })

  it('redacts credentials embedded in a base URL', async () => {
    server = await startScriptedServer({ '/data': { status: 404 } })
    const withUser = server.url.replace('http://', 'http://ana:pass-in-url-77@')
    expect(() => createHttpClient({ baseUrl: withUser })).toThrow(/must not contain credentials.*ana:\[REDACTED\]@/)
    expect(() => createHttpClient({ baseUrl: withUser })).not.toThrow(/pass-in-url-77/)
    const error = await apiFailure(createHttpClient({ baseUrl: server.url }).getJson(`${withUser}/data`))
    expect(error.category).toBe('internal')
    expectNoCanary('url credentials', surfaces(error))
    for (const text of Object.values(surfaces(error))) expect(text).not.toContain('pass-in-url-77')
  })
})
