import { ApiCallError } from '../errors/errors.ts'
import { excerpt } from '../errors/redact.ts'
import { nextLinkFromHeader } from './link-header.ts'
import { type Selector, select } from './select.ts'
import type { ResponseMeta, SearchParams } from './types.ts'

/** One request of a listing: where, with which query and JSON body. */
export interface ListingRequest {
  /** A path under the client's `baseUrl`, or an absolute URL (a next link). */
  readonly path: string
  readonly searchParams: Readonly<Record<string, string | readonly string[]>>
  readonly json?: unknown
}

/** What a paginator sees of a page it decides on. */
export interface PageInfo {
  /** The decoded body (`undefined` for a streamed one). */
  readonly body: unknown
  readonly response: ResponseMeta
  /** The page's records (for a streamed body, its last chunk). */
  readonly records: readonly unknown[]
  /** How many records the page held. */
  readonly count: number
}

/** Paginator names, as the `type` of a config object. */
export type PaginatorName = 'none' | 'page_number' | 'offset' | 'cursor' | 'next_url' | 'link_header'

/** What a paginator says about itself: its type, page size, and where the next page comes from. */
export interface PaginatorDescription {
  readonly type: PaginatorName | (string & {})
  /** The page-size parameter it sends, and the size. */
  readonly pageSize?: { readonly param: string; readonly value: number }
  /** True when the body names the next page (a number, cursor or URL), not the paginator. */
  readonly nextFromBody?: boolean
}

/**
 * Turns one request of a listing into the next. Stateless: the next request is derived from
 * the current one and its page, so a listing can restart (keyset paging) or resume.
 */
export interface Paginator {
  readonly description: PaginatorDescription
  /** Adds the paging parameters of the first page. */
  first(request: ListingRequest): ListingRequest
  /** The next request, or `undefined` after the last page. */
  next(page: PageInfo, request: ListingRequest): ListingRequest | undefined
}

/** Settings every named paginator takes. */
interface CommonSettings {
  /** A flag in the body that, when truthy, marks the last page (Zendesk's `end_of_stream`). */
  stop?: Selector
  /** Records per page, sent as `sizeParam`; for page numbers a shorter page is the last. */
  size?: number
  /** The parameter `size` is sent as, e.g. `per_page` or `limit`. */
  sizeParam?: string
  /**
   * Where the paging parameters (page, offset, size, cursor) go: the query, or fields of the
   * JSON request body (POST search and report endpoints), sent as numbers where numeric.
   * @default 'query'
   */
  in?: 'query' | 'json'
}

/** `?page=1, 2, 3…`, or the page number the body names. */
export interface PageNumberSettings extends CommonSettings {
  /** @default 'page' */
  pageParam?: string
  /** @default 1 */
  startPage?: number
  /** The body's next page number (`next_page`); null or missing ends the listing. */
  nextPage?: Selector
  /** A falsy body flag (`has_more`) ends the listing. */
  hasMore?: Selector
  /** The body's page count; the listing ends after that page. */
  totalPages?: Selector
}

/** `?offset=0&limit=100, offset=100…`. */
export interface OffsetSettings extends Omit<CommonSettings, 'size' | 'sizeParam'> {
  /** Records per page, sent as `limitParam`. */
  limit: number
  /** @default 'offset' */
  offsetParam?: string
  /** @default 'limit' */
  limitParam?: string
  /** @default 0 */
  startOffset?: number
  /** The body's total record count; the listing ends once the offset reaches it. */
  total?: Selector
}

/** A cursor token from the body, sent back as a query parameter or in the JSON body. */
export interface CursorSettings extends CommonSettings {
  /** The parameter that carries the cursor, e.g. `cursor`, `page_token`, `after`. */
  param: string
  /** The next cursor: a selector of the body, or a function of body, response and records. Empty ends the listing. */
  next: Selector | ((body: unknown, response: ResponseMeta, records: readonly unknown[]) => unknown)
  /** A falsy body flag (`has_more`) ends the listing. */
  hasMore?: Selector
}

/** The next page's URL from the body (`next`, `links.next`, `@odata.nextLink`). */
export interface NextUrlSettings extends CommonSettings {
  /** @default 'next' */
  next?: Selector
}

/** The next page's URL from an RFC 8288 `Link` header (`rel="next"`), page numbers or opaque cursors alike. */
export type LinkHeaderSettings = CommonSettings

