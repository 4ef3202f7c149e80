import { createPublicKey, generateKeyPairSync, type KeyObject, verify } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { ApiCallError } from '../src/errors/index.ts'
import {
  bearerAuth,
  createHttpClient,
  googleServiceAccount,
  oauth2ClientCredentials,
  oauth2RefreshToken,
  privateKeyJwt,
  signJwt,
} from '../src/http/index.ts'
import { type RecordedRequest, type ScriptedServer, send, startScriptedServer } from './support/scripted-server.ts'

let server: ScriptedServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' })
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const pem = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'pem' }) as string

interface Decoded {
  header: Record<string, unknown>
  claims: Record<string, unknown>
  signingInput: Buffer
  signature: Buffer
}

function decode(jwt: string): Decoded {
  const [header, claims, signature] = jwt.split('.')
  return {
    header: JSON.parse(Buffer.from(header!, 'base64url').toString()),
    claims: JSON.parse(Buffer.from(claims!, 'base64url').toString()),
    signingInput: Buffer.from(`${header}.${claims}`),
    signature: Buffer.from(signature!, 'base64url'),
  }
}

/** Verifies a JWT's signature the way a token server does, from the public key alone. */
function verified(jwt: string, publicKey: KeyObject): Decoded {
  const decoded = decode(jwt)
  const algorithm = decoded.header.alg
  const hash = algorithm === 'RS256' ? 'sha256' : 'sha384'
  const key = algorithm === 'ES384' ? { key: publicKey, dsaEncoding: 'ieee-p1363' as const } : publicKey
  if (!verify(hash, decoded.signingInput, key, decoded.signature)) throw new Error(`bad ${String(algorithm)} signature`)
  return decoded
}

const form = (request: RecordedRequest) => Object.fromEntries(new URLSearchParams(request.body))

