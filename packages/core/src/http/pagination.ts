import { excerpt } from '../errors/redact.ts'
import {
  createPaginator,
  type ListingRequest,
  type Paginator,
  type PaginatorSpec,
  paginationError,
  searchParamRecord,
} from './paginators.ts'
import { describeSelector, type Selector, select } from './select.ts'
import type { HttpClient, HttpResponse, RequestOptions, ResponseMeta, SearchParams } from './types.ts'

export { nextLinkFromHeader } from './link-header.ts'

/** One page of a paginated listing: its records plus the response it came from. */
export interface Page<Item = unknown, Body = unknown> extends HttpResponse<Body> {
  /** The records of this page, as the API gave them. */
  readonly records: Item[]
  /** 0 for the first page. */
  readonly index: number
}

/** Reads a value out of a body: a dotted path such as `data.items` (`''` is the body itself), exact keys, or a function. */
export type BodySelector<Body, Value> = Selector<Body, Value>

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
   * top-level array), exact keys, or a function returning the array.
   */
  records: BodySelector<Body, readonly Item[]>
  /** Stop after this many pages (no error). @default unlimited */
  maxPages?: number
}

/** Remembers the requests of one listing and refuses one made twice (a listing that would never end). */
export function loopGuard(client: HttpClient, method: string): (request: ListingRequest) => void {
  const seen = new Set<string>()
  return (request) => {
    const url = client.resolveUrl(request.path, request.searchParams)
    const key = JSON.stringify([url, request.json])
    if (seen.has(key)) {
      throw paginationError(
        { url, method },
        'the source pointed back to a page already read (the listing would never end)',
      )
    }
    seen.add(key)
  }
}

/** The records of a body, or a source error naming where they were expected. */
export function recordsAt<Body>(selector: BodySelector<Body, unknown>, body: Body, response: ResponseMeta): unknown[] {
  const records = select(selector, body, response)
  if (!Array.isArray(records)) {
    throw paginationError(
      response,
      `expected an array of records${describeSelector(selector)}, got ${excerpt(records, 120)}`,
    )
  }
  return records
}

/**
 * Pages through a listing with any {@link Paginator} (or paginator name or config), lazily:
 * a page is requested only when the consumer asks for it.
 * @example paginateWith(client, { type: 'page_number', nextPage: 'next_page' }, { path: '/records', records: 'records' })
 */
export function paginateWith<Item = unknown, Body = unknown>(
  client: HttpClient,
  paginator: PaginatorSpec,
  options: PaginationOptions<Item, Body>,
): AsyncGenerator<Page<Item, Body>, void, undefined> {
  return walk(client, createPaginator(paginator), options)
}

async function* walk<Item, Body>(
  client: HttpClient,
  pages: Paginator,
  options: PaginationOptions<Item, Body>,
): AsyncGenerator<Page<Item, Body>, void, undefined> {
  const maxPages = options.maxPages ?? Number.POSITIVE_INFINITY
  const guard = loopGuard(client, (options.request?.method ?? 'GET').toUpperCase())
  let current: ListingRequest | undefined = pages.first({
    path: options.path,
    searchParams: searchParamRecord(options.searchParams),
    json: options.request?.json,
  })
  for (let index = 0; current !== undefined && index < maxPages; index++) {
    guard(current)
    const response: HttpResponse<Body> = await client.request<Body>(current.path, {
      ...options.request,
      searchParams: current.searchParams,
      json: current.json,
      responseType: 'json',
    })
    const records = recordsAt(options.records, response.data, response) as Item[]
    yield { ...response, records, index }
    current = pages.next({ body: response.data, response, records, count: records.length }, current)
  }
}

/** Options of {@link paginateLinkHeader}. */
export type LinkHeaderPaginationOptions<Item, Body> = PaginationOptions<Item, Body>

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
  return paginateWith(client, 'link_header', options)
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
  return paginateWith(client, { type: 'next_url', next: options.nextUrl as Selector }, options)
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
  return paginateWith(
    client,
    {
      type: 'cursor',
      param: options.cursorParam,
      next: options.nextCursor as Selector,
      in: options.cursorIn,
      hasMore: options.hasMore as Selector | undefined,
    },
    options,
  )
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
  return paginateWith(
    client,
    {
      type: 'page_number',
      pageParam: options.pageParam,
      startPage: options.startPage,
      size: options.pageSize,
      sizeParam: options.pageSizeParam,
      hasMore: options.hasMore as Selector | undefined,
      totalPages: options.totalPages as Selector | undefined,
    },
    options,
  )
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
  return paginateWith(
    client,
    {
      type: 'offset',
      limit: options.limit,
      offsetParam: options.offsetParam,
      limitParam: options.limitParam,
      startOffset: options.startOffset,
      total: options.total as Selector | undefined,
    },
    options,
  )
}
