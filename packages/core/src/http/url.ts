import type { SearchParams, UserAgentOptions } from './types.ts'

const ABSOLUTE_URL = /^[a-z][a-z\d+.-]*:/i

/**
 * Joins a base URL and a path with exactly one `/` (a base path such as `/api/v3` is kept,
 * unlike `new URL(path, base)`), leaves absolute URLs alone, and appends query parameters.
 */
export function buildUrl(baseUrl: string | undefined, path: string, searchParams?: SearchParams): string {
  let url: string
  if (ABSOLUTE_URL.test(path)) url = path
  else if (baseUrl === undefined || baseUrl === '') {
    throw new TypeError(`Request path ${JSON.stringify(path)} is relative, but the HTTP client has no baseUrl`)
  } else if (path === '') url = baseUrl
  else url = `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`
  if (searchParams === undefined) return url
  const query = searchParamsToString(searchParams)
  if (query === '') return url
  const hash = url.indexOf('#')
  const withoutHash = hash < 0 ? url : url.slice(0, hash)
  const separator = withoutHash.includes('?')
    ? withoutHash.endsWith('?') || withoutHash.endsWith('&')
      ? ''
      : '&'
    : '?'
  return `${withoutHash}${separator}${query}`
}

/** Encodes query parameters; `undefined`/`null` values are dropped, arrays repeat the key. */
export function searchParamsToString(searchParams: SearchParams): string {
  if (searchParams instanceof URLSearchParams) return searchParams.toString()
  const encoded = new URLSearchParams()
  for (const [key, value] of Object.entries(searchParams)) {
    if (value === undefined || value === null) continue
    if (Array.isArray(value)) for (const item of value) encoded.append(key, String(item))
    else encoded.append(key, String(value))
  }
  return encoded.toString()
}

/** `@lakeflow/connector-github` + `0.1.0` → `lakeflow-connector-github/0.1.0`. */
export function userAgentFor(options: UserAgentOptions): string {
  const name = options.packageName.replace(/^@[^/]+\//, '').replace(/^lakeflow-/, '')
  return `lakeflow-${name}/${options.version}`
}

/** The origin of a URL, or undefined when it does not parse. */
export function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin
  } catch {
    return undefined
  }
}
