import { ApiCallError } from '../errors/errors.ts'
import { excerpt } from '../errors/redact.ts'
import type { HttpClient, HttpResponse, RequestOptions, ResponseMeta, SearchParams } from './types.ts'

/** One page of a paginated listing: its records plus the response it came from. */
export interface Page<Item = unknown, Body = unknown> extends HttpResponse<Body> {
  /** The records of this page, as the API gave them. */
  readonly records: Item[]
  /** 0 for the first page. */
  readonly index: number
}

/** Reads a value out of a body: a function, or a dotted path such as `data.items` (`''` is the body itself). */
export type BodySelector<Body, Value> = string | ((body: Body, response: ResponseMeta) => Value)

/** Options every pagination helper takes. */
export interface PaginationOptions<Item, Body> {
  /** The first page: a path under the client's `baseUrl`, or an absolute URL. */
  path: string
  /** Query parameters of the first page (the helpers add their own to later pages). */
  searchParams?: SearchParams
  /** Other request options (headers, method, a JSON body, timeout). */
  request?: Omit<RequestOptions, 'searchParams' | 'responseType'>
  /**
   * Where the records are: a dotted path to an array (`items`, `data.results`, `''` for a
   * top-level array) or a function returning the array.
   */
  records: BodySelector<Body, readonly Item[]>
  /** Stop after this many pages (no error). @default unlimited */
  maxPages?: number
}

interface PageRequest {
  readonly path: string
  readonly searchParams?: SearchParams | undefined
  readonly json?: unknown
}

type NextPage<Body> = (page: Page<unknown, Body>, current: PageRequest) => PageRequest | undefined

/** Follows a dotted path; `''` returns the value itself. */
export function selectPath(value: unknown, path: string): unknown {
  if (path === '') return value
  let current = value
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined
    current = (current as Record<string, unknown>)[key]
  }
  return current
}

function select<Body, Value>(selector: BodySelector<Body, Value>, body: Body, response: ResponseMeta): unknown {
  return typeof selector === 'string' ? selectPath(body, selector) : selector(body, response)
}

function sourceError(response: { url: string; method: string; status?: number }, problem: string): ApiCallError {
  return new ApiCallError(`Pagination failed: ${problem}`, {
    url: response.url,
    method: response.method,
    status: response.status,
    isRetryable: false,
    category: 'source',
  })
}

async function* paginate<Item, Body>(
  client: HttpClient,
  options: PaginationOptions<Item, Body>,
  first: PageRequest,
  next: NextPage<Body>,
): AsyncGenerator<Page<Item, Body>, void, undefined> {
  const maxPages = options.maxPages ?? Number.POSITIVE_INFINITY
  let current: PageRequest | undefined = first
  const seen = new Set<string>()
  for (let index = 0; current !== undefined && index < maxPages; index++) {
    const url = client.resolveUrl(current.path, current.searchParams)
    const key = JSON.stringify([url, current.json])
    if (seen.has(key)) {
      const method = (options.request?.method ?? 'GET').toUpperCase()
      throw sourceError({ url, method }, 'the source pointed back to a page already read (the listing would never end)')
    }
    seen.add(key)
    const response: HttpResponse<Body> = await client.request<Body>(current.path, {
      ...options.request,
      searchParams: current.searchParams,
      json: current.json ?? options.request?.json,
      responseType: 'json',
    })
    const records = select(options.records, response.data, response)
    if (!Array.isArray(records)) {
      const where = typeof options.records === 'string' ? ` at "${options.records}"` : ''
      throw sourceError(response, `expected an array of records${where}, got ${excerpt(records, 120)}`)
    }
    const page: Page<Item, Body> = { ...response, records: records as Item[], index }
    yield page
    current = next(page as Page<unknown, Body>, current)
  }
}

/** Options of {@link paginateLinkHeader}. */
export type LinkHeaderPaginationOptions<Item, Body> = PaginationOptions<Item, Body>

/** The `rel="next"` target of an RFC 8288 `Link` header, resolved against `base`. */
export function nextLinkFromHeader(header: string | null, base: string): string | undefined {
  if (!header) return undefined
  let position = 0
  while (position < header.length) {
    const open = header.indexOf('<', position)
    const close = open < 0 ? -1 : header.indexOf('>', open)
    if (close < 0) return undefined
    // Parameters run to the next comma outside a quoted string (a title may contain commas).
    let end = close + 1
    for (let quoted = false; end < header.length; end++) {
      const char = header[end]
      if (char === '"' && header[end - 1] !== '\\') quoted = !quoted
      else if (char === ',' && !quoted) break
    }
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(header.slice(close + 1, end))
    const relations = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/)
    if (relations.includes('next')) return new URL(header.slice(open + 1, close), base).href
    position = end + 1
  }
  return undefined
}

