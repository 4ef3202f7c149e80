import { type KeyObject, randomUUID } from 'node:crypto'
import { registerSecret } from '../errors/redact.ts'
import { type JwtAlgorithm, privateKeyFor, signJwt } from './jwt.ts'
import { tokenAuth } from './token-auth.ts'
import type { HttpAuth } from './types.ts'

const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer'
const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token'
/** SMART Backend Services caps a client assertion's lifetime at five minutes. */
const MAX_ASSERTION_SECONDS = 300

const nowSeconds = () => Math.floor(Date.now() / 1000)

/** The fields of a Google service account key file that the token exchange uses. */
export interface GoogleServiceAccountKey {
  client_email: string
  private_key: string
  /** Sent as the JWT's `kid`. */
  private_key_id?: string
  /** @default 'https://oauth2.googleapis.com/token' */
  token_uri?: string
}

/** Options of {@link googleServiceAccount}. */
export interface GoogleServiceAccountOptions {
  /** The key file: its JSON text or the parsed object. The private key is registered for redaction. */
  key: string | GoogleServiceAccountKey
  /**
   * OAuth scopes the token is for.
   * @example ['https://www.googleapis.com/auth/analytics.readonly']
   */
  scopes: string | readonly string[]
  /** A user to impersonate (domain-wide delegation), sent as `sub`. */
  subject?: string
  /** Overrides the key file's `token_uri` (a test server, say). */
  tokenUrl?: string
  /** @default 60000 */
  expiryMarginMs?: number
}

function parseKey(key: GoogleServiceAccountOptions['key']): GoogleServiceAccountKey {
  let parsed: unknown = key
  if (typeof key === 'string') {
    try {
      parsed = JSON.parse(key)
    } catch {
      throw new TypeError('googleServiceAccount: key is not JSON (pass the service account key file contents)')
    }
  }
  const record = (parsed ?? {}) as Partial<GoogleServiceAccountKey>
  if (typeof record.private_key === 'string') registerSecret(record.private_key)
  for (const field of ['client_email', 'private_key'] as const) {
    if (typeof record[field] !== 'string' || record[field] === '')
      throw new TypeError(`googleServiceAccount: the key has no ${field}; expected a service account key file`)
  }
  return record as GoogleServiceAccountKey
}

/**
 * Google service account auth: signs an RS256 JWT assertion with the account's private key
 * and exchanges it at the token endpoint (`grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`,
 * RFC 7523) for an access token, cached until shortly before it expires.
 * @example createHttpClient({ baseUrl, auth: googleServiceAccount({ key: options.credentials_json, scopes: [SCOPE] }) })
 */
export function googleServiceAccount(options: GoogleServiceAccountOptions): HttpAuth {
  const key = parseKey(options.key)
  const privateKey = privateKeyFor('RS256', key.private_key)
  const tokenUrl = options.tokenUrl ?? key.token_uri ?? GOOGLE_TOKEN_URL
  const scope = typeof options.scopes === 'string' ? options.scopes : options.scopes.join(' ')
  return tokenAuth({
    kind: 'google-service-account',
    tokenUrl,
    expiryMarginMs: options.expiryMarginMs,
    form: () => {
      const issuedAt = nowSeconds()
      const claims: Record<string, unknown> = {
        iss: key.client_email,
        scope,
        aud: tokenUrl,
        iat: issuedAt,
        exp: issuedAt + 3600,
      }
      if (options.subject) claims.sub = options.subject
      const assertion = signJwt(claims, { algorithm: 'RS256', privateKey, keyId: key.private_key_id })
      registerSecret(assertion)
      return { grant_type: JWT_BEARER_GRANT, assertion }
    },
  })
}

/** Options of {@link privateKeyJwt}. */
export interface PrivateKeyJwtOptions {
  /** The token endpoint; also the assertion's `aud`. */
  tokenUrl: string
  /** The registered client id; the assertion's `iss` and `sub`. */
  clientId: string
  /** The client's private key (PEM, JWK or `KeyObject`); PEM text is registered for redaction. */
  privateKey: string | Record<string, unknown> | KeyObject
  /** The `kid` of the matching public key in the client's registered JWK Set. */
  keyId: string
  /**
   * RS384 or ES384 (what SMART Backend Services requires servers to accept); RS256 also works.
   * @default 'RS384'
   */
  algorithm?: JwtAlgorithm
  /**
   * Space-separated scopes.
   * @example 'system/Patient.rs system/Observation.rs'
   */
  scope?: string
  /**
   * Lifetime of each assertion, in seconds; at most 300.
   * @default 300
   */
  assertionLifetimeSeconds?: number
  /** @default 60000 */
  expiryMarginMs?: number
}

/**
 * OAuth2 client credentials with a private-key JWT client assertion (RFC 7523 §2.2), as
 * SMART Backend Services (FHIR bulk data) require: each token request carries a freshly
 * signed assertion with `iss` = `sub` = the client id, `aud` = the token URL, a unique `jti`,
 * `exp` at most five minutes ahead and the key's `kid` in the header. Tokens are cached
 * until shortly before they expire.
 * @example privateKeyJwt({ tokenUrl, clientId, privateKey: options.private_key, keyId: 'key-1', algorithm: 'ES384', scope: 'system/*.rs' })
 */
export function privateKeyJwt(options: PrivateKeyJwtOptions): HttpAuth {
  for (const name of ['tokenUrl', 'clientId', 'keyId'] as const) {
    if (typeof options[name] !== 'string' || options[name] === '')
      throw new TypeError(`privateKeyJwt: ${name} must be a non-empty string`)
  }
  const algorithm = options.algorithm ?? 'RS384'
  const privateKey = privateKeyFor(algorithm, options.privateKey)
  const lifetime = options.assertionLifetimeSeconds ?? MAX_ASSERTION_SECONDS
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_ASSERTION_SECONDS)
    throw new RangeError(`privateKeyJwt: assertionLifetimeSeconds must be an integer from 1 to 300, got ${lifetime}`)
  return tokenAuth({
    kind: 'private-key-jwt',
    tokenUrl: options.tokenUrl,
    expiryMarginMs: options.expiryMarginMs,
    form: () => {
      const claims = {
        iss: options.clientId,
        sub: options.clientId,
        aud: options.tokenUrl,
        exp: nowSeconds() + lifetime,
        jti: randomUUID(),
      }
      const assertion = signJwt(claims, { algorithm, privateKey, keyId: options.keyId })
      registerSecret(assertion)
      return {
        grant_type: 'client_credentials',
        ...(options.scope ? { scope: options.scope } : {}),
        client_assertion_type: JWT_BEARER_ASSERTION,
        client_assertion: assertion,
      }
    },
  })
}
