import { indexAfter, positionOf, type Rec, type RecordView, type SortSpec } from '../corpus/view.ts'
import type { EndpointSpec, PaginationStyle, ParamSpec } from '../types.ts'

/** Everything pagination needs about one request. */
export interface PageRequest {
  endpoint: EndpointSpec
  query: Record<string, string>
  /** The absolute request URL (base URL + path + query), for Link headers and next URLs. */
  url: URL
  sort: SortSpec
  primaryKey: readonly string[]
  /** Asks whether a `duplicate_boundary` fault applies (consumes it if so). */
  takeDuplicate: () => boolean
}

export interface Page {
  records: Rec[]
  /** Values to set in the body by dotted key (next page, cursor, URL). */
  bodyFields: Record<string, unknown>
  headers: Record<string, string>
}

/** Thrown for a request the endpoint cannot answer (bad cursor token): becomes a 400. */
export class BadRequest extends Error {}

const DEFAULT_SIZE = 30
const DEFAULT_MAX = 100

/** The query param declared with a role, if any. */
function roleParam(endpoint: EndpointSpec, role: ParamSpec['role']): [string, ParamSpec] | undefined {
  for (const entry of Object.entries(endpoint.params ?? {})) if (entry[1].role === role) return entry
  return undefined
}

function integer(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*-?\d+\s*$/.test(text)) return undefined
  return Number.parseInt(text, 10)
}

/** per_page / limit: declared default (30) and max (100); invalid values give the default; clamped to [1, max]. */
function pageSize(request: PageRequest, role: 'per_page' | 'limit', fallbackName: string): number {
  const declared = roleParam(request.endpoint, role)
  const spec = (declared?.[1] ?? {}) as { default?: number; max?: number }
  const max = spec.max ?? DEFAULT_MAX
  const asked = integer(request.query[declared?.[0] ?? fallbackName])
  const size = asked ?? spec.default ?? DEFAULT_SIZE
  return Math.min(Math.max(size, 1), max)
}

function anySize(request: PageRequest): number {
  return roleParam(request.endpoint, 'per_page')
    ? pageSize(request, 'per_page', 'per_page')
    : pageSize(request, 'limit', 'limit')
}

function slice(view: RecordView, start: number, end: number, request: PageRequest): Rec[] {
  const records: Rec[] = []
  const stop = Math.min(end, view.length)
  if (start > 0 && start <= view.length && request.takeDuplicate()) records.push(view.at(start - 1))
  for (let index = start; index < stop; index++) records.push(view.at(index))
  return records
}

function withParam(url: URL, name: string, value: string | number): string {
  const next = new URL(url)
  next.searchParams.set(name, String(value))
  return next.toString()
}

function wrapperKey(
  request: PageRequest,
  key: 'next_page_key' | 'next_cursor_key' | 'next_url_key',
  fallback: string,
): string {
  return request.endpoint.response?.wrapper?.[key] ?? fallback
}

/** Cursor tokens: base64url JSON of the last served record's sort position (sort value + primary key). */
function encodeToken(position: unknown[]): string {
  return Buffer.from(JSON.stringify({ v: 1, p: position })).toString('base64url')
}

function decodeToken(token: string): unknown[] {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { v?: unknown; p?: unknown }
    if (parsed.v === 1 && Array.isArray(parsed.p)) return parsed.p
  } catch {}
  throw new BadRequest(
    `invalid cursor token ${JSON.stringify(token.slice(0, 40))}; send back the token from the previous page`,
  )
}

/** Slices a view for the endpoint's pagination style (upstream §5.4 step 6, plus body styles). */
export function paginate(style: PaginationStyle, view: RecordView, request: PageRequest): Page {
  switch (style) {
    case 'page_number':
    case 'page_number_with_link_header':
    case 'page_number_in_body':
      return byPage(style, view, request)
    case 'offset_limit':
      return byOffset(view, request, false)
    case 'cursor_token':
      return byToken(view, request, false)
    case 'next_url':
      if (roleParam(request.endpoint, 'cursor')) return byToken(view, request, true)
      if (roleParam(request.endpoint, 'page')) return byPage(style, view, request)
      return byOffset(view, request, true)
    default:
      return { records: slice(view, 0, view.length, request), bodyFields: {}, headers: {} }
  }
}

function byPage(style: PaginationStyle, view: RecordView, request: PageRequest): Page {
  const pageName = roleParam(request.endpoint, 'page')?.[0] ?? 'page'
  const page = Math.max(integer(request.query[pageName]) ?? 1, 1)
  const size = pageSize(request, 'per_page', 'per_page')
  const start = (page - 1) * size
  const lastPage = Math.max(1, Math.ceil(view.length / size))
  const result: Page = { records: slice(view, start, start + size, request), bodyFields: {}, headers: {} }
  if (style === 'page_number_with_link_header') {
    const links: string[] = []
    if (page < lastPage)
      links.push(link(request.url, pageName, page + 1, 'next'), link(request.url, pageName, lastPage, 'last'))
    if (page > 1) links.push(link(request.url, pageName, 1, 'first'), link(request.url, pageName, page - 1, 'prev'))
    if (links.length > 0) result.headers.link = links.join(', ')
  } else if (style === 'page_number_in_body') {
    result.bodyFields[wrapperKey(request, 'next_page_key', 'next_page')] = page < lastPage ? page + 1 : null
  } else if (style === 'next_url') {
    result.bodyFields[wrapperKey(request, 'next_url_key', 'next')] =
      page < lastPage ? withParam(request.url, pageName, page + 1) : null
  }
  return result
}

function link(url: URL, pageName: string, page: number, rel: string): string {
  return `<${withParam(url, pageName, page)}>; rel="${rel}"`
}

function byOffset(view: RecordView, request: PageRequest, asUrl: boolean): Page {
  const offsetName = roleParam(request.endpoint, 'offset')?.[0] ?? 'offset'
  const start = Math.max(integer(request.query[offsetName]) ?? 0, 0)
  const size = pageSize(request, 'limit', 'limit')
  const result: Page = { records: slice(view, start, start + size, request), bodyFields: {}, headers: {} }
  if (asUrl) {
    const more = start + size < view.length
    result.bodyFields[wrapperKey(request, 'next_url_key', 'next')] = more
      ? withParam(request.url, offsetName, start + size)
      : null
  }
  return result
}

function byToken(view: RecordView, request: PageRequest, asUrl: boolean): Page {
  const cursorName = roleParam(request.endpoint, 'cursor')![0]
  const token = request.query[cursorName]
  const start = token ? indexAfter(view, decodeToken(token), request.sort, request.primaryKey) : 0
  const end = start + anySize(request)
  const records = slice(view, start, end, request)
  const next = end < view.length ? encodeToken(positionOf(view.at(end - 1), request.sort, request.primaryKey)) : null
  const bodyFields: Record<string, unknown> = {}
  if (asUrl)
    bodyFields[wrapperKey(request, 'next_url_key', 'next')] =
      next === null ? null : withParam(request.url, cursorName, next)
  else bodyFields[wrapperKey(request, 'next_cursor_key', 'next_cursor')] = next
  return { records, bodyFields, headers: {} }
}