/**
 * Pages through a listing that announces the next page in a `Link: <url>; rel="next"`
 * header (GitHub, GitLab). Lazy: a page is requested only when the consumer asks for it.
 * @example
 * for await (const page of paginateLinkHeader(client, { path: '/repos/o/r/issues', searchParams: { per_page: 100 }, records: '' })) {
 *   yield* page.records
 * }
 */
export function paginateLinkHeader<Item = unknown, Body = unknown>(
  client: HttpClient,
  options: LinkHeaderPaginationOptions<Item, Body>,
): AsyncGenerator<Page<Item, Body>, void, undefined> {
  return paginate(client, options, { path: options.path, searchParams: options.searchParams }, (page) => {
    const next = nextLinkFromHeader(page.headers.get('link'), page.url)
    return next === undefined ? undefined : { path: next }
  })
}

/** Options of {@link paginateNextUrl}. */
export interface NextUrlPaginationOptions<Item, Body> extends PaginationOptions<Item, Body> {
  /** Where the next page's URL is (absolute or relative to the current page); empty or missing ends the listing. */
  nextUrl: BodySelector<Body, string | null | undefined>
}

/**
 * Pages through a listing whose body carries the next page's URL (`next`, `links.next`,
 * OData `@odata.nextLink`, FHIR `link[relation=next]` via a function).
 * @example paginateNextUrl(client, { path: '/v1/items', records: 'results', nextUrl: 'next' })
 */
export function paginateNextUrl<Item = unknown, Body = unknown>(
  client: HttpClient,
  options: NextUrlPaginationOptions<Item, Body>,
): AsyncGenerator<Page<Item, Body>, void, undefined> {
  return paginate(client, options, { path: options.path, searchParams: options.searchParams }, (page) => {
    const next = select(options.nextUrl, page.data, page)
    if (next === undefined || next === null || next === '') return undefined
    if (typeof next !== 'string')
      throw sourceError(page, `expected the next page URL to be a string, got ${excerpt(next, 120)}`)
    return { path: new URL(next, page.url).href }
  })
}

/** Options of {@link paginateCursor}. */
export interface CursorPaginationOptions<Item, Body> extends PaginationOptions<Item, Body> {
  /** The request parameter that carries the cursor, e.g. `cursor`, `page_token`, `starting_after`. */
  cursorParam: string
  /**
   * The next cursor: a dotted path (`meta.next_cursor`) or a function of the body, response
   * and records (e.g. the last record's id). Empty or missing ends the listing.
   */
  nextCursor: string | ((body: Body, response: ResponseMeta, records: readonly Item[]) => unknown)
  /**
   * Send the cursor as a query parameter or as a field of the JSON request body.
   * @default 'query'
   */
  cursorIn?: 'query' | 'json'
  /** When given and it returns false, the listing ends even if a cursor came back (`has_more`). */
  hasMore?: BodySelector<Body, unknown>
}

/**
 * Pages through a cursor-token listing (Slack, Stripe, Notion): each body names the cursor
 * of the next page, sent back as `cursorParam`.
 * @example paginateCursor(client, { path: '/conversations.list', records: 'channels', cursorParam: 'cursor', nextCursor: 'response_metadata.next_cursor' })
 */
export function paginateCursor<Item = unknown, Body = unknown>(
  client: HttpClient,
  options: CursorPaginationOptions<Item, Body>,
): AsyncGenerator<Page<Item, Body>, void, undefined> {
  const first = { path: options.path, searchParams: options.searchParams, json: options.request?.json }
  return paginate(client, options, first, (page) => {
    if (options.hasMore !== undefined && !select(options.hasMore, page.data, page)) return undefined
    const cursor =
      typeof options.nextCursor === 'string'
        ? selectPath(page.data, options.nextCursor)
        : options.nextCursor(page.data, page, page.records as Item[])
    if (cursor === undefined || cursor === null || cursor === '') return undefined
    if (typeof cursor !== 'string' && typeof cursor !== 'number') {
      throw sourceError(page, `expected the next cursor to be a string or number, got ${excerpt(cursor, 120)}`)
    }
    if (options.cursorIn === 'json') {
      const body = (options.request?.json ?? {}) as Record<string, unknown>
      return {
        path: options.path,
        searchParams: options.searchParams,
        json: { ...body, [options.cursorParam]: cursor },
      }
    }
    return {
      path: options.path,
      searchParams: { ...toRecord(options.searchParams), [options.cursorParam]: String(cursor) },
    }
  })
}

