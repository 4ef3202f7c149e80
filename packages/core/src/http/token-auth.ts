import { ApiCallError } from '../errors/errors.ts'
import { registerSecret } from '../errors/redact.ts'
import { requireScheme } from './auth.ts'
import type { AuthContext, HttpAuth } from './types.ts'

/** How one token grant asks for tokens; shared by the OAuth2 and JWT helpers. */
export interface TokenGrant {
  /** A short name for messages and events, e.g. `oauth2-client-credentials`. */
  kind: string
  /** The token endpoint. */
  tokenUrl: string
  /** The form fields of one token request (called per request, so assertions are fresh). */
  form: () => Record<string, string>
  /** Extra headers of a token request (client authentication). */
  headers?: () => Record<string, string>
  /** Replaces the response's `token_type` in the `Authorization` header. */
  scheme?: string
  /** Renew this long before expiry (at most half the lifetime). @default 60000 */
  expiryMarginMs?: number
  /** Sees every successful token response (a rotated refresh token, say). */
  onTokenResponse?: (body: Record<string, unknown>) => void
}

interface CachedToken {
  readonly header: string
  /** Epoch ms after which the token is renewed before use. */
  readonly renewAt: number
}

const DEFAULT_LIFETIME_MS = 3600_000

/** A 2xx token response without a usable token: an auth problem, not retried. */
function tokenError(url: string, problem: string): ApiCallError {
  return new ApiCallError(`OAuth2 token endpoint answered without a usable token (${problem})`, {
    url,
    method: 'POST',
    isRetryable: false,
    category: 'auth',
  })
}

/**
 * An `HttpAuth` that gets bearer-style tokens from a token endpoint: cached until shortly
 * before they expire, renewed once after a 401, one request shared by concurrent callers.
 * Every token is registered for redaction.
 */
export function tokenAuth(grant: TokenGrant): HttpAuth {
  if (typeof grant.tokenUrl !== 'string' || grant.tokenUrl === '')
    throw new TypeError(`${grant.kind}: tokenUrl must be a non-empty string`)
  if (grant.scheme !== undefined) requireScheme(grant.kind, grant.scheme)
  const margin = grant.expiryMarginMs ?? 60_000
  let cached: CachedToken | undefined
  let pending: Promise<CachedToken> | undefined

  async function fetchToken(context: AuthContext): Promise<CachedToken> {
    const headers = { accept: 'application/json', ...grant.headers?.() }
    const response = await context.postForm(grant.tokenUrl, grant.form(), headers)
    const body = response.data
    if (typeof body !== 'object' || body === null) throw tokenError(response.url, 'the body is not a JSON object')
    const record = body as Record<string, unknown>
    const token = record.access_token
    if (typeof token !== 'string' || token === '') throw tokenError(response.url, 'no access_token in the response')
    registerSecret(token)
    grant.onTokenResponse?.(record)
    const type = typeof record.token_type === 'string' && record.token_type !== '' ? record.token_type : 'Bearer'
    const scheme = grant.scheme ?? (type.toLowerCase() === 'bearer' ? 'Bearer' : type)
    const expiresIn = Number(record.expires_in)
    const lifetime = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : DEFAULT_LIFETIME_MS
    return { header: `${scheme} ${token}`, renewAt: Date.now() + lifetime - Math.min(margin, lifetime / 2) }
  }

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
    kind: grant.kind,
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
