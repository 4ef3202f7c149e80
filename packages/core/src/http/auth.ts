import { registerSecret } from '../errors/redact.ts'
import type { HttpAuth } from './types.ts'

function requireText(helper: string, name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(
      `${helper}: ${name} must be a non-empty string, got ${value === '' ? 'an empty string' : typeof value}`,
    )
  }
  return value
}

/** An HTTP auth scheme is a token (RFC 9110 §11.1): no spaces or separators. */
export function requireScheme(helper: string, scheme: string): string {
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(scheme))
    throw new TypeError(`${helper}: scheme must be an HTTP auth scheme such as "Bearer", got ${JSON.stringify(scheme)}`)
  return scheme
}

/** Options of {@link bearerAuth}. */
export interface BearerAuthOptions {
  /**
   * The scheme word before the token, for APIs that want another one than `Bearer`.
   * @default 'Bearer'
   * @example 'Zoho-oauthtoken'
   */
  scheme?: string
}

/**
 * `Authorization: Bearer <token>` (or another scheme). The token is registered for redaction.
 * @example createHttpClient({ baseUrl, auth: bearerAuth(options.token) })
 * @example bearerAuth(options.access_token, { scheme: 'Zoho-oauthtoken' })
 */
export function bearerAuth(token: string, options: BearerAuthOptions = {}): HttpAuth {
  requireText('bearerAuth', 'token', token)
  const scheme = requireScheme('bearerAuth', options.scheme ?? 'Bearer')
  registerSecret(token)
  const header = `${scheme} ${token}`
  return {
    kind: 'bearer',
    apply(target) {
      target.headers.set('authorization', header)
    },
  }
}

/**
 * HTTP basic auth: `Authorization: Basic base64(user:password)`. The password, the
 * `user:password` pair and its base64 form are registered for redaction.
 * @example basicAuth(options.username, options.password)
 */
export function basicAuth(user: string, password: string): HttpAuth {
  requireText('basicAuth', 'user', user)
  if (typeof password !== 'string') throw new TypeError(`basicAuth: password must be a string, got ${typeof password}`)
  const pair = `${user}:${password}`
  const encoded = Buffer.from(pair, 'utf8').toString('base64')
  registerSecret(password)
  registerSecret(pair)
  registerSecret(encoded)
  const header = `Basic ${encoded}`
  return {
    kind: 'basic',
    apply(target) {
      target.headers.set('authorization', header)
    },
  }
}

/** Where {@link apiKeyAuth} puts the key. */
export type ApiKeyPlacement =
  | {
      /** Header name, e.g. `X-API-Key`. */
      header: string
      /** Text before the key, e.g. `Token ` for `Authorization: Token <key>`. @default '' */
      prefix?: string
    }
  | {
      /** Query parameter name, e.g. `api_key`. */
      query: string
    }

/**
 * An API key in a header or a query parameter. The key is registered for redaction, and a
 * query key is added only to the URL actually sent: response URLs, events and errors
 * never carry it.
 * @example apiKeyAuth(options.api_key, { header: 'X-API-Key' })
 * @example apiKeyAuth(options.api_key, { query: 'api_key' })
 */
export function apiKeyAuth(key: string, placement: ApiKeyPlacement): HttpAuth {
  requireText('apiKeyAuth', 'key', key)
  registerSecret(key)
  if ('header' in placement) {
    requireText('apiKeyAuth', 'header', placement.header)
    const value = `${placement.prefix ?? ''}${key}`
    return {
      kind: 'api-key',
      apply(target) {
        target.headers.set(placement.header, value)
      },
    }
  }
  requireText('apiKeyAuth', 'query', placement.query)
  return {
    kind: 'api-key',
    apply(target) {
      target.url.searchParams.set(placement.query, key)
    },
  }
}
