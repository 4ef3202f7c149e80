import { inspect } from 'node:util'
import Type from 'typebox'
import { beforeEach, describe, expect, it } from 'vitest'
import { clearSecrets, InvalidOptionsError, REDACTED, redact } from '../src/errors/index.ts'
import {
  containsSecret,
  defineOptions,
  isSecretSchema,
  parseOptions,
  redactOptions,
  secret,
  secretKeys,
} from '../src/options/index.ts'

const CANARY = 'lakeflow-canary-9f8e7d'

const Options = defineOptions({
  token: secret(Type.String({ minLength: 10, description: 'API token' })),
  base_url: Type.String({ default: 'https://api.example.com', description: 'API base URL' }),
  page_size: Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Records per page' }),
  verbose: Type.Boolean({ default: false, description: 'Log every request' }),
  ratio: Type.Optional(Type.Number({ description: 'A fraction' })),
  labels: Type.Optional(Type.Array(Type.String(), { description: 'Labels to read' })),
  proxy: Type.Optional(
    Type.Object({ host: Type.String(), password: secret(Type.String()) }, { description: 'Proxy settings' }),
  ),
  mode: Type.Optional(Type.Union([Type.Literal('full'), Type.Literal('incremental')], { description: 'Read mode' })),
})

beforeEach(() => clearSecrets())

function invalid(raw: Record<string, unknown>): InvalidOptionsError {
  try {
    parseOptions(Options, raw, 'connector example')
  } catch (error) {
    expect(InvalidOptionsError.isInstance(error), String(error)).toBe(true)
    return error as InvalidOptionsError
  }
  throw new Error(`expected ${JSON.stringify(Object.keys(raw))} to be rejected`)
}

function expectNoCanary(error: InvalidOptionsError, secretValue = CANARY): void {
  for (const text of [error.message, JSON.stringify(error), inspect(error, { depth: 10 }), String(error.stack)]) {
    expect(text).not.toContain(secretValue)
  }
}

describe('parseOptions', () => {
  it('fills defaults and returns typed options', () => {
    const options = parseOptions(Options, { token: CANARY }, 'connector example')
    expect(options).toEqual({ token: CANARY, base_url: 'https://api.example.com', page_size: 100, verbose: false })
  })

  it('coerces strings to numbers, booleans, arrays and objects', () => {
    const options = parseOptions(
      Options,
      {
        token: CANARY,
        page_size: '500',
        verbose: 'true',
        ratio: ' 0.25 ',
        labels: '["bug", "docs"]',
        proxy: '{"host": "proxy.local", "password": "proxy-pass-1"}',
      },
      'connector example',
    )
    expect(options).toMatchObject({
      page_size: 500,
      verbose: true,
      ratio: 0.25,
      labels: ['bug', 'docs'],
      proxy: { host: 'proxy.local', password: 'proxy-pass-1' },
    })
    for (const [text, expected] of [
      ['false', false],
      ['0', false],
      ['no', false],
      ['YES', true],
      ['1', true],
    ] as const) {
      expect(parseOptions(Options, { token: CANARY, verbose: text }, 'x').verbose, text).toBe(expected)
    }
  })

  it('names a missing required key with its description', () => {
    const error = invalid({ page_size: 5 })
    expect(error.key).toBe('token')
    expect(error.where).toBe('connector example')
    expect(error.category).toBe('config')
    expect(error.message).toBe('Invalid option "token" for connector example: required but missing (API token)')
  })

  it('names a wrong type, saying what was expected and what arrived', () => {
    expect(invalid({ token: CANARY, page_size: 'lots' }).message).toBe(
      'Invalid option "page_size" for connector example: expected a value of type integer, got "lots"',
    )
    expect(invalid({ token: CANARY, page_size: '2.5' }).message).toMatch(
      /"page_size".*expected a value of type integer, got 2\.5/,
    )
    expect(invalid({ token: CANARY, page_size: 5000 }).message).toMatch(
      /"page_size".*expected a number <= 1000, got 5000/,
    )
    expect(invalid({ token: CANARY, verbose: 'maybe' }).message).toMatch(/"verbose".*expected a value of type boolean/)
    expect(invalid({ token: CANARY, mode: 'sometimes' }).message).toMatch(
      /"mode".*expected one of "full", "incremental", got "sometimes"/,
    )
    expect(invalid({ token: CANARY, labels: '["unclosed"' }).message).toMatch(/"labels".*expected JSON/)
    expect(invalid({ token: CANARY, proxy: { host: 5, password: 'proxy-pass-1' } }).key).toBe('proxy.host')
  })

  it('rejects an unknown key, suggesting the closest known one', () => {
    const error = invalid({ token: CANARY, page_sise: 5 })
    expect(error.key).toBe('page_sise')
    expect(error.message).toMatch(/unknown option; did you mean "page_size"\?/)
    expect(error.message).toMatch(/Known options: token, base_url, page_size/)
    expect(invalid({ token: CANARY, zzzzzzzz: 1 }).message).not.toMatch(/did you mean/)
    expect(parseOptions(Options, { token: CANARY, extra: 1 }, 'x', { unknownKeys: 'ignore' })).not.toHaveProperty(
      'extra',
    )
  })

  it('never shows a secret value in an error', () => {
    for (const raw of [
      { token: 'short-one' },
      { token: 12345678901 },
      { token: ['lakeflow-canary', '9f8e7d'] },
      { token: CANARY, page_size: CANARY },
    ]) {
      const error = invalid(raw)
      expectNoCanary(error)
      expect(error.message).not.toContain('short-one')
      expect(error.message).not.toContain('12345678901')
    }
    expect(invalid({ token: 'short-one' }).message).toBe(
      `Invalid option "token" for connector example: expected at least 10 characters, got ${REDACTED}`,
    )
  })

  it('never shows a nested secret, parsed or not', () => {
    const wrongHost = invalid({ token: CANARY, proxy: { host: 5, password: CANARY } })
    expect(wrongHost.message).toContain(`"password":"${REDACTED}"`)
    expectNoCanary(wrongHost)
    const badJson = invalid({ token: 'token-value-1', proxy: `{"host": "h", "password": "${CANARY}"` })
    expectNoCanary(badJson)
    expect(badJson.message).toMatch(/"proxy".*expected JSON, got \[REDACTED\]/)
  })

  it('registers secrets, nested ones included, for redaction everywhere', () => {
    parseOptions(Options, { token: CANARY, proxy: { host: 'h', password: 'proxy-pass-1' } }, 'x')
    expect(redact(`token ${CANARY} and proxy-pass-1`)).toBe(`token ${REDACTED} and ${REDACTED}`)
  })
})

describe('secret helpers', () => {
  it('finds secret keys, nested secrets and masks options for display', () => {
    expect(secretKeys(Options)).toEqual(['token'])
    expect(isSecretSchema(Options.properties.token)).toBe(true)
    expect(isSecretSchema(Options.properties.proxy)).toBe(false)
    expect(containsSecret(Options.properties.proxy)).toBe(true)
    expect(containsSecret(Options.properties.labels)).toBe(false)
    const options = parseOptions(Options, { token: CANARY, proxy: { host: 'h', password: 'proxy-pass-1' } }, 'x')
    expect(redactOptions(Options, options)).toEqual({
      token: REDACTED,
      base_url: 'https://api.example.com',
      page_size: 100,
      verbose: false,
      proxy: { host: 'h', password: REDACTED },
    })
  })
})
