import type { TSchema } from 'typebox'
import type { RawRecord } from '../connector/types.ts'
import { LakeflowError } from '../errors/lakeflow-error.ts'
import { excerpt } from '../errors/redact.ts'
import { type RecordStreamOptions, recordStream } from '../formats/records.ts'
import { loopGuard, recordsAt } from '../http/pagination.ts'
import type { ListingRequest, Paginator } from '../http/paginators.ts'
import { paginationError } from '../http/paginators.ts'
import type { Selector } from '../http/select.ts'
import type { HeaderValues, HttpClient, HttpResponse, ResponseMeta } from '../http/types.ts'
import type { InitClock } from './clock.ts'
import { type CursorFormat, formatCursor, resolutionOf } from './cursor-values.ts'

/** What a {@link RecordDecoder} makes of a response: the body paginators read, and the records. */
export interface DecodedPage {
  /** The body as paginators see it (`undefined` for a streamed one). */
  readonly body: unknown
  /** The records: an array, or chunks of them as a streamed body arrives. */
  readonly records: readonly unknown[] | AsyncIterable<readonly unknown[]>
}

/**
 * Turns a response into records. The default is JSON with a record selector
 * ({@link jsonRecords}); non-JSON bodies (NDJSON, CSV, archives) plug in here.
 */
export interface RecordDecoder {
  /** How the client decodes the body before `decode` sees it (`stream`: raw byte chunks). @default 'json' */
  readonly responseType?: 'json' | 'text' | 'stream'
  decode(response: HttpResponse<unknown>): DecodedPage
}

/** Records per chunk a streamed body is handed to the engine in. */
const STREAM_CHUNK = 256

async function* chunked(records: AsyncIterable<unknown>): AsyncGenerator<readonly unknown[], void, undefined> {
  let chunk: unknown[] = []
  for await (const record of records) {
    chunk.push(record)
    if (chunk.length >= STREAM_CHUNK) {
      yield chunk
      chunk = []
    }
  }
  if (chunk.length > 0) yield chunk
}

/**
 * Records of a body that is not one JSON document, decoded as it arrives: NDJSON lines or
 * CSV rows, through gzip and ZIP layers (core's `recordStream`). Memory stays bounded by a
 * chunk of records whatever the body's size; paginators see no body (use `link_header`, or
 * one request per listing).
 * @example decode: streamedRecords({ format: 'ndjson' })
 */
export function streamedRecords(options: RecordStreamOptions): RecordDecoder {
  return {
    responseType: 'stream',
    decode: (response) => ({
      body: undefined,
      records: chunked(recordStream(response.data as AsyncIterable<Uint8Array>, options)),
    }),
  }
}

/**
 * Records of a JSON body at a selector: a dotted path (literal-dot keys found), exact keys,
 * or a function. `''` (the default) is a top-level array.
 * @example jsonRecords('data.items')
 */
export function jsonRecords(selector: Selector = ''): RecordDecoder {
  return { decode: (response) => ({ body: response.data, records: recordsAt(selector, response.data, response) }) }
}

/** A bound sent with a cursor read: where, in which form, and whether the API includes the value. */
export interface BoundSettings {
  /** Parameter (or body field) name. */
  readonly param: string
  /** Whether the API includes records equal to the value sent (`gte`/`lte`). */
  readonly inclusive: boolean
  /** The value's form, or a function writing it. */
  readonly format: CursorFormat | ((value: number) => string | number)
  /** Sent as a query parameter, or handed to the request's body function. @default 'query' */
  readonly in?: 'query' | 'body'
}

/** The bounds handed to a request body function, already formatted. */
export interface BodyBounds {
  readonly since?: string | number
  readonly until?: string | number
}

/** One listing as the engine reads it: a request template plus paging. */
export interface ListingSettings {
  readonly table: string
  readonly client: HttpClient
  readonly clock: InitClock
  readonly method: string
  /** The path, placeholders filled. */
  readonly path: string
  readonly query: Readonly<Record<string, string | readonly string[]>>
  readonly headers?: HeaderValues
  /** The JSON body, given the formatted bounds. */
  readonly body?: (bounds: BodyBounds) => unknown
  readonly paginator: Paginator
  readonly decoder: RecordDecoder
  /** A schema the JSON body must match (checked by the client). */
  readonly bodySchema?: TSchema
  readonly since?: BoundSettings
  readonly until?: BoundSettings
  /** The page-number parameter, for listings read or resumed by page. @default 'page' */
  readonly pageParam?: string
}

/** What one request of a listing asks for beyond the template. */
export interface ListingBounds {
  /** Records at or after this value are needed (`sinceInclusive`), or only those after it. */
  readonly since?: number
  readonly sinceInclusive?: boolean
  /** Records up to and including this value are needed. */
  readonly until?: number
  /** Ask for this many records per page (a probe), when the paginator has a page size. */
  readonly size?: number
  /** Start at this page number. */
  readonly page?: number
  /** Extra query parameters (a sort order for a probe). */
  readonly query?: Readonly<Record<string, string>>
}

/** One fetched page. Reading its records through {@link chunksOf} tallies what the paginator needs. */
export interface FetchedPage {
  readonly request: ListingRequest
  readonly response: ResponseMeta
  readonly body: unknown
  readonly records: readonly RawRecord[] | AsyncIterable<readonly RawRecord[]>
  /** The page number of the request, when the listing is paged by number. */
  readonly page: number | undefined
  /** Records read so far, and the last chunk (a paginator may look at the last record). */
  count: number
  lastChunk: readonly RawRecord[]
}

