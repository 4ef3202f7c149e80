import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { inspect } from 'node:util'
import { beforeEach, describe, expect, it } from 'vitest'
import {
  ApiCallError,
  clearSecrets,
  excerpt,
  InvalidOffsetError,
  InvalidOptionsError,
  LakeflowError,
  RateLimitError,
  REDACTED,
  redact,
  redactUrl,
  registerSecret,
  SchemaConversionError,
  SpecVersionError,
  UnknownTableError,
  UnsupportedOperationError,
} from '../src/errors/index.ts'

beforeEach(() => clearSecrets())

interface ErrorClass {
  readonly name: string
  isInstance(value: unknown): boolean
}
type Sample = readonly [ErrorClass, LakeflowError, string, string]

/** One instance of every error class, with its expected category and marker name. */
function samples(): readonly Sample[] {
  return [
    [LakeflowError, new LakeflowError('base'), 'internal', 'lakeflow.error'],
    [
      ApiCallError,
      new ApiCallError('Request failed', { url: 'https://x.test/a', method: 'GET', status: 500, isRetryable: true }),
      'transient',
      'lakeflow.error.ApiCallError',
    ],
    [
      InvalidOptionsError,
      new InvalidOptionsError({ key: 'token', where: 'connector x', problem: 'required but missing' }),
      'config',
      'lakeflow.error.InvalidOptionsError',
    ],
    [UnknownTableError, new UnknownTableError('nope', ['issues']), 'config', 'lakeflow.error.UnknownTableError'],
    [
      SchemaConversionError,
      new SchemaConversionError({ table: 'issues', path: 'user.id', expected: 'bigint', value: 'abc' }),
      'schema',
      'lakeflow.error.SchemaConversionError',
    ],
    [SpecVersionError, new SpecVersionError('x', 'v9', ['v1']), 'config', 'lakeflow.error.SpecVersionError'],
    [
      UnsupportedOperationError,
      new UnsupportedOperationError('readTableDeletes', 'no deletes'),
      'config',
      'lakeflow.error.UnsupportedOperationError',
    ],
    [
      InvalidOffsetError,
      new InvalidOffsetError('issues', 'cursor missing', { x: 1 }),
      'config',
      'lakeflow.error.InvalidOffsetError',
    ],
    [
      RateLimitError,
      new RateLimitError('Rate limited', {
        url: 'https://x.test/a',
        method: 'GET',
        status: 429,
        limit: 'retry-after',
        waitMs: 7_200_000,
        waitedMs: 0,
      }),
      'transient',
      'lakeflow.error.RateLimitError',
    ],
  ]
}

/** The classes an error is also an instance of (its ancestors). */
const ancestors = (klass: ErrorClass): ErrorClass[] =>
  klass === RateLimitError ? [LakeflowError, ApiCallError] : [LakeflowError]

describe('error classes', () => {
  it.each(samples().map((sample) => [sample[1].name, ...sample] as const))(
    '%s: isInstance, category, name and toJSON',
    (name, klass, error, category) => {
      expect(klass.isInstance(error)).toBe(true)
      expect(LakeflowError.isInstance(error)).toBe(true)
      expect(error).toBeInstanceOf(Error)
      expect(error.category).toBe(category)
      expect(error.name).toBe(name)
      const json = JSON.parse(JSON.stringify(error))
      expect(json).toMatchObject({ name, category, message: error.message })
      for (const [other] of samples()) {
        if (other !== klass && !ancestors(klass).includes(other))
          expect(other.isInstance(error), `${other.name} on ${name}`).toBe(false)
      }
    },
  )

  it('recognises errors from a duplicated copy of core by their Symbol.for markers', () => {
    for (const [klass, , , marker] of samples()) {
      // A second installed copy of core has different classes but the same global symbols.
      const copy = Object.assign(new Error('from another copy'), {
        [Symbol.for('lakeflow.error')]: true,
        [Symbol.for(marker)]: true,
      })
      expect(copy).not.toBeInstanceOf(klass as unknown as typeof Error)
      expect(klass.isInstance(copy), klass.name).toBe(true)
      expect(LakeflowError.isInstance(copy)).toBe(true)
    }
    expect(ApiCallError.isInstance({ [Symbol.for('lakeflow.error.ApiCallError')]: 'yes' })).toBe(false)
    expect(ApiCallError.isInstance(new Error('plain'))).toBe(false)
    expect(LakeflowError.isInstance(null)).toBe(false)
    expect(LakeflowError.isInstance('lakeflow.error')).toBe(false)
  })

  it('recognises errors from a second module instance of errors', async () => {
    // A real second copy of the module files, as a second installed @lakeflow/core would be.
    const folder = await mkdtemp(join(tmpdir(), 'lakeflow-errors-copy-'))
    await cp(fileURLToPath(new URL('../src/', import.meta.url)), folder, { recursive: true })
    const copy = (await import(
      pathToFileURL(join(folder, 'errors', 'index.ts')).href
    )) as typeof import('../src/errors/index.ts')
    await rm(folder, { recursive: true, force: true })
    expect(copy.ApiCallError).not.toBe(ApiCallError)
    const error = new copy.ApiCallError('x', { url: 'https://x.test', method: 'GET', isRetryable: false })
    expect(error).not.toBeInstanceOf(ApiCallError)
    expect(ApiCallError.isInstance(error)).toBe(true)
    expect(LakeflowError.isInstance(error)).toBe(true)
    expect(
      copy.ApiCallError.isInstance(new ApiCallError('y', { url: 'https://x.test', method: 'GET', isRetryable: false })),
    ).toBe(true)
  })
})

