import type { Static, TObject } from 'typebox'
import type { TableHandler } from '../connector/table-connector.ts'
import type { Offset, RawRecord, TableRead } from '../connector/types.ts'
import { createPaginator } from '../http/paginators.ts'
import { selectPath } from '../http/select.ts'
import { type CursorFormat, formatCursor, isTimeFormat, parseCursor } from './cursor-values.ts'
import type { BoundDeclaration, RestContext, RestRequest, RestTableDeclaration } from './declaration.ts'
import { readDescending } from './descending.ts'
import { type CursorSettings, cursorReader, readAll, readAscending, startOption } from './engine.ts'
import { readFanOut, readParentPass } from './fan-out.ts'
import { type BoundSettings, fillPath, jsonRecords, Listing } from './listing.ts'
import { cursorRangePartitions } from './partitions.ts'
import { listedId, recordIdOf } from './position.ts'
import {
  type AnyDeclaration,
  checkDeclaration,
  declarationError,
  describeRequests,
  type Options,
  offsetOf,
  staticMetadata,
} from './rest-rules.ts'
import { readTiles, readWindow } from './windows.ts'

/** A declared table's handler, with its declaration (for fan-out parents and tests). */
export type RestTableHandler<Options extends TObject> = TableHandler<RestContext, Options> & {
  readonly declaration: RestTableDeclaration<Options>
}

function bound(declaration: BoundDeclaration | undefined, format: CursorFormat, inclusive: boolean) {
  if (!declaration) return undefined
  const settings: BoundSettings = {
    param: declaration.param,
    inclusive: declaration.inclusive ?? inclusive,
    format: declaration.format ?? format,
    in: declaration.in ?? 'query',
  }
  return settings
}

function queryOf(request: RestRequest<Options>, options: Options, parent: RawRecord | undefined) {
  const query: Record<string, string | readonly string[]> = {}
  for (const [name, declared] of Object.entries(request.query ?? {})) {
    const value = typeof declared === 'function' ? declared(options, parent) : declared
    if (value === undefined || value === null) continue
    query[name] = Array.isArray(value) ? value.map(String) : String(value)
  }
  return query
}

/** The parts of a declaration a listing is made from. */
export type ListingDeclaration<Options extends TObject> = Pick<
  RestTableDeclaration<Options>,
  'name' | 'request' | 'records' | 'decode' | 'bodySchema' | 'paginator' | 'incremental'
>

/**
 * A listing as a declared table reads it, for hand-written reads that walk listings
 * themselves (with `scanDescending`, `readAll`, ...): path, query, records and paginator
 * from a declaration, for one read's options (and parent fields, filling placeholders).
 * @example for await (const record of readAll(restListing({ name: 'pulls', request, paginator: 'link_header' }, context, options), (record) => record)) ...
 */
export function restListing<Schema extends TObject>(
  declaration: ListingDeclaration<Schema>,
  context: RestContext,
  options: Static<Schema>,
  parentFields?: Readonly<Record<string, unknown>>,
): Listing {
  const erased = declaration as unknown as AnyDeclaration
  return listingOf(
    erased,
    erased.request as RestRequest<Options>,
    context,
    options as Options,
    parentFields && { record: parentFields, fields: parentFields },
  )
}

/** The listing of a request for one read (and one parent record, for a fan-out child). */
function listingOf(
  declaration: AnyDeclaration,
  request: RestRequest<Options>,
  context: RestContext,
  options: Options,
  parent?: { record: RawRecord; fields: Options },
): Listing {
  const values = parent ? { ...options, ...parent.fields } : options
  const format = declaration.incremental?.format ?? 'iso'
  const paginator = typeof declaration.paginator === 'function' ? declaration.paginator(options) : declaration.paginator
  const body = request.body
  return new Listing({
    table: declaration.name,
    client: context.http,
    clock: context.clock,
    method: (request.method ?? 'GET').toUpperCase(),
    path:
      typeof request.path === 'function'
        ? request.path(options, parent?.record)
        : fillPath(request.path, values, declaration.name),
    query: queryOf(request, options, parent?.record),
    ...(request.headers ? { headers: request.headers } : {}),
    ...(body ? { body: (bounds) => body(options, { ...bounds, ...(parent ? { parent: parent.record } : {}) }) } : {}),
    paginator: createPaginator(paginator ?? 'none'),
    decoder: declaration.decode ?? jsonRecords(declaration.records ?? ''),
    ...(declaration.bodySchema ? { bodySchema: declaration.bodySchema } : {}),
    since: bound(declaration.incremental?.since, format, false),
    until: bound(declaration.incremental?.until, format, true),
    pageParam: declaration.incremental?.pageParam ?? 'page',
  })
}

