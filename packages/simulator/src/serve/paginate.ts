import { indexAfter, positionOf, type Rec, type RecordView, type SortSpec } from '../corpus/view.ts'
import type { EndpointSpec, PaginationStyle } from '../types.ts'
import { getPath } from '../util/dotted.ts'
import { BadRequest } from './bad-request.ts'
import { type DeclaredParam, type RequestInputs, roleParam, roleValue } from './inputs.ts'

/** Everything pagination needs about one request. */
export interface PageRequest {
  endpoint: EndpointSpec
  inputs: RequestInputs
  /** The absolute request URL (base URL + path + query), for Link headers and next URLs. */
  url: URL
  sort: SortSpec
  primaryKey: readonly string[]
  /** Asks whether a `duplicate_boundary` fault applies (consumes it if so). */
  takeDuplicate: () => boolean
  /** A `link_header_cursor` token already decoded (its filters applied to the view). */
  linkToken?: LinkToken
}

export interface Page {
  records: Rec[]
  /** Values to set in the body by dotted key (next page, cursor, URL, end time). */
  bodyFields: Record<string, unknown>
  headers: Record<string, string>
  /** Whether a further page exists (drives `end_of_stream_key`). */
  more: boolean
}

/** A `link_header_cursor` token: the sort position it continues from, and the listing's query. */
export interface LinkToken {
  /** Sort position of the boundary record. */
  position: unknown[]
  /** The filter and sort params of the first request, replayed for every page. */
  query: Record<string, string>
  /** `true`: the page before the position (a `previous` link). */
  before: boolean
}

const DEFAULT_SIZE = 30
const DEFAULT_MAX = 100
const EXPORT_SIZE = 1000

function integer(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*-?\d+\s*$/.test(text)) return undefined
  return Number.parseInt(text, 10)
}

/** per_page / limit: declared default (30) and max (100); invalid values give the default; clamped to [1, max]. */
function pageSize(
  request: PageRequest,
  role: 'per_page' | 'limit',
  fallbackName: string,
  fallbackSize = DEFAULT_SIZE,
): number {
  const found = roleValue(request.endpoint, request.inputs, role)
  const spec = (found?.declared.param ?? {}) as { default?: number; max?: number }
  const max = spec.max ?? Math.max(DEFAULT_MAX, fallbackSize)
  const asked = integer(found ? found.value : request.inputs.query[fallbackName])
  const size = asked ?? spec.default ?? fallbackSize
  return Math.min(Math.max(size, 1), max)
}

/** The size param of styles that take either `per_page` or `limit`. */
function anySize(request: PageRequest, fallbackSize = DEFAULT_SIZE): number {
  return roleParam(request.endpoint, 'per_page')
    ? pageSize(request, 'per_page', 'per_page', fallbackSize)
    : pageSize(request, 'limit', 'limit', fallbackSize)
}

function slice(view: RecordView, start: number, end: number, request: PageRequest): Rec[] {
  const records: Rec[] = []
  const stop = Math.min(end, view.length)
  if (start > 0 && start <= view.length && request.takeDuplicate()) records.push(view.at(start - 1))
  for (let index = start; index < stop; index++) records.push(view.at(index))
  return records
}

function withParams(url: URL, values: Record<string, string | number>, keepOnly?: readonly string[]): string {
  const next = new URL(url)
  if (keepOnly)
    for (const name of [...next.searchParams.keys()]) if (!keepOnly.includes(name)) next.searchParams.delete(name)
  for (const [name, value] of Object.entries(values)) next.searchParams.set(name, String(value))
  return next.toString()
}

function wrapperKey(
  request: PageRequest,
  key: 'next_page_key' | 'next_cursor_key' | 'next_url_key' | 'end_time_key',
  fallback: string,
): string {
  return request.endpoint.response?.wrapper?.[key] ?? fallback
}

/** Cursor tokens: base64url JSON of a sort position (sort value + primary key), plus style extras. */
function encodeToken(content: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify({ v: 1, ...content })).toString('base64url')
}

