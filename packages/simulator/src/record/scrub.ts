import { getPath, setPath } from '../util/dotted.ts'

/** How recorded records are cleaned before they are written. */
export interface ScrubOptions {
  /**
   * Replace email-shaped substrings in every string value with `redacted@example.com`.
   * @default true
   */
  emails?: boolean
  /**
   * Per-field replacements, by dotted path, applied to every record: a fixed value, or a
   * function of the recorded value.
   * @example { 'user.name': 'Jane Doe', ip_address: () => '192.0.2.1', 'billing.card': null }
   */
  fields?: Record<string, FieldScrubber>
  /** More secret strings to remove wherever they appear (request credentials are always removed). */
  secrets?: string[]
}

/** A field's replacement: a fixed value, or a function of the recorded value. */
export type FieldScrubber = string | number | boolean | null | ((value: unknown) => unknown)

/** What the recorder writes in place of every email address. */
export const REDACTED_EMAIL = 'redacted@example.com'
/** What the recorder writes in place of a secret. */
export const REDACTED_SECRET = '[REDACTED]'
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g

/** Response headers never written anywhere (upstream's list). */
export const REDACTED_RESPONSE_HEADERS = new Set([
  'set-cookie',
  'x-oauth-scopes',
  'x-accepted-oauth-scopes',
  'github-authentication-token-expiration',
  'x-github-token',
])

/** Request header names whose values are credentials. */
const CREDENTIAL_HEADER =
  /^(?:authorization|proxy-authorization|cookie|x-api-key|api-key|apikey|private-token|x-auth-token|.*token.*|.*secret.*|.*api[-_]?key.*)$/i
const CREDENTIAL_PARAM =
  /^(?:access_?token|api_?key|apikey|key|token|secret|client_secret|password|signature|sig|code|refresh_token|auth)$/i

/** Collects the credential values a request carries (headers and query params), and their token parts. */
export function credentialsOf(
  headers: Record<string, string | string[] | undefined>,
  query: URLSearchParams,
): string[] {
  const found = new Set<string>()
  const add = (value: string) => {
    if (value.length < 4) return
    found.add(value)
    const parts = value.split(/[\s=;,]+/).filter((part) => part.length >= 8)
    for (const part of parts) found.add(part)
  }
  for (const [name, value] of Object.entries(headers)) {
    if (!CREDENTIAL_HEADER.test(name) || value === undefined) continue
    for (const item of Array.isArray(value) ? value : [value]) add(item)
  }
  for (const [name, value] of query) if (CREDENTIAL_PARAM.test(name)) add(value)
  return [...found]
}

/** Returns a scrubbed deep copy of a recorded value. */
export function scrubValue(value: unknown, options: ScrubOptions, secrets: readonly string[]): unknown {
  const ordered = [...secrets, ...(options.secrets ?? [])].sort((left, right) => right.length - left.length)
  const emails = options.emails !== false
  const clean = (item: unknown): unknown => {
    if (typeof item === 'string') {
      let text = item
      for (const secret of ordered) if (text.includes(secret)) text = text.split(secret).join(REDACTED_SECRET)
      return emails ? text.replace(EMAIL, REDACTED_EMAIL) : text
    }
    if (Array.isArray(item)) return item.map(clean)
    if (item !== null && typeof item === 'object') {
      const out: Record<string, unknown> = {}
      for (const [key, entry] of Object.entries(item)) out[key] = clean(entry)
      return out
    }
    return item
  }
  const result = clean(value)
  if (options.fields && result !== null && typeof result === 'object' && !Array.isArray(result)) {
    const record = result as Record<string, unknown>
    for (const [path, replacement] of Object.entries(options.fields)) {
      const current = getPath(record, path)
      if (current === undefined) continue
      setPath(record, path, typeof replacement === 'function' ? replacement(current) : replacement)
    }
  }
  return result
}

/** Scrubs a string (a header value, say) of credentials. */
export function scrubText(text: string, secrets: readonly string[]): string {
  return scrubValue(text, { emails: false }, secrets) as string
}