function optionNumber(options: Options, key: string): number | undefined {
  const value = options[key]
  return typeof value === 'number' ? value : undefined
}

/** The engine settings of a declared incremental table, for one read. */
function cursorSettingsOf(
  declaration: AnyDeclaration,
  context: RestContext,
  options: Options,
  map: (record: RawRecord) => RawRecord | undefined,
): CursorSettings {
  const incremental = declaration.incremental!
  const metadata = staticMetadata(declaration)
  const field = incremental.cursor ?? metadata?.cursor_field
  if (field === undefined)
    throw declarationError(declaration.name, 'incremental needs a cursor (or a cursor_field in fixed metadata)')
  const format = incremental.format ?? 'iso'
  const ties = incremental.ties ?? 'finish-group'
  const remember = ties === 'finish-group' ? undefined : ties
  let idOf: ((record: RawRecord) => string) | undefined
  if (remember?.remember) idOf = (record) => listedId(remember.remember!(record))
  else if (remember) {
    const keys = metadata?.primary_keys
    if (!keys?.length)
      throw declarationError(declaration.name, 'remembered ties need an id function or primary keys in fixed metadata')
    idOf = recordIdOf(keys)
  }
  const start = (incremental.start ?? ((value: Options) => value.start_date as string | number | undefined))(options)
  const startKey = incremental.start ? 'start' : 'start_date'
  const lookback = (incremental.lookbackSeconds ?? ((value: Options) => optionNumber(value, 'lookback_seconds')))(
    options,
  )
  const batch = (incremental.batch ?? ((value: Options) => optionNumber(value, 'max_records_per_batch')))(options)
  const startFormat = typeof start === 'string' && !isTimeFormat(format) ? 'iso' : format
  return {
    table: declaration.name,
    cursorOf: fieldReader(declaration.name, field, format),
    ...(incremental.unstamped === 'skip'
      ? {
          stamped: (record: RawRecord) =>
            (typeof field === 'string' ? selectPath(record, field) : field(record)) != null,
        }
      : {}),
    idOf,
    finishGroup: remember?.finishGroup ?? false,
    codec: { cursorKey: incremental.offsetKey ?? 'cursor', seenKey: idOf ? 'seen' : undefined, format },
    clock: context.clock,
    limit: batch ?? Number.POSITIVE_INFINITY,
    lookbackMs: (lookback ?? 0) * 1000,
    start: start === undefined ? undefined : startOption(declaration.name, start, startFormat, startKey),
    keyset: incremental.keyset ?? false,
    map,
  }
}

/** One listing of a read, with the mapping of its records (a fan-out child copies its parent's fields). */
interface MappedListing {
  readonly listing: Listing
  readonly map: (record: RawRecord) => RawRecord | undefined
}

function mapperOf(declaration: AnyDeclaration, options: Options, parentFields?: RawRecord) {
  const map = declaration.map
  return (record: RawRecord) => {
    if (parentFields !== undefined) Object.assign(record, parentFields)
    return map ? map(record, { options, parent: parentFields }) : record
  }
}

/** The listings of one read: one, or one per record of the parent (read whole, recursively). */
async function* listingsOf(
  declaration: AnyDeclaration,
  request: RestRequest<Options>,
  context: RestContext,
  options: Options,
): AsyncGenerator<MappedListing, void, undefined> {
  const parent = declaration.parent
  if (!parent)
    return yield { listing: listingOf(declaration, request, context, options), map: mapperOf(declaration, options) }
  for await (const { listing, map } of listingsOf(
    parent.table,
    parent.table.request as RestRequest<Options>,
    context,
    options,
  )) {
    for await (const record of readAll(listing, map)) {
      const fields = Object.fromEntries(
        Object.entries(parent.fields).map(([name, path]) => [name, selectPath(record, path)]),
      )
      yield {
        listing: listingOf(declaration, request, context, options, { record, fields }),
        map: mapperOf(declaration, options, fields),
      }
    }
  }
}

/** A snapshot read: every record of every listing; `{}` or the snapshot marker as offset. */
async function* readSnapshot(
  declaration: AnyDeclaration,
  request: RestRequest<Options>,
  context: RestContext,
  start: Offset | null,
  options: Options,
): TableRead {
  const marker = declaration.snapshot?.marker
  const cap = marker === undefined ? undefined : await context.clock.cap()
  if (marker !== undefined) {
    const taken = parseCursor(start?.[marker], 'iso')
    if (taken !== undefined && taken >= cap!) return start
  }
  for await (const { listing, map } of listingsOf(declaration, request, context, options)) yield* readAll(listing, map)
  return marker === undefined ? {} : { [marker]: formatCursor(cap!, 'iso-ms') }
}