describe('signJwt', () => {
  it.each([
    ['RS256', rsa, 256],
    ['RS384', rsa, 256],
    ['ES384', p384, 96],
  ] as const)('%s signs a token the public key verifies', (algorithm, pair, signatureBytes) => {
    const jwt = signJwt({ iss: 'me', n: 1 }, { algorithm, privateKey: pem(pair.privateKey), keyId: 'k1' })
    const decoded = verified(jwt, pair.publicKey)
    expect(decoded.header).toEqual({ alg: algorithm, typ: 'JWT', kid: 'k1' })
    expect(decoded.claims).toEqual({ iss: 'me', n: 1 })
    expect(decoded.signature.length).toBe(signatureBytes)
    expect(jwt).not.toMatch(/[=+/]/)
  })

  it('ES384 signatures are raw r||s, not DER', () => {
    const jwt = signJwt({ a: 1 }, { algorithm: 'ES384', privateKey: p384.privateKey })
    const { signingInput, signature } = decode(jwt)
    expect(verify('sha384', signingInput, { key: p384.publicKey, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true)
    const asDer = () => {
      try {
        return verify('sha384', signingInput, { key: p384.publicKey, dsaEncoding: 'der' }, signature)
      } catch {
        return false
      }
    }
    expect(asDer()).toBe(false)
  })

  it('accepts a JWK and a KeyObject; a tampered token fails verification', () => {
    const jwk = rsa.privateKey.export({ format: 'jwk' }) as Record<string, unknown>
    const jwt = signJwt({ x: 1 }, { algorithm: 'RS384', privateKey: jwk })
    expect(verified(jwt, rsa.publicKey).claims).toEqual({ x: 1 })
    const [header, , signature] = jwt.split('.')
    const forged = `${header}.${Buffer.from('{"x":2}').toString('base64url')}.${signature}`
    expect(() => verified(forged, rsa.publicKey)).toThrow(/bad RS384 signature/)
  })

  it.each([
    ['RS256', p384.privateKey, 'RS256 needs an RSA private key, got ec key'],
    ['ES384', p256.privateKey, 'ES384 needs an EC private key on P-384 (secp384r1), got curve prime256v1'],
    ['ES384', rsa.privateKey, 'ES384 needs an EC private key on P-384 (secp384r1), got rsa key'],
    ['RS256', createPublicKey(rsa.privateKey), 'expected a private key, got a public key'],
    [
      'RS256',
      '-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----',
      'the private key is not a PEM private key',
    ],
    ['HS256', rsa.privateKey, 'unsupported algorithm "HS256"'],
  ] as const)('%s with an unsuitable key is a clear error (%#)', (algorithm, privateKey, message) => {
    expect(() => signJwt({}, { algorithm: algorithm as 'RS256', privateKey })).toThrow(message)
  })
})

describe('googleServiceAccount', () => {
  it('exchanges an RS256 assertion for a token at token_uri, caches it, renews after a 401', async () => {
    const assertions: Decoded[] = []
    let issued = 0
    server = await startScriptedServer({
      'POST /token': (request, response) => {
        const fields = form(request)
        expect(fields.grant_type).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer')
        assertions.push(verified(fields.assertion!, rsa.publicKey))
        send(response, { body: { access_token: `ya29.token-${++issued}`, expires_in: 3599, token_type: 'Bearer' } })
      },
      'GET /v1/reports': [
        { body: { rows: 1 } },
        { body: { rows: 2 } },
        { status: 401, body: { error: 'expired' } },
        { body: { rows: 3 } },
      ],
    })
    const key = JSON.stringify({
      type: 'service_account',
      client_email: 'reader@project.iam.gserviceaccount.com',
      private_key: pem(rsa.privateKey),
      private_key_id: 'abc123',
      token_uri: `${server.url}/token`,
    })
    const client = createHttpClient({
      baseUrl: server.url,
      auth: googleServiceAccount({ key, scopes: ['https://www.googleapis.com/auth/analytics.readonly', 'openid'] }),
    })
    for (let call = 0; call < 3; call++) await client.getJson('/v1/reports')
    expect(server.hits('/token')).toHaveLength(2)
    const [first] = assertions
    expect(first!.header).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'abc123' })
    expect(first!.claims).toMatchObject({
      iss: 'reader@project.iam.gserviceaccount.com',
      scope: 'https://www.googleapis.com/auth/analytics.readonly openid',
      aud: `${server.url}/token`,
    })
    expect((first!.claims.exp as number) - (first!.claims.iat as number)).toBe(3600)
    expect(Math.abs((first!.claims.iat as number) - Date.now() / 1000)).toBeLessThan(600)
    expect(server.hits('/v1/reports').map((request) => request.headers.authorization)).toEqual([
      'Bearer ya29.token-1',
      'Bearer ya29.token-1',
      'Bearer ya29.token-1',
      'Bearer ya29.token-2',
    ])
  })

  it('a rejected exchange is an auth error with the assertion and key redacted', async () => {
    server = await startScriptedServer({
      'POST /token': (request, response) =>
        send(response, { status: 400, body: { error: 'invalid_grant', echo: form(request).assertion } }),
    })
    const client = createHttpClient({
      baseUrl: server.url,
      auth: googleServiceAccount({
        key: { client_email: 'a@b.iam.gserviceaccount.com', private_key: pem(rsa.privateKey) },
        scopes: 'scope-a',
        tokenUrl: `${server.url}/token`,
      }),
    })
    let caught: unknown
    try {
      await client.getJson('/anything')
    } catch (error) {
      caught = error
    }
    expect(ApiCallError.isInstance(caught)).toBe(true)
    const error = caught as ApiCallError
    expect(error.category).toBe('auth')
    expect(error.message).toContain('invalid_grant')
    // The echoed assertion is not an error field: only the debug body has it, redacted.
    expect(error.message).not.toContain('echo')
    expect(error.responseBody).toContain('[REDACTED]')
    for (const text of [error.message, String(error.responseBody)]) expect(text).not.toMatch(/eyJ[\w-]+\.eyJ/)
  })

  it('a key without client_email is rejected up front', () => {
    expect(() => googleServiceAccount({ key: '{"private_key":"x"}', scopes: 's' })).toThrow(
      'googleServiceAccount: the key has no client_email; expected a service account key file',
    )
  })
})

