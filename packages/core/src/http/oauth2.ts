import { ApiCallError } from '../errors/errors.ts'
import { registerSecret } from '../errors/redact.ts'
import type { AuthContext, HttpAuth } from './types.ts'

/** Settings shared by the OAuth2 helpers. */
interface OAuth2Common {
  /** The token endpoint. @example 'https://login.example.com/oauth2/token' */
  tokenUrl: string
  clientId: string
  clientSecret: string
  /** Space-separated scopes, sent as `scope` when given. */
  scope?: string
  /**
   * How the client authenticates at the token endpoint: form fields `client_id` and
   * `client_secret` (`body`), or HTTP basic (`basic`, RFC 6749 §2.3.1).
   * @default 'body'
   */
  clientAuth?: 'body' | 'basic'
  /**
   * Renew a token this long before it expires (at most half its lifetime).
   * @default 60000
   */
  expiryMarginMs?: number
}

/** Options of {@link oauth2ClientCredentials}. */
export type OAuth2ClientCredentialsOptions = OAuth2Common

/** Options of {@link oauth2RefreshToken}. */
export interface OAuth2RefreshTokenOptions extends OAuth2Common {
  /** The refresh token; registered as a secret. */
  refreshToken: string
  /**
   * Called when the token endpoint rotates the refresh token (returns a new one), so the
   * caller can persist it. The new token is used from then on either way.
   */
  onRefreshToken?: (refreshToken: string) => void
}

interface CachedToken {
  readonly header: string
  /** Epoch ms after which the token is renewed before use. */
  readonly renewAt: number
}

const DEFAULT_LIFETIME_MS = 3600_000

/** Which failure ends a token request: a 4xx from the token endpoint is an auth problem. */
function tokenError(url: string, problem: string, status?: number): ApiCallError {
  return new ApiCallError(`OAuth2 token endpoint answered without a usable token (${problem})`, {
    url,
    method: 'POST',
    status,
    isRetryable: false,
    category: 'auth',
  })
}

function createOAuth2Auth(
  kind: string,
  settings: OAuth2Common,
  grant: () => Record<string, string>,
  onTokenResponse: (body: Record<string, unknown>) => void,
): HttpAuth {
  for (const name of ['tokenUrl', 'clientId', 'clientSecret'] as const) {
    if (typeof settings[name] !== 'string' || settings[name] === '') {
      throw new TypeError(`${kind}: ${name} must be a non-empty string`)
    }
  }
  registerSecret(settings.clientSecret)
  const margin = settings.expiryMarginMs ?? 60_000
  let cached: CachedToken | undefined
  let pending: Promise<CachedToken> | undefined

  async function fetchToken(context: AuthContext): Promise<CachedToken> {
    const form: Record<string, string> = { ...grant() }
    const headers: Record<string, string> = { accept: 'application/json' }
    if (settings.clientAuth === 'basic') {
      const pair = `${encodeURIComponent(settings.clientId)}:${encodeURIComponent(settings.clientSecret)}`
      const encoded = Buffer.from(pair, 'utf8').toString('base64')
      registerSecret(pair)
      registerSecret(encoded)
      headers.authorization = `Basic ${encoded}`
    } else {
      form.client_id = settings.clientId
      form.client_secret = settings.clientSecret
    }
    if (settings.scope) form.scope = settings.scope
    const response = await context.postForm(settings.tokenUrl, form, headers)
    const body = response.data
    if (typeof body !== 'object' || body === null) throw tokenError(response.url, 'the body is not a JSON object')
    const record = body as Record<string, unknown>
    const token = record.access_token
    if (typeof token !== 'string' || token === '') throw tokenError(response.url, 'no access_token in the response')
    registerSecret(token)
    onTokenResponse(record)
    const type = typeof record.token_type === 'string' && record.token_type !== '' ? record.token_type : 'Bearer'
    const scheme = type.toLowerCase() === 'bearer' ? 'Bearer' : type
    const expiresIn = Number(record.expires_in)
    const lifetime = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : DEFAULT_LIFETIME_MS
    return { header: `${scheme} ${token}`, renewAt: Date.now() + lifetime - Math.min(margin, lifetime / 2) }
  }

  // Concurrent requests share one token request.
  function renew(context: AuthContext): Promise<CachedToken> {
    if (!pending) {
      pending = fetchToken(context).then(
        (token) => {
          cached = token
          pending = undefined
          return token
        },
        (error: unknown) => {
          pending = undefined
          throw error
        },
      )
    }
    return pending
  }

  return {
    kind,
    async apply(target, context) {
      const token = cached && Date.now() < cached.renewAt ? cached : await renew(context)
      target.headers.set('authorization', token.header)
    },
    async refresh(context) {
      cached = undefined
      await renew(context)
    },
  }
}

/**
 * OAuth2 client credentials grant. The token is cached until shortly before it expires and
 * renewed once after a 401. The client secret and every token are registered for redaction.
 * @example oauth2ClientCredentials({ tokenUrl, clientId, clientSecret: options.client_secret, scope: 'read' })
 */
export function oauth2ClientCredentials(options: OAuth2ClientCredentialsOptions): HttpAuth {
  return createOAuth2Auth(
    'oauth2-client-credentials',
    options,
    () => ({ grant_type: 'client_credentials' }),
    () => {},
  )
}

/**
 * OAuth2 refresh token grant: access tokens come from the refresh token, cached until shortly
 * before they expire and renewed once after a 401. A rotated refresh token replaces the old
 * one (see `onRefreshToken`). Every token is registered for redaction.
 * @example oauth2RefreshToken({ tokenUrl, clientId, clientSecret, refreshToken: options.refresh_token })
 */
export function oauth2RefreshToken(options: OAuth2RefreshTokenOptions): HttpAuth {
  if (typeof options.refreshToken !== 'string' || options.refreshToken === '') {
    throw new TypeError('oauth2-refresh-token: refreshToken must be a non-empty string')
  }
  let refreshToken = options.refreshToken
  registerSecret(refreshToken)
  return createOAuth2Auth(
    'oauth2-refresh-token',
    options,
    () => ({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    (body) => {
      const rotated = body.refresh_token
      if (typeof rotated === 'string' && rotated !== '' && rotated !== refreshToken) {
        registerSecret(rotated)
        refreshToken = rotated
        options.onRefreshToken?.(rotated)
      }
    },
  )
}