function toRecord(searchParams: SearchParams | undefined): Record<string, string | readonly string[]> {
  if (searchParams === undefined) return {}
  if (!(searchParams instanceof URLSearchParams)) {
    const out: Record<string, string | readonly string[]> = {}
    for (const [key, value] of Object.entries(searchParams)) {
      if (value === undefined || value === null) continue
      out[key] = Array.isArray(value) ? value.map(String) : String(value)
    }
    return out
  }
  const out: Record<string, string | readonly string[]> = {}
  for (const key of new Set(searchParams.keys())) {
    const values = searchParams.getAll(key)
    out[key] = values.length === 1 ? values[0]! : values
  }
  return out
}

/** Options of {@link paginatePageNumber}. */
export interface PageNumberPaginationOptions<Item, Body> extends PaginationOptions<Item, Body> {
  /** @default 'page' */
  pageParam?: string
  /** @default 1 */
  startPage?: number
  /** Page size; when given, a shorter page ends the listing. */
  pageSize?: number
  /** Sends `pageSize` under this parameter name, e.g. `per_page`. */
  pageSizeParam?: string
  /** A body-provided flag (`has_more`, `next_page`); falsy ends the listing. */
  hasMore?: BodySelector<Body, unknown>
  /** A body-provided page count; the listing ends after that page. */
  totalPages?: BodySelector<Body, unknown>
}

/**
 * Pages through `?page=1, 2, 3...`. The listing ends at an empty page, a page shorter than
 * `pageSize`, a falsy `hasMore`, or `totalPages`, whichever comes first.
 * @example paginatePageNumber(client, { path: '/tickets', records: 'tickets', pageSize: 100, pageSizeParam: 'per_page' })
 */
export function paginatePageNumber<Item = unknown, Body = unknown>(
  client: HttpClient,
  options: PageNumberPaginationOptions<Item, Body>,
): AsyncGenerator<Page<Item, Body>, void, undefined> {
  const pageParam = options.pageParam ?? 'page'
  const startPage = options.startPage ?? 1
  const params = (page: number) => ({
    ...toRecord(options.searchParams),
    ...(options.pageSizeParam && options.pageSize !== undefined
      ? { [options.pageSizeParam]: String(options.pageSize) }
      : {}),
    [pageParam]: String(page),
  })
  return paginate(client, options, { path: options.path, searchParams: params(startPage) }, (page) => {
    if (page.records.length === 0) return undefined
    if (options.pageSize !== undefined && page.records.length < options.pageSize) return undefined
    if (options.hasMore !== undefined && !select(options.hasMore, page.data, page)) return undefined
    const pageNumber = startPage + page.index
    if (options.totalPages !== undefined) {
      const total = Number(select(options.totalPages, page.data, page))
      if (Number.isFinite(total) && pageNumber >= total) return undefined
    }
    return { path: options.path, searchParams: params(pageNumber + 1) }
  })
}

/** Options of {@link paginateOffset}. */
export interface OffsetPaginationOptions<Item, Body> extends PaginationOptions<Item, Body> {
  /** Records per page, sent as `limitParam`; a shorter page ends the listing. */
  limit: number
  /** @default 'offset' */
  offsetParam?: string
  /** @default 'limit' */
  limitParam?: string
  /** @default 0 */
  startOffset?: number
  /** A body-provided total record count; the listing ends once the offset reaches it. */
  total?: BodySelector<Body, unknown>
}

/**
 * Pages through `?offset=0&limit=100, offset=100...`. The listing ends at an empty or short
 * page, or when the offset reaches a body-provided `total`.
 * @example paginateOffset(client, { path: '/v2/contacts', records: 'results', limit: 100, total: 'total' })
 */
export function paginateOffset<Item = unknown, Body = unknown>(
  client: HttpClient,
  options: OffsetPaginationOptions<Item, Body>,
): AsyncGenerator<Page<Item, Body>, void, undefined> {
  if (!Number.isInteger(options.limit) || options.limit < 1) {
    throw new RangeError(`paginateOffset: limit must be a positive integer, got ${options.limit}`)
  }
  const offsetParam = options.offsetParam ?? 'offset'
  const limitParam = options.limitParam ?? 'limit'
  const params = (offset: number) => ({
    ...toRecord(options.searchParams),
    [offsetParam]: String(offset),
    [limitParam]: String(options.limit),
  })
  let offset = options.startOffset ?? 0
  return paginate(client, options, { path: options.path, searchParams: params(offset) }, (page) => {
    if (page.records.length < options.limit) return undefined
    offset += page.records.length
    if (options.total !== undefined) {
      const total = Number(select(options.total, page.data, page))
      if (Number.isFinite(total) && offset >= total) return undefined
    }
    return { path: options.path, searchParams: params(offset) }
  })
}
