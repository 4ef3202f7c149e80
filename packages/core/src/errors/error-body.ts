/**
 * What an error may say about a response body. Error bodies can echo record data (an
 * email in a validation message's sibling field, the record a 409 conflicted with), and
 * errors travel into events, run logs and bug reports. So an error keeps only the fields
 * that describe the error, each truncated; the body itself is kept apart, for debug
 * logging only (`ApiCallError.responseBody`).
 */
import { isPlainObject } from '../internal/values.ts'

/**
 * Field names that describe an error in the JSON error bodies of common APIs (OAuth2's
 * `error_description`, RFC 9457's `title`/`detail`, GitHub's and Google's
 * `message`/`errors`, FHIR's `diagnostics`), compared in lower case without `_` and `-`.
 */
const ERROR_FIELDS = new Set([
  'message',
  'error',
  'errordescription',
  'errormessage',
  'errorcode',
  'detail',
  'title',
  'reason',
  'code',
  'status',
  'type',
  'diagnostics',
])
/** Fields that hold nested error objects (only searched, never shown whole). */
const ERROR_CONTAINERS = new Set(['error', 'errors', 'issue', 'issues', 'details'])
/** Longest text kept from one field. */
const FIELD_CHARS = 200
/** Longest summary. */
const SUMMARY_CHARS = 480
/** Elements kept from an array of errors. */
const ARRAY_ITEMS = 3
const MAX_DEPTH = 3

const normalise = (key: string) => key.toLowerCase().replace(/[-_]/g, '')

function clip(text: string): string {
  return text.length > FIELD_CHARS ? `${text.slice(0, FIELD_CHARS)}…` : text
}

/** The error-shaped part of a parsed JSON value, or `undefined` when it has none. */
function errorFields(value: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) return undefined
  if (Array.isArray(value)) {
    const items = value
      .slice(0, ARRAY_ITEMS)
      .map((item) => (typeof item === 'string' ? clip(item) : errorFields(item, depth + 1)))
      .filter((item) => item !== undefined)
    return items.length > 0 ? items : undefined
  }
  if (!isPlainObject(value)) return undefined
  const out: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(value)) {
    const name = normalise(key)
    if (field === null || typeof field === 'number' || typeof field === 'boolean') {
      if (ERROR_FIELDS.has(name)) out[key] = field
    } else if (typeof field === 'string') {
      if (ERROR_FIELDS.has(name)) out[key] = clip(field)
    } else if (ERROR_CONTAINERS.has(name) || ERROR_FIELDS.has(name)) {
      const inner = errorFields(field, depth + 1)
      if (inner !== undefined) out[key] = inner
    }
  }
  return Object.keys(out).length > 0 ? out : undefined
}

/**
 * Summarises an error response body for an error message: for JSON, only its error-shaped
 * fields (`message`, `error`, `error_description`, `errors[].message`, `detail`, `title`,
 * `code`, ...), each cut to 200 characters; for HTML, its `<title>`; for other text, its
 * first line, cut. Text that looks like JSON but does not parse (a body cut short) gives
 * nothing, since it is most likely data. `undefined` when nothing describes the error.
 * @example summarizeErrorBody('{"message":"Validation Failed","email":"ana@example.com"}') // '{"message":"Validation Failed"}'
 */
export function summarizeErrorBody(body: string): string | undefined {
  const text = body.trim()
  if (text === '') return undefined
  let summary: string | undefined
  if (text.startsWith('{') || text.startsWith('[')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      return undefined
    }
    const picked = errorFields(parsed, 0)
    summary = picked === undefined ? undefined : JSON.stringify(picked)
  } else if (text.startsWith('<')) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim()
    summary = title ? clip(title) : undefined
  } else {
    summary = clip(text.split(/\r?\n/, 1)[0]!.trim())
  }
  if (summary === undefined || summary === '') return undefined
  return summary.length > SUMMARY_CHARS ? `${summary.slice(0, SUMMARY_CHARS)}…` : summary
}
