import Type, { type Static, type TObject, type TSchema } from 'typebox'
import type { OffsetDeclaration } from '../connector/offset-declaration.ts'
import type { TableHandler } from '../connector/table-connector.ts'
import type { Offset, RawRecord, RequestDescription, TableMetadata, TableRead } from '../connector/types.ts'
import { LakeflowError } from '../errors/lakeflow-error.ts'
import { createPaginator } from '../http/paginators.ts'
import { selectPath } from '../http/select.ts'
import { type CursorFormat, formatCursor, isTimeFormat, parseCursor } from './cursor-values.ts'
import type { BoundDeclaration, RestContext, RestRequest, RestTableDeclaration } from './declaration.ts'
import { PENDING_PASS_KEYS, readDescending } from './descending.ts'
import {
  type CursorSettings,
  cursorReader,
  readAll,
  readAscending,
  readEach,
  readWindow,
  startOption,
} from './engine.ts'
import { type BoundSettings, fillPath, jsonRecords, Listing } from './listing.ts'
import { cursorRangePartitions } from './partitions.ts'
import { listedId, recordIdOf } from './position.ts'

/** A declared table's handler, with its declaration (for fan-out parents and tests). */
export type RestTableHandler<Options extends TObject> = TableHandler<RestContext, Options> & {
  readonly declaration: RestTableDeclaration<Options>
}

type AnyDeclaration = RestTableDeclaration<TObject>
type Options = Record<string, unknown>

function declarationError(table: string, problem: string): LakeflowError {
  return new LakeflowError(`Table "${table}" is declared wrongly: ${problem}`, { category: 'internal' })
}

function staticMetadata(declaration: AnyDeclaration): TableMetadata | undefined {
  return typeof declaration.metadata === 'function' ? undefined : declaration.metadata
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
  'name' | 'request' | 'records' | 'decode' | 'paginator' | 'incremental'
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
    cursorOf: cursorReader(
      declaration.name,
      typeof field === 'string' ? field : 'cursor',
      typeof field === 'string' ? (record) => selectPath(record, field) : field,
      format,
    ),
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

function checkDeclaration(declaration: AnyDeclaration): void {
  const incremental = declaration.incremental
  if (!incremental) return
  const remember = incremental.ties !== undefined && incremental.ties !== 'finish-group'
  const problem =
    incremental.keyset && (!remember || !incremental.since)
      ? 'keyset paging needs a since parameter and remembered ties (ids tell restarted pages apart)'
      : incremental.windowSeconds && (remember || !incremental.until)
        ? 'windows need an until parameter and finished tie groups'
        : incremental.order === 'descending' && (incremental.since || incremental.keyset)
          ? 'a descending listing is walked without since or keyset'
          : undefined
  if (problem) throw declarationError(declaration.name, problem)
}

function cursorSchema(format: CursorFormat, description: string): TSchema {
  return isTimeFormat(format) && !format.startsWith('epoch')
    ? Type.String({ format: format === 'date' ? 'date' : 'date-time', description })
    : Type.Number({ description })
}

/** The offset schema and ordered fields a declaration implies. */
function offsetOf(declaration: AnyDeclaration): OffsetDeclaration {
  const incremental = declaration.incremental
  const properties: Record<string, TSchema> = {}
  const ordered: Record<string, 'ascending' | 'descending'> = {}
  if (incremental) {
    const format = incremental.format ?? 'iso'
    const key = incremental.offsetKey ?? 'cursor'
    properties[key] = Type.Optional(cursorSchema(format, 'The newest cursor value read'))
    ordered[key] = 'ascending'
    if (incremental.ties !== undefined && incremental.ties !== 'finish-group') {
      properties.seen = Type.Optional(Type.String({ description: 'Ids read at the cursor value, comma separated' }))
    }
    if (incremental.order === 'descending') {
      const pass = PENDING_PASS_KEYS
      properties[pass.high] = Type.Optional(cursorSchema(format, 'Newest value of the pending pass'))
      properties[pass.highSeen] = Type.Optional(Type.String({ description: 'Ids read at the pass’s newest value' }))
      properties[pass.below] = Type.Optional(cursorSchema(format, 'The pending pass resumes below this value'))
      properties[pass.page] = Type.Optional(Type.Integer({ minimum: 1, description: 'Page the pass resumes at' }))
      ordered[pass.high] = 'ascending'
      ordered[pass.below] = 'descending'
    }
  } else if (declaration.snapshot) {
    properties[declaration.snapshot.marker] = Type.Optional(Type.String({ format: 'date-time' }))
    ordered[declaration.snapshot.marker] = 'ascending'
  }
  return {
    schema: Type.Object(properties, { additionalProperties: false }),
    ordered,
    ...(declaration.migrate ? { migrate: declaration.migrate } : {}),
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

function readFlow(
  declaration: AnyDeclaration,
  request: RestRequest<Options>,
  context: RestContext,
  start: Offset | null,
  options: Options,
): TableRead {
  const incremental = declaration.incremental
  if (!incremental) return readSnapshot(declaration, request, context, start, options)
  if (declaration.parent) {
    const settings = cursorSettingsOf(declaration, context, options, (record) => record)
    return readEach(listingsOf(declaration, request, context, options), settings, start)
  }
  const settings = cursorSettingsOf(declaration, context, options, mapperOf(declaration, options))
  const listing = listingOf(declaration, request, context, options)
  const window = incremental.windowSeconds?.(options)
  if (window !== undefined) return readWindow(listing, settings, start, window * 1000)
  if (incremental.order === 'descending') {
    const time = incremental.time
    const timeOf =
      time === undefined
        ? undefined
        : cursorReader(
            declaration.name,
            typeof time === 'string' ? time : 'time',
            typeof time === 'string' ? (record) => selectPath(record, time) : time,
            'iso',
          )
    return readDescending(listing, settings, start, timeOf)
  }
  return readAscending(listing, settings, start)
}

function describeRequests(declaration: AnyDeclaration, options: Options): RequestDescription[] {
  const incremental = declaration.incremental
  const request = declaration.request
  const values = new Proxy(options, {
    get: (target, name) => (typeof name === 'string' && !(name in target) ? `{${name}}` : target[name as string]),
  })
  const paginator = typeof declaration.paginator === 'function' ? declaration.paginator(options) : declaration.paginator
  const field = incremental?.cursor ?? staticMetadata(declaration)?.cursor_field
  const description: RequestDescription = {
    method: (request.method ?? 'GET').toUpperCase(),
    path:
      typeof request.path === 'function'
        ? request.path(options, undefined)
        : request.path.replace(/\{([^{}]+)\}/g, (_, name: string) =>
            name in options ? encodeURIComponent(String(values[name])) : `{${name}}`,
          ),
    pagination: createPaginator(paginator ?? 'none').description,
    ...(typeof field === 'string' ? { cursorField: field } : {}),
    ...(incremental?.since
      ? { since: { param: incremental.since.param, inclusive: incremental.since.inclusive ?? false } }
      : {}),
    ...(incremental?.until
      ? { until: { param: incremental.until.param, inclusive: incremental.until.inclusive ?? true } }
      : {}),
  }
  return [description, ...(declaration.parent ? describeRequests(declaration.parent.table, options) : [])]
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