describe('privateKeyJwt (SMART backend services)', () => {
  it.each([
    ['ES384', p384],
    ['RS384', rsa],
  ] as const)(
    '%s client assertion: iss = sub = client, aud = token URL, kid, unique jti, exp within 5 minutes',
    async (algorithm, pair) => {
      const requests: Record<string, string>[] = []
      server = await startScriptedServer({
        'POST /auth/token': (request, response) => {
          requests.push(form(request))
          send(response, { body: { access_token: `smart-${requests.length}`, token_type: 'bearer', expires_in: 300 } })
        },
        'GET /fhir/Patient': [{ status: 401, body: {} }, { body: { resourceType: 'Bundle' } }],
      })
      const tokenUrl = `${server.url}/auth/token`
      const client = createHttpClient({
        baseUrl: server.url,
        auth: privateKeyJwt({
          tokenUrl,
          clientId: 'bulk-client',
          privateKey: pem(pair.privateKey),
          keyId: 'jwks-key-7',
          algorithm,
          scope: 'system/Patient.rs',
        }),
      })
      const { data } = await client.getJson('/fhir/Patient')
      expect(data).toEqual({ resourceType: 'Bundle' })
      expect(requests).toHaveLength(2)
      const checked = requests.map((fields) => {
        expect(fields).toMatchObject({
          grant_type: 'client_credentials',
          scope: 'system/Patient.rs',
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        })
        return verified(fields.client_assertion!, pair.publicKey)
      })
      for (const { header, claims } of checked) {
        expect(header).toEqual({ alg: algorithm, typ: 'JWT', kid: 'jwks-key-7' })
        expect(claims).toMatchObject({ iss: 'bulk-client', sub: 'bulk-client', aud: tokenUrl })
        const secondsLeft = (claims.exp as number) - Date.now() / 1000
        expect(secondsLeft).toBeLessThanOrEqual(300)
        expect(secondsLeft).toBeGreaterThan(0)
      }
      expect(checked[0]!.claims.jti).not.toBe(checked[1]!.claims.jti)
      expect(server.hits('/fhir/Patient').map((request) => request.headers.authorization)).toEqual([
        'Bearer smart-1',
        'Bearer smart-2',
      ])
    },
  )

  it('refuses an assertion lifetime over five minutes', () => {
    expect(() =>
      privateKeyJwt({
        tokenUrl: 'http://x/t',
        clientId: 'c',
        privateKey: p384.privateKey,
        keyId: 'k',
        algorithm: 'ES384',
        assertionLifetimeSeconds: 301,
      }),
    ).toThrow('assertionLifetimeSeconds must be an integer from 1 to 300, got 301')
  })
})

describe('Authorization scheme override', () => {
  it('OAuth2 helpers send the scheme the API wants instead of the token_type (Zoho-oauthtoken)', async () => {
    server = await startScriptedServer({
      'POST /oauth/v2/token': { body: { access_token: '1000.zoho-access', token_type: 'Bearer', expires_in: 3600 } },
      'GET /crm/v2/Leads': { body: { data: [] } },
    })
    const refresh = oauth2RefreshToken({
      tokenUrl: `${server.url}/oauth/v2/token`,
      clientId: 'c',
      clientSecret: 'zoho-secret',
      refreshToken: '1000.refresh',
      scheme: 'Zoho-oauthtoken',
    })
    const credentials = oauth2ClientCredentials({
      tokenUrl: `${server.url}/oauth/v2/token`,
      clientId: 'c',
      clientSecret: 'zoho-secret',
      scheme: 'Zoho-oauthtoken',
    })
    await createHttpClient({ baseUrl: server.url, auth: refresh }).getJson('/crm/v2/Leads')
    await createHttpClient({ baseUrl: server.url, auth: credentials }).getJson('/crm/v2/Leads')
    await createHttpClient({
      baseUrl: server.url,
      auth: bearerAuth('static-token', { scheme: 'Zoho-oauthtoken' }),
    }).getJson('/crm/v2/Leads')
    expect(server.hits('/crm/v2/Leads').map((request) => request.headers.authorization)).toEqual([
      'Zoho-oauthtoken 1000.zoho-access',
      'Zoho-oauthtoken 1000.zoho-access',
      'Zoho-oauthtoken static-token',
    ])
    expect(form(server.hits('/oauth/v2/token')[0]!)).toMatchObject({
      grant_type: 'refresh_token',
      refresh_token: '1000.refresh',
    })
  })

  it('a scheme with a space is rejected', () => {
    expect(() => bearerAuth('t', { scheme: 'Zoho oauthtoken' })).toThrow(
      'bearerAuth: scheme must be an HTTP auth scheme such as "Bearer", got "Zoho oauthtoken"',
    )
    expect(() =>
      oauth2ClientCredentials({ tokenUrl: 'http://x', clientId: 'c', clientSecret: 's', scheme: '' }),
    ).toThrow('oauth2-client-credentials: scheme must be an HTTP auth scheme')
  })
})