function decodeToken(token: string): Record<string, unknown> & { p: unknown[] } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { v?: unknown; p?: unknown }
    if (parsed.v === 1 && Array.isArray(parsed.p)) return parsed as Record<string, unknown> & { p: unknown[] }
  } catch {}
  throw new BadRequest(
    `invalid cursor token ${JSON.stringify(token.slice(0, 40))}; send back the token from the previous page`,
  )
}

/**
 * Decodes a `link_header_cursor` token. Like Shopify's `page_info`, a token stands for the
 * whole listing: sending filter or sort params with it is a 400.
 */
export function readLinkToken(endpoint: EndpointSpec, inputs: RequestInputs): LinkToken | undefined {
  const cursor = roleParam(endpoint, 'cursor')
  const token = cursor && inputs.query[cursor.name]
  if (!cursor || !token) return undefined
  const extra = Object.keys(listingQuery(endpoint, inputs))
  if (extra.length > 0)
    throw new BadRequest(
      `${cursor.name} cannot be combined with ${extra.join(', ')}: the token already carries the listing's filters; send only ${cursor.name} and the page size`,
    )
  const decoded = decodeToken(token)
  const query = decoded.q
  if (query === null || typeof query !== 'object') throw new BadRequest(`invalid ${cursor.name} token`)
  return { position: decoded.p, query: query as Record<string, string>, before: decoded.b === true }
}

/** The filter and sort params a request sends in its query (what a listing token replays). */
export function listingQuery(endpoint: EndpointSpec, inputs: RequestInputs): Record<string, string> {
  const query: Record<string, string> = {}
  for (const [name, param] of Object.entries(endpoint.params ?? {})) {
    const value = inputs.query[name]
    if (value !== undefined && ['filter', 'sort_by', 'sort_order'].includes(param.role)) query[name] = value
  }
  return query
}

/** Slices a view for the endpoint's pagination style. */
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
    case 'link_header_cursor':
      return byLinkToken(view, request)
    case 'incremental_export':
      return byExport(view, request)
    default:
      return { records: slice(view, 0, view.length, request), bodyFields: {}, headers: {}, more: false }
  }
}

function byPage(style: PaginationStyle, view: RecordView, request: PageRequest): Page {
  const found = roleValue(request.endpoint, request.inputs, 'page')
  const pageName = found?.declared.name ?? 'page'
  const page = Math.max(integer(found ? found.value : request.inputs.query.page) ?? 1, 1)
  const size = pageSize(request, 'per_page', 'per_page')
  const start = (page - 1) * size
  const lastPage = Math.max(1, Math.ceil(view.length / size))
  const more = page < lastPage
  const result: Page = { records: slice(view, start, start + size, request), bodyFields: {}, headers: {}, more }
  if (style === 'page_number_with_link_header') {
    const links: string[] = []
    if (more) links.push(link(request.url, pageName, page + 1, 'next'), link(request.url, pageName, lastPage, 'last'))
    if (page > 1) links.push(link(request.url, pageName, 1, 'first'), link(request.url, pageName, page - 1, 'prev'))
    if (links.length > 0) result.headers.link = links.join(', ')
  } else if (style === 'page_number_in_body') {
    result.bodyFields[wrapperKey(request, 'next_page_key', 'next_page')] = more ? page + 1 : null
  } else if (style === 'next_url') {
    result.bodyFields[wrapperKey(request, 'next_url_key', 'next')] = more
      ? withParams(request.url, { [pageName]: page + 1 })
      : null
  }
  return result
}

function link(url: URL, pageName: string, page: number, rel: string): string {
  return `<${withParams(url, { [pageName]: page })}>; rel="${rel}"`
}

function byOffset(view: RecordView, request: PageRequest, asUrl: boolean): Page {
  const found = roleValue(request.endpoint, request.inputs, 'offset')
  const offsetName = found?.declared.name ?? 'offset'
  const start = Math.max(integer(found ? found.value : request.inputs.query.offset) ?? 0, 0)
  const size = pageSize(request, 'limit', 'limit')
  const more = start + size < view.length
  const result: Page = { records: slice(view, start, start + size, request), bodyFields: {}, headers: {}, more }
  if (asUrl)
    result.bodyFields[wrapperKey(request, 'next_url_key', 'next')] = more
      ? withParams(request.url, { [offsetName]: start + size })
      : null
  return result
}