describe('ApiCallError', () => {
  const make = (status: number | undefined, isRetryable: boolean) =>
    new ApiCallError('Failed', { url: 'https://x.test/a', method: 'GET', status, isRetryable })

  it('derives the category from status and retryability', () => {
    expect(make(401, false).category).toBe('auth')
    expect(make(403, false).category).toBe('auth')
    expect(make(404, false).category).toBe('config')
    expect(make(422, false).category).toBe('config')
    expect(make(429, true).category).toBe('transient')
    expect(make(503, true).category).toBe('transient')
    expect(make(500, false).category).toBe('source')
    expect(make(undefined, true).category).toBe('transient')
    const overridden = new ApiCallError('x', {
      url: 'https://x.test',
      method: 'GET',
      isRetryable: false,
      category: 'auth',
    })
    expect(overridden.category).toBe('auth')
  })

  it('names status, attempts, method, URL and body in its message, and serialises its fields', () => {
    const error = new ApiCallError('Request failed', {
      url: 'https://x.test/a?page=2',
      method: 'GET',
      status: 503,
      bodyExcerpt: 'x'.repeat(900),
      isRetryable: true,
      attempts: 3,
    })
    expect(error.message).toMatch(
      /^Request failed \(HTTP 503\) after 3 attempts: GET https:\/\/x\.test\/a\?page=2; response body: x+…$/,
    )
    expect(error.bodyExcerpt).toHaveLength(201)
    expect(error.toJSON()).toMatchObject({
      name: 'ApiCallError',
      category: 'transient',
      url: 'https://x.test/a?page=2',
      method: 'GET',
      status: 503,
      isRetryable: true,
      attempts: 3,
    })
  })

  it('reduces a cause to plain redacted data', () => {
    registerSecret('cause-secret-1')
    const cause = Object.assign(new TypeError('failed with cause-secret-1'), {
      code: 'ECONNRESET',
      headers: { authorization: 'Bearer cause-secret-1' },
    })
    const error = new ApiCallError('x', { url: 'https://x.test', method: 'GET', isRetryable: true, cause })
    expect(error.cause).toEqual({ name: 'TypeError', message: `failed with ${REDACTED}`, code: 'ECONNRESET' })
    expect(inspect(error, { depth: 10 })).not.toContain('cause-secret-1')
    const plain = new ApiCallError('x', {
      url: 'https://x.test',
      method: 'GET',
      isRetryable: true,
      cause: { message: 'boom' },
    })
    expect(plain.cause).toEqual({ name: 'Error', message: 'boom' })
    const nested = new LakeflowError('outer', { cause: error })
    expect(nested.cause).toBe(error)
    expect(JSON.parse(JSON.stringify(nested)).cause).toMatchObject({
      name: 'ApiCallError',
      category: 'transient',
      isRetryable: true,
    })
  })
})

