/**
 * Process-wide secret registry. Every secret value the framework sees (connector
 * options marked secret, auth headers it builds) is registered here, and every
 * error message and log line passes through {@link redact}. The registry lives on
 * `globalThis` under a `Symbol.for` key, so independently installed copies of core
 * (each connector may carry its own) share one registry.
 */
import { processWide } from './process-wide.ts'

const MIN_SECRET_LENGTH = 4

/** What a redacted secret is replaced with. */
export const REDACTED = '[REDACTED]'

function registry(): Set<string> {
  return processWide('lakeflow.secrets', () => new Set<string>())
}

/**
 * Registers a secret so it is redacted from every error and log line. Also registers the
 * forms a secret commonly takes on the wire (URL-encoded, base64). Values shorter than 4
 * characters are ignored: redacting them would mangle ordinary text.
 */
export function registerSecret(value: unknown): void {
  if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return
  const secrets = registry()
  secrets.add(value)
  const encoded = encodeURIComponent(value)
  if (encoded !== value) secrets.add(encoded)
  secrets.add(Buffer.from(value, 'utf8').toString('base64').replace(/=+$/, ''))
}

/** Removes every registered secret (tests use this to start from a clean slate). */
export function clearSecrets(): void {
  registry().clear()
}

/** Query parameter names whose values are always hidden, registered or not. */
const SENSITIVE_PARAM =
  /^(?:access_?token|api_?key|apikey|key|token|secret|client_secret|password|passwd|signature|sig|code|refresh_token|auth)$/i

/**
 * Redacts text for an error message or a log line: registered secrets (longest first)
 * become `[REDACTED]`, and so do the password of any URL with credentials
 * (`https://user:[REDACTED]@host`) and the values of sensitive query parameters in any URL
 * inside the text.
 */
export function redact(text: string): string {
  const result = redactRegistered(text)
  return result.includes('://') ? result.replace(URL_IN_TEXT, redactUrlParts) : result
}

/** Redacts a URL: registered secrets anywhere, credentials, and the values of sensitive query parameters. */
export function redactUrl(url: string): string {
  return redactUrlParts(redactRegistered(url))
}

const URL_IN_TEXT = /\b[a-z][a-z\d+.-]*:\/\/[^\s"'<>`\\]+/gi
const USERINFO = /^([a-z][a-z\d+.-]*:\/\/)([^/?#@\s]*)@/i

function redactRegistered(text: string): string {
  const secrets = registry()
  if (secrets.size === 0) return text
  let result = text
  const ordered = [...secrets].sort((left, right) => right.length - left.length)
  for (const secret of ordered) {
    if (result.includes(secret)) result = result.split(secret).join(REDACTED)
  }
  return result
}

function redactUrlParts(url: string): string {
  // `user:password@` keeps the user; a lone `token@` (a token used as user name) goes entirely.
  const text = url.replace(USERINFO, (_match, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':')
    return colon < 0 ? `${scheme}${REDACTED}@` : `${scheme}${userinfo.slice(0, colon)}:${REDACTED}@`
  })
  const queryStart = text.indexOf('?')
  if (queryStart < 0) return text
  const hashStart = text.indexOf('#', queryStart)
  const queryEnd = hashStart < 0 ? text.length : hashStart
  const query = text
    .slice(queryStart + 1, queryEnd)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=')
      if (equals < 0) return pair
      const name = decodeURIComponentSafe(pair.slice(0, equals))
      return SENSITIVE_PARAM.test(name) ? `${pair.slice(0, equals)}=${REDACTED}` : pair
    })
  return `${text.slice(0, queryStart)}?${query.join('&')}${text.slice(queryEnd)}`
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** Shortens a value's text form for messages: at most `max` characters, with an ellipsis. */
export function excerpt(value: unknown, max = 200): string {
  let text: string
  if (typeof value === 'string') text = JSON.stringify(value)
  else if (typeof value === 'bigint') text = `${value}n`
  else if (value instanceof Uint8Array) text = `<${value.length} bytes>`
  else if (value === undefined) text = 'undefined'
  else {
    try {
      text = JSON.stringify(value, (_key, inner) => (typeof inner === 'bigint' ? `${inner}` : inner)) ?? String(value)
    } catch {
      text = String(value)
    }
  }
  text = redact(text)
  return text.length > max ? `${text.slice(0, max)}…(${text.length} chars)` : text
}
