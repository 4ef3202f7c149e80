import { createPrivateKey, KeyObject, sign } from 'node:crypto'
import { registerSecret } from '../errors/redact.ts'

/**
 * JWS algorithms {@link signJwt} supports: RSASSA-PKCS1-v1_5 with SHA-256 or SHA-384, and
 * ECDSA on P-384 with SHA-384 (what Google service accounts and SMART backend services use).
 */
export type JwtAlgorithm = 'RS256' | 'RS384' | 'ES384'

const HASHES: Record<JwtAlgorithm, string> = { RS256: 'sha256', RS384: 'sha384', ES384: 'sha384' }

/** Options of {@link signJwt}. */
export interface SignJwtOptions {
  /** The signing algorithm. */
  algorithm: JwtAlgorithm
  /**
   * The private key: PEM text (PKCS#8, PKCS#1 or SEC1), a JWK object, or a `KeyObject`.
   * RS256/RS384 need an RSA key, ES384 a P-384 EC key. PEM text is registered for redaction.
   */
  privateKey: string | KeyObject | Record<string, unknown>
  /** Sent as the header's `kid`, so the verifier picks the right public key. */
  keyId?: string
  /** Further header fields (`typ` is `JWT` unless given). */
  header?: Readonly<Record<string, unknown>>
}

const base64url = (value: Uint8Array | string) => Buffer.from(value).toString('base64url')

/** Reads a private key once and checks it fits the algorithm, with a message saying what is wrong. */
export function privateKeyFor(algorithm: JwtAlgorithm, key: SignJwtOptions['privateKey']): KeyObject {
  if (!(algorithm in HASHES))
    throw new TypeError(`signJwt: unsupported algorithm ${JSON.stringify(algorithm)}; expected RS256, RS384 or ES384`)
  let keyObject: KeyObject
  if (typeof key === 'string') {
    registerSecret(key)
    try {
      keyObject = createPrivateKey(key)
    } catch (error) {
      throw new TypeError(`signJwt: the private key is not a PEM private key (${(error as Error).message})`)
    }
  } else if (key instanceof KeyObject) {
    keyObject = key
  } else {
    try {
      keyObject = createPrivateKey({ key: key as never, format: 'jwk' })
    } catch (error) {
      throw new TypeError(`signJwt: the private key is not a private JWK (${(error as Error).message})`)
    }
  }
  if (keyObject.type !== 'private') throw new TypeError(`signJwt: expected a private key, got a ${keyObject.type} key`)
  const type = keyObject.asymmetricKeyType
  if (algorithm.startsWith('RS') && type !== 'rsa')
    throw new TypeError(`signJwt: ${algorithm} needs an RSA private key, got ${type ?? 'an unknown'} key`)
  if (algorithm === 'ES384') {
    const curve = keyObject.asymmetricKeyDetails?.namedCurve
    if (type !== 'ec' || curve !== 'secp384r1')
      throw new TypeError(
        `signJwt: ES384 needs an EC private key on P-384 (secp384r1), got ${type === 'ec' ? `curve ${curve}` : `${type} key`}`,
      )
  }
  return keyObject
}

/**
 * Signs a JWT (JWS compact serialisation) with `node:crypto`. ES384 signatures are the
 * JOSE form, `r || s` as 96 raw bytes (RFC 7518 §3.4), not DER.
 * @example
 * const assertion = signJwt(
 *   { iss: clientId, sub: clientId, aud: tokenUrl, exp: now + 300, jti: randomUUID() },
 *   { algorithm: 'RS384', privateKey: pem, keyId: 'key-1' },
 * )
 */
export function signJwt(claims: Readonly<Record<string, unknown>>, options: SignJwtOptions): string {
  const key = privateKeyFor(options.algorithm, options.privateKey)
  const header: Record<string, unknown> = { alg: options.algorithm, typ: 'JWT', ...options.header }
  if (options.keyId !== undefined) header.kid = options.keyId
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`
  const signature =
    options.algorithm === 'ES384'
      ? sign(HASHES.ES384, Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
      : sign(HASHES[options.algorithm], Buffer.from(input), key)
  return `${input}.${base64url(signature)}`
}