/** A named paginator with its settings. */
export type PaginatorConfig =
  | { type: 'none' }
  | ({ type: 'page_number' } & PageNumberSettings)
  | ({ type: 'offset' } & OffsetSettings)
  | ({ type: 'cursor' } & CursorSettings)
  | ({ type: 'next_url' } & NextUrlSettings)
  | ({ type: 'link_header' } & LinkHeaderSettings)

/**
 * A paginator by name (`'link_header'`), by config object, or as a {@link Paginator}.
 * @example 'link_header'
 * @example { type: 'page_number', nextPage: 'next_page', sizeParam: 'limit', size: 50 }
 */
export type PaginatorSpec = Exclude<PaginatorName, 'offset' | 'cursor'> | PaginatorConfig | Paginator

/** The error a listing raises when the source answers something it cannot page through. */
export function paginationError(
  response: { url: string; method: string; status?: number },
  problem: string,
): ApiCallError {
  return new ApiCallError(`Pagination failed: ${problem}`, {
    url: response.url,
    method: response.method,
    status: response.status,
    isRetryable: false,
    category: 'source',
  })
}

/** Query parameters as a plain record of strings (arrays for repeated ones); `undefined` and `null` dropped. */
export function searchParamRecord(searchParams: SearchParams | undefined): Record<string, string | readonly string[]> {
  const out: Record<string, string | readonly string[]> = {}
  if (searchParams === undefined) return out
  if (searchParams instanceof URLSearchParams) {
    for (const key of new Set(searchParams.keys())) {
      const values = searchParams.getAll(key)
      out[key] = values.length === 1 ? values[0]! : values
    }
    return out
  }
  for (const [key, value] of Object.entries(searchParams)) {
    if (value === undefined || value === null) continue
    out[key] = Array.isArray(value) ? value.map(String) : String(value)
  }
  return out
}

/** Sets paging parameters in the query (as text) or in the JSON body (as given). */
function withParams(
  request: ListingRequest,
  params: Record<string, string | number>,
  where: CommonSettings['in'] = 'query',
): ListingRequest {
  if (where === 'json') return { ...request, json: { ...(request.json as Record<string, unknown>), ...params } }
  const text = Object.fromEntries(Object.entries(params).map(([key, value]) => [key, String(value)]))
  return { ...request, searchParams: { ...request.searchParams, ...text } }
}

/** A paging parameter of a request, from the query or the JSON body. */
function paramOf(request: ListingRequest, name: string, where: CommonSettings['in']): unknown {
  return where === 'json' ? (request.json as Record<string, unknown> | undefined)?.[name] : request.searchParams[name]
}

function sized(request: ListingRequest, settings: CommonSettings): ListingRequest {
  return settings.sizeParam && settings.size !== undefined
    ? withParams(request, { [settings.sizeParam]: settings.size }, settings.in)
    : request
}

function pageSizeOf(settings: CommonSettings): PaginatorDescription['pageSize'] {
  return settings.sizeParam && settings.size !== undefined
    ? { param: settings.sizeParam, value: settings.size }
    : undefined
}

/** A stop flag marks the last page; for counted listings (pages, offsets) so does an empty or short page. */
function isLast(page: PageInfo, settings: CommonSettings, counted: boolean): boolean {
  if (counted && (page.count === 0 || (settings.size !== undefined && page.count < settings.size))) return true
  return settings.stop !== undefined && Boolean(select(settings.stop, page.body, page.response))
}

function falsy(selector: Selector | undefined, page: PageInfo): boolean {
  return selector !== undefined && !select(selector, page.body, page.response)
}

function pageNumber(settings: PageNumberSettings): Paginator {
  const pageParam = settings.pageParam ?? 'page'
  const startPage = settings.startPage ?? 1
  return {
    description: { type: 'page_number', pageSize: pageSizeOf(settings), nextFromBody: settings.nextPage !== undefined },
    first: (request) => withParams(sized(request, settings), { [pageParam]: startPage }, settings.in),
    next(page, request) {
      // A page number from the body is trusted over the page's length (the server may cap the size asked for).
      const counted = settings.nextPage === undefined ? settings : { ...settings, size: undefined }
      if (isLast(page, counted, true) || falsy(settings.hasMore, page)) return undefined
      const current = Number(paramOf(request, pageParam, settings.in) ?? startPage)
      if (settings.totalPages !== undefined) {
        const total = Number(select(settings.totalPages, page.body, page.response))
        if (Number.isFinite(total) && current >= total) return undefined
      }
      if (settings.nextPage === undefined) return withParams(request, { [pageParam]: current + 1 }, settings.in)
      const next = select(settings.nextPage, page.body, page.response)
      if (next === null || next === undefined || next === '') return undefined
      if (!Number.isInteger(Number(next)) || Number(next) <= current) {
        throw paginationError(page.response, `expected the next page number after ${current}, got ${excerpt(next, 80)}`)
      }
      return withParams(request, { [pageParam]: Number(next) }, settings.in)
    },
  }
}