function fieldReader(table: string, field: string | ((record: RawRecord) => unknown), format: CursorFormat) {
  return cursorReader(
    table,
    typeof field === 'string' ? field : 'cursor',
    typeof field === 'string' ? (record) => selectPath(record, field) : field,
    format,
  )
}

/** A fan-out read: one child listing per parent (or only the parent the options name), or a pass over changed parents. */
function readChildren(
  declaration: AnyDeclaration,
  request: RestRequest<Options>,
  context: RestContext,
  start: Offset | null,
  options: Options,
): TableRead {
  const parent = declaration.parent!
  const settings = cursorSettingsOf(declaration, context, options, (record) => record)
  const child = (fields: Options): MappedListing => ({
    listing: listingOf(declaration, request, context, options, { record: fields, fields }),
    map: mapperOf(declaration, options, fields),
  })
  const only = parent.only?.(options)
  if (only !== undefined) return readFanOut([child({ ...only })], settings, start)
  const parentIncremental = parent.table.incremental
  if (parentIncremental?.order !== 'descending') {
    return readFanOut(listingsOf(declaration, request, context, options), settings, start)
  }
  const fieldsOf = (record: RawRecord) =>
    Object.fromEntries(Object.entries(parent.fields).map(([name, path]) => [name, selectPath(record, path)]))
  const parentField = parentIncremental.cursor ?? staticMetadata(parent.table)?.cursor_field ?? 'updated_at'
  const pass = {
    parents: listingOf(parent.table, parent.table.request as RestRequest<Options>, context, options),
    parentKeyOf: fieldReader(parent.table.name, parentField, parentIncremental.format ?? 'iso'),
    childrenOf: (record: RawRecord) => child(fieldsOf(record)),
  }
  return readParentPass(pass, settings, start)
}

function readFlow(
  declaration: AnyDeclaration,
  request: RestRequest<Options>,
  context: RestContext,
  start: Offset | null,
  options: Options,
): TableRead {
  const incremental = declaration.incremental
  if (!incremental) return readSnapshot(declaration, request, context, start, options)
  if (declaration.parent) return readChildren(declaration, request, context, start, options)
  const settings = cursorSettingsOf(declaration, context, options, mapperOf(declaration, options))
  const listing = listingOf(declaration, request, context, options)
  const window = incremental.window
  if (window?.mode === 'tile') {
    return readTiles(listing, settings, start, window.seconds(options) * 1000, window.discoverStart)
  }
  if (window) return readWindow(listing, settings, start, window.seconds(options) * 1000)
  if (incremental.order === 'descending') {
    const timeOf = incremental.time === undefined ? undefined : fieldReader(declaration.name, incremental.time, 'iso')
    return readDescending(listing, settings, start, timeOf)
  }
  return readAscending(listing, settings, start)
}

/**
 * Declares a REST table: returns an ordinary table handler whose reads are the kit's
 * (listing, paginator, cursor engine, typed offsets, partitions).
 * @example
 * export const issues = restTable({
 *   name: 'issues', options: IssueOptions, schema: issuesSchema,
 *   metadata: { primary_keys: ['id'], cursor_field: 'updated_at', ingestion_type: 'cdc' },
 *   request: { path: '/repos/{owner}/{repo}/issues', query: { state: (options) => options.state } },
 *   paginator: (options) => ({ type: 'link_header', size: options.per_page, sizeParam: 'per_page' }),
 *   incremental: { since: { param: 'since', inclusive: true }, ties: { finishGroup: true }, keyset: true },
 * })
 */
export function restTable<Schema extends TObject = TObject>(
  declaration: RestTableDeclaration<Schema>,
): RestTableHandler<Schema> {
  const erased = declaration as unknown as AnyDeclaration
  checkDeclaration(erased)
  const deletes = declaration.deletes as RestRequest<Options> | undefined
  const partitions = declaration.partitions
  return {
    name: declaration.name,
    ...(declaration.options ? { options: declaration.options } : {}),
    schema: declaration.schema,
    metadata: declaration.metadata,
    offset: offsetOf(erased),
    read: (context, start, options) =>
      readFlow(erased, erased.request as RestRequest<Options>, context, start, options),
    ...(deletes
      ? {
          readDeletes: (context: RestContext, start: Offset | null, options: Static<Schema>) =>
            readFlow(erased, deletes, context, start, options),
        }
      : {}),
    ...(partitions
      ? {
          partitions: cursorRangePartitions<Static<Schema>>(declaration.name, partitions, (context, options) => ({
            listing: listingOf(erased, erased.request as RestRequest<Options>, context, options),
            settings: cursorSettingsOf(erased, context, options, mapperOf(erased, options)),
          })),
        }
      : {}),
    requests: (options) => describeRequests(erased, options),
    declaration,
  }
}