function byToken(view: RecordView, request: PageRequest, asUrl: boolean): Page {
  const { declared, value: token } = roleValue(request.endpoint, request.inputs, 'cursor')!
  const start = token ? indexAfter(view, decodeToken(token).p, request.sort, request.primaryKey) : 0
  const end = start + anySize(request)
  const records = slice(view, start, end, request)
  const more = end < view.length
  const next = more ? encodeToken({ p: positionOf(view.at(end - 1), request.sort, request.primaryKey) }) : null
  const bodyFields: Record<string, unknown> = {}
  if (asUrl)
    bodyFields[wrapperKey(request, 'next_url_key', 'next')] =
      next === null ? null : withParams(request.url, { [declared.name]: next })
  else bodyFields[wrapperKey(request, 'next_cursor_key', 'next_cursor')] = next
  return { records, bodyFields, headers: {}, more }
}

/**
 * Shopify-style: a `Link` header with `rel="next"` (and `rel="previous"` past the first page)
 * whose URLs carry only the page size and an opaque token standing for the listing.
 */
function byLinkToken(view: RecordView, request: PageRequest): Page {
  const cursor = roleParam(request.endpoint, 'cursor') as DeclaredParam
  const sizeParam = roleParam(request.endpoint, 'limit') ?? roleParam(request.endpoint, 'per_page')
  const sizeName = sizeParam?.name ?? 'limit'
  const size = anySize(request)
  const token = request.linkToken
  let start = 0
  if (token?.before)
    start = Math.max(0, indexAfter(view, token.position, request.sort, request.primaryKey, true) - size)
  else if (token) start = indexAfter(view, token.position, request.sort, request.primaryKey)
  const end = Math.min(start + size, view.length)
  const records = slice(view, start, end, request)
  const query = token?.query ?? listingQuery(request.endpoint, request.inputs)
  const linkTo = (index: number, before: boolean, rel: string) => {
    const position = positionOf(view.at(index), request.sort, request.primaryKey)
    const value = encodeToken({ p: position, q: query, ...(before ? { b: true } : {}) })
    return `<${withParams(request.url, { [sizeName]: size, [cursor.name]: value }, [sizeName])}>; rel="${rel}"`
  }
  const links: string[] = []
  if (start > 0 && end > start) links.push(linkTo(start, true, 'previous'))
  const more = end < view.length
  if (more) links.push(linkTo(end - 1, false, 'next'))
  return { records, bodyFields: {}, headers: links.length > 0 ? { link: links.join(', ') } : {}, more }
}

/**
 * Zendesk-style time-based export: the records at or after the `since` instant, oldest first,
 * a page of `per_page` (default 1000) extended to every record sharing the last one's instant,
 * `end_time` = that instant, and a next URL starting at it: records at `end_time` come again
 * on the next page, as the real export repeats them. A page made of one group of ties ends
 * one unit after it, so the export always moves on.
 */
function byExport(view: RecordView, request: PageRequest): Page {
  const { declared, value } = roleValue(request.endpoint, request.inputs, 'since')!
  const since = declared.param as { field: string; format?: 'seconds' | 'millis' }
  const unit = since.format === 'millis' ? 1 : 1000
  const instantOf = (record: Rec) => {
    const raw = getPath(record, since.field)
    const ms = typeof raw === 'number' ? raw * unit : typeof raw === 'string' ? Date.parse(raw) : Number.NaN
    return Math.floor(ms / unit)
  }
  const size = anySize(request, EXPORT_SIZE)
  let end = Math.min(size, view.length)
  if (end > 0) {
    const last = instantOf(view.at(end - 1))
    while (end < view.length && instantOf(view.at(end)) === last) end++
  }
  const records = slice(view, 0, end, request)
  let endTime = Number(value)
  if (end > 0) {
    endTime = instantOf(view.at(end - 1))
    // A page that is one group of ties holds the whole group: the next page starts after it.
    if (instantOf(view.at(0)) === endTime) endTime++
  }
  const more = end < view.length
  return {
    records,
    bodyFields: {
      [wrapperKey(request, 'end_time_key', 'end_time')]: endTime,
      [wrapperKey(request, 'next_url_key', 'next')]: withParams(request.url, { [declared.name]: endTime }),
    },
    headers: {},
    more,
  }
}