function offsetLimit(settings: OffsetSettings): Paginator {
  if (!Number.isInteger(settings.limit) || settings.limit < 1) {
    throw new RangeError(`offset paginator: limit must be a positive integer, got ${settings.limit}`)
  }
  const offsetParam = settings.offsetParam ?? 'offset'
  const limitParam = settings.limitParam ?? 'limit'
  const common = { ...settings, size: settings.limit, sizeParam: limitParam }
  return {
    description: { type: 'offset', pageSize: { param: limitParam, value: settings.limit } },
    first: (request) =>
      withParams(request, { [offsetParam]: settings.startOffset ?? 0, [limitParam]: settings.limit }, settings.in),
    next(page, request) {
      if (isLast(page, common, true)) return undefined
      const offset = Number(paramOf(request, offsetParam, settings.in) ?? 0) + page.count
      if (settings.total !== undefined) {
        const total = Number(select(settings.total, page.body, page.response))
        if (Number.isFinite(total) && offset >= total) return undefined
      }
      return withParams(request, { [offsetParam]: offset }, settings.in)
    },
  }
}

function cursorToken(settings: CursorSettings): Paginator {
  return {
    description: { type: 'cursor', pageSize: pageSizeOf(settings), nextFromBody: true },
    first: (request) => sized(request, settings),
    next(page, request) {
      if (isLast(page, settings, false) || falsy(settings.hasMore, page)) return undefined
      const cursor =
        typeof settings.next === 'function'
          ? settings.next(page.body, page.response, page.records)
          : select(settings.next, page.body, page.response)
      if (cursor === undefined || cursor === null || cursor === '') return undefined
      if (typeof cursor !== 'string' && typeof cursor !== 'number') {
        throw paginationError(
          page.response,
          `expected the next cursor to be a string or number, got ${excerpt(cursor, 120)}`,
        )
      }
      return withParams(request, { [settings.param]: cursor }, settings.in)
    },
  }
}

function nextUrl(settings: NextUrlSettings): Paginator {
  const selector = settings.next ?? 'next'
  return {
    description: { type: 'next_url', pageSize: pageSizeOf(settings), nextFromBody: true },
    first: (request) => sized(request, settings),
    next(page) {
      if (isLast(page, settings, false)) return undefined
      const next = select(selector, page.body, page.response)
      if (next === undefined || next === null || next === '') return undefined
      if (typeof next !== 'string') {
        throw paginationError(page.response, `expected the next page URL to be a string, got ${excerpt(next, 120)}`)
      }
      return { path: new URL(next, page.response.url).href, searchParams: {} }
    },
  }
}

function linkHeader(settings: LinkHeaderSettings): Paginator {
  return {
    description: { type: 'link_header', pageSize: pageSizeOf(settings) },
    first: (request) => sized(request, settings),
    next(page) {
      if (isLast(page, settings, false)) return undefined
      const next = nextLinkFromHeader(page.response.headers.get('link'), page.response.url)
      return next === undefined ? undefined : { path: next, searchParams: {} }
    },
  }
}

const single: Paginator = { description: { type: 'none' }, first: (request) => request, next: () => undefined }

/**
 * Builds a {@link Paginator} from a name, a config object, or returns the paginator given.
 * `page_number`, `link_header` and `next_url` work by name; `offset` and `cursor` need
 * their config (a limit, a parameter name).
 * @example createPaginator({ type: 'cursor', param: 'after', next: 'paging.next.after', size: 100, sizeParam: 'limit' })
 */
export function createPaginator(spec: PaginatorSpec): Paginator {
  const config: PaginatorConfig | Paginator = typeof spec === 'string' ? ({ type: spec } as PaginatorConfig) : spec
  if ('first' in config) return config
  switch (config.type) {
    case 'none':
      return single
    case 'page_number':
      return pageNumber(config)
    case 'offset':
      return offsetLimit(config)
    case 'cursor':
      return cursorToken(config)
    case 'next_url':
      return nextUrl(config)
    case 'link_header':
      return linkHeader(config)
    default:
      throw new RangeError(`unknown paginator ${JSON.stringify((config as { type: unknown }).type)}`)
  }
}