function formatBound(bound: BoundSettings, value: number): string | number {
  return typeof bound.format === 'function' ? bound.format(value) : formatCursor(value, bound.format)
}

function resolution(bound: BoundSettings): number {
  return typeof bound.format === 'function' ? 1 : resolutionOf(bound.format)
}

function checkRecords(records: readonly unknown[], response: ResponseMeta): readonly RawRecord[] {
  for (const record of records) {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      throw paginationError(response, `expected every record to be a JSON object, got ${excerpt(record, 80)}`)
    }
  }
  return records as readonly RawRecord[]
}

async function* checkedChunks(chunks: AsyncIterable<readonly unknown[]>, response: ResponseMeta) {
  for await (const chunk of chunks) yield checkRecords(chunk, response)
}

/** Requests of one listing: the first for some bounds, the next after a page, and the fetch. */
export class Listing {
  readonly settings: ListingSettings
  #guard: (request: ListingRequest) => void

  constructor(settings: ListingSettings) {
    this.settings = settings
    this.#guard = loopGuard(settings.client, settings.method)
  }

  /** The first request for these bounds; it starts a new walk (the loop guard forgets the last one). */
  first(bounds: ListingBounds = {}): ListingRequest {
    const { since, until, paginator, pageParam = 'page' } = this.settings
    this.#guard = loopGuard(this.settings.client, this.settings.method)
    const query: Record<string, string | readonly string[]> = { ...this.settings.query, ...bounds.query }
    const body: { since?: string | number; until?: string | number } = {}
    if (since && bounds.since !== undefined) {
      // Ask for what is needed in the API's terms: "at or after v" from an exclusive API is "after v - 1 step".
      const value = bounds.sinceInclusive && !since.inclusive ? bounds.since - resolution(since) : bounds.since
      if (since.in === 'body') body.since = formatBound(since, value)
      else query[since.param] = String(formatBound(since, value))
    }
    if (until && bounds.until !== undefined) {
      const value = until.inclusive ? bounds.until : bounds.until + resolution(until)
      if (until.in === 'body') body.until = formatBound(until, value)
      else query[until.param] = String(formatBound(until, value))
    }
    let request = paginator.first({
      path: this.settings.path,
      searchParams: query,
      json: this.settings.body?.(body),
    })
    const size = paginator.description.pageSize
    if (bounds.size !== undefined && size) {
      request = { ...request, searchParams: { ...request.searchParams, [size.param]: String(bounds.size) } }
    }
    if (bounds.page !== undefined && bounds.page > 1) {
      request = { ...request, searchParams: { ...request.searchParams, [pageParam]: String(bounds.page) } }
    }
    return request
  }

  /**
   * Fetches a page; the clock observes the response. A request made twice in one read is
   * refused (the source pointed back to a page already read), unless `guard` is off (a walk
   * that steps back a page on purpose).
   */
  async fetch(request: ListingRequest, guard = true): Promise<FetchedPage> {
    const { client, clock, decoder, method, headers, pageParam = 'page' } = this.settings
    if (guard) this.#guard(request)
    const response = await client.request<unknown>(request.path, {
      method,
      searchParams: request.searchParams,
      json: request.json,
      headers,
      responseType: decoder.responseType ?? 'json',
      ...(this.settings.bodySchema ? { schema: this.settings.bodySchema } : {}),
    })
    clock.observe(response)
    const decoded = decoder.decode(response)
    const records = Array.isArray(decoded.records)
      ? checkRecords(decoded.records, response)
      : checkedChunks(decoded.records as AsyncIterable<readonly unknown[]>, response)
    const number = Number(new URL(response.url).searchParams.get(pageParam) ?? 1)
    return {
      request,
      response,
      body: decoded.body,
      records,
      page: Number.isInteger(number) && number > 0 ? number : undefined,
      count: 0,
      lastChunk: [],
    }
  }

  /** The request after a page whose records were read (through {@link chunksOf}). */
  next(page: FetchedPage): ListingRequest | undefined {
    const info = { body: page.body, response: page.response, records: page.lastChunk, count: page.count }
    return this.settings.paginator.next(info, page.request)
  }
}

/** A page's records as arrays (one for a JSON page, the chunks of a streamed one), tallied on the page. */
export async function* chunksOf(page: FetchedPage): AsyncGenerator<readonly RawRecord[], void, undefined> {
  const chunks: Iterable<readonly RawRecord[]> | AsyncIterable<readonly RawRecord[]> = Array.isArray(page.records)
    ? [page.records as readonly RawRecord[]]
    : (page.records as AsyncIterable<readonly RawRecord[]>)
  for await (const chunk of chunks) {
    page.count += chunk.length
    page.lastChunk = chunk
    yield chunk
  }
}

/** Fills `{name}` placeholders of a path template with URL-encoded values; a missing one is a configuration error. */
export function fillPath(template: string, values: Readonly<Record<string, unknown>>, table: string): string {
  return template.replace(/\{([^{}]+)\}/g, (_, name: string) => {
    const value = values[name]
    if (value === undefined || value === null || value === '') {
      throw new LakeflowError(
        `Table "${table}": the path ${template} needs "${name}", which neither the table options nor the parent record give`,
        { category: 'config' },
      )
    }
    return encodeURIComponent(String(value))
  })
}