describe('response bodies in errors', () => {
  const EMAIL = 'ana.record@example.com'
  const apiError = (body: string, status = 422) =>
    new ApiCallError('Source API returned an error status', {
      url: 'https://x.test/users',
      method: 'POST',
      status,
      body,
      isRetryable: false,
    })

  it.each([
    [
      'GitHub validation errors',
      {
        message: 'Validation Failed',
        errors: [{ resource: 'User', field: 'email', code: 'invalid', value: EMAIL }],
        email: EMAIL,
      },
      '{"message":"Validation Failed","errors":[{"code":"invalid"}]}',
    ],
    [
      'OAuth2',
      { error: 'invalid_grant', error_description: 'Bad refresh token', account: { email: EMAIL } },
      '{"error":"invalid_grant","error_description":"Bad refresh token"}',
    ],
    [
      'Google style nested error',
      { error: { code: 403, message: 'Insufficient permissions', status: 'PERMISSION_DENIED', owner: EMAIL } },
      '{"error":{"code":403,"message":"Insufficient permissions","status":"PERMISSION_DENIED"}}',
    ],
    [
      'RFC 9457 problem details',
      { type: 'about:blank', title: 'Conflict', detail: 'Duplicate key', record: { id: 7, email: EMAIL } },
      '{"type":"about:blank","title":"Conflict","detail":"Duplicate key"}',
    ],
    [
      'GraphQL and FHIR lists',
      {
        errors: ['first', { message: 'second', data: EMAIL }],
        issue: [{ diagnostics: 'bad id', expression: [EMAIL] }],
      },
      '{"errors":["first",{"message":"second"}],"issue":[{"diagnostics":"bad id"}]}',
    ],
  ])('%s: keeps the status and the error-shaped fields, never the record data', (_label, body, summary) => {
    const error = apiError(JSON.stringify(body))
    expect(error.bodyExcerpt).toBe(summary)
    expect(error.message).toBe(
      `Source API returned an error status (HTTP 422): POST https://x.test/users; response body: ${summary}`,
    )
    for (const text of [error.message, JSON.stringify(error), inspect(error, { depth: 10 }), String(error.stack)]) {
      expect(text).not.toContain(EMAIL)
    }
    // The body itself stays on the error for debug logging, out of its enumerable fields.
    expect(error.responseBody).toBe(JSON.stringify(body))
    expect(Object.keys(error)).not.toContain('responseBody')
  })

  it('cuts long error fields and keeps HTML titles and the first line of text', () => {
    expect(apiError(JSON.stringify({ message: 'm'.repeat(500) })).bodyExcerpt).toBe(`{"message":"${'m'.repeat(200)}…"}`)
    expect(
      apiError('<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>', 502).bodyExcerpt,
    ).toBe('502 Bad Gateway')
    expect(apiError('upstream unavailable\nrequest id 42', 503).bodyExcerpt).toBe('upstream unavailable')
  })

  it('withholds bodies without error fields and JSON cut short (most likely data)', () => {
    for (const body of [JSON.stringify([{ id: 1, email: EMAIL }]), `{"items":[{"id":1,"email":"${EMAIL}"},{"id"`]) {
      const error = apiError(body, 500)
      expect(error.bodyExcerpt).toBeUndefined()
      expect(error.message).toContain(`response body withheld (${body.length} characters, no error fields)`)
      expect(error.message).not.toContain(EMAIL)
      expect(error.responseBody).toBe(body)
    }
  })

  it('redacts secrets from the kept body too', () => {
    registerSecret('body-secret-123456')
    const error = apiError(
      JSON.stringify({ message: 'token body-secret-123456 revoked', other: 'body-secret-123456' }),
      401,
    )
    expect(error.bodyExcerpt).toBe(`{"message":"token ${REDACTED} revoked"}`)
    expect(error.responseBody).not.toContain('body-secret-123456')
  })
})

describe('redaction', () => {
  it('redacts registered secrets and their URL-encoded and base64 forms', () => {
    registerSecret('s3cr3t/value+1')
    const base64 = Buffer.from('s3cr3t/value+1').toString('base64').replace(/=+$/, '')
    expect(redact(`a s3cr3t/value+1 b ${encodeURIComponent('s3cr3t/value+1')} c ${base64}`)).toBe(
      `a ${REDACTED} b ${REDACTED} c ${REDACTED}`,
    )
  })

  it('ignores values too short to redact safely, and non-strings', () => {
    registerSecret('abc')
    registerSecret(12345)
    expect(redact('abc 12345')).toBe('abc 12345')
  })

  it('redacts sensitive query parameters and URL credentials, also inside free text', () => {
    expect(redactUrl('https://x.test/a?page=2&api_key=k1&Access_Token=t1#frag')).toBe(
      `https://x.test/a?page=2&api_key=${REDACTED}&Access_Token=${REDACTED}#frag`,
    )
    expect(redactUrl('https://ana:pw@x.test/a')).toBe(`https://ana:${REDACTED}@x.test/a`)
    expect(redactUrl('https://ghp_token@x.test/a')).toBe(`https://${REDACTED}@x.test/a`)
    expect(redact('fetch "https://ana:pw@x.test/a?token=t1&q=1" failed')).toBe(
      `fetch "https://ana:${REDACTED}@x.test/a?token=${REDACTED}&q=1" failed`,
    )
  })

  it('redacts every error message on construction', () => {
    registerSecret('msg-secret-42')
    expect(new LakeflowError('leaked msg-secret-42').message).toBe(`leaked ${REDACTED}`)
    expect(new InvalidOffsetError('t', 'bad', { token: 'msg-secret-42' }).message).not.toContain('msg-secret-42')
  })

  it('shortens long values in excerpts', () => {
    expect(excerpt('x'.repeat(300), 20)).toBe(`"${'x'.repeat(19)}…(302 chars)`)
    expect(excerpt(10n)).toBe('10n')
    expect(excerpt(new Uint8Array(3))).toBe('<3 bytes>')
    expect(excerpt(undefined)).toBe('undefined')
  })
})
