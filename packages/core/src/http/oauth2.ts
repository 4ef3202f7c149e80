import { registerSecret } from '../errors/redact.ts'
import { tokenAuth } from './token-auth.ts'
import type { HttpAuth } from './types.ts'

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
  /**
   * The scheme of the `Authorization` header, for APIs that want another word than the
   * `token_type` they return (Zoho answers `Bearer` but reads `Zoho-oauthtoken <token>`).
   * @default the response's token_type (`Bearer`)
   * @example 'Zoho-oauthtoken'
   */
  scheme?: string
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

function createOAuth2Auth(
  kind: string,
  settings: OAuth2Common,
  grant: () => Record<string, string>,
  onTokenResponse?: (body: Record<string, unknown>) => void,
): HttpAuth {
  for (const name of ['tokenUrl', 'clientId', 'clientSecret'] as const) {
    if (typeof settings[name] !== 'string' || settings[name] === '') {
      throw new TypeError(`${kind}: ${name} must be a non-empty string`)
    }
  }
  registerSecret(settings.clientSecret)
  const basic = settings.clientAuth === 'basic'
  const pair = `${encodeURIComponent(settings.clientId)}:${encodeURIComponent(settings.clientSecret)}`
  const encoded = Buffer.from(pair, 'utf8').toString('base64')
  if (basic) {
    registerSecret(pair)
    registerSecret(encoded)
  }
  return tokenAuth({
    kind,
    tokenUrl: settings.tokenUrl,
    scheme: settings.scheme,
    expiryMarginMs: settings.expiryMarginMs,
    onTokenResponse,
    headers: (): Record<string, string> => (basic ? { authorization: `Basic ${encoded}` } : {}),
    form: () => ({
      ...grant(),
      ...(basic ? {} : { client_id: settings.clientId, client_secret: settings.clientSecret }),
      ...(settings.scope ? { scope: settings.scope } : {}),
    }),
  })
}

/**
 * OAuth2 client credentials grant. The token is cached until shortly before it expires and
 * renewed once after a 401. The client secret and every token are registered for redaction.
 * @example oauth2ClientCredentials({ tokenUrl, clientId, clientSecret: options.client_secret, scope: 'read' })
 */
export function oauth2ClientCredentials(options: OAuth2ClientCredentialsOptions): HttpAuth {
  return createOAuth2Auth('oauth2-client-credentials', options, () => ({ grant_type: 'client_credentials' }))
}

/**
 * OAuth2 refresh token grant: access tokens come from the refresh token, cached until shortly
 * before they expire and renewed once after a 401. A rotated refresh token replaces the old
 * one (see `onRefreshToken`). Every token is registered for redaction.
 * @example oauth2RefreshToken({ tokenUrl, clientId, clientSecret, refreshToken: options.refresh_token })
 * @example oauth2RefreshToken({ tokenUrl, clientId, clientSecret, refreshToken, scheme: 'Zoho-oauthtoken' })
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
