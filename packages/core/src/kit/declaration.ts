import type { Static, TObject, TSchema } from 'typebox'
import type { TableHandler } from '../connector/table-connector.ts'
import type { Offset, RawRecord } from '../connector/types.ts'
import type { PaginatorSpec } from '../http/paginators.ts'
import type { Selector } from '../http/select.ts'
import type { HeaderValues, HttpClient } from '../http/types.ts'
import type { InitClock } from './clock.ts'
import type { CursorFormat } from './cursor-values.ts'
import type { BodyBounds, Listing, RecordDecoder } from './listing.ts'

/** What every declared REST table needs from its connector's context. */
export interface RestContext {
  /** The connector's HTTP client (core's: retries, auth, rate limits, redaction). */
  readonly http: HttpClient
  /** The instance's init-time cap. */
  readonly clock: InitClock
}

/** A query parameter value; `undefined` and `null` leave the parameter out, arrays repeat it. */
export type QueryValue = string | number | boolean | null | undefined | readonly (string | number)[]

/**
 * Query parameters: constants, or functions of the table options (and, for a fan-out
 * child, the parent record).
 * @example { state: (options) => options.state, sort: 'updated', direction: 'asc' }
 */
export type QueryDeclaration<Options> = Readonly<
  Record<string, QueryValue | ((options: Options, parent: RawRecord | undefined) => QueryValue)>
>

/** The request a table's listing makes. */
export interface RestRequest<Options> {
  /** @default 'GET' */
  method?: string
  /**
   * A path template: `{name}` placeholders are filled, URL-encoded, from the table options
   * or the parent record's fields. Or a function building the path.
   * @example '/repos/{owner}/{repo}/issues'
   */
  path: string | ((options: Options, parent: RawRecord | undefined) => string)
  query?: QueryDeclaration<Options>
  /**
   * A JSON body (POST search endpoints), given the options and the cursor bounds declared
   * `in: 'body'`, already formatted.
   * @example (options, { since }) => ({ filters: [{ propertyName: 'updated', operator: 'GT', value: since }] })
   */
  body?: (options: Options, bounds: BodyBounds & { readonly parent?: RawRecord }) => unknown
  headers?: HeaderValues
}

/** A cursor bound parameter (`since`, `until`). */
export interface BoundDeclaration {
  /** Parameter (or body field) name. */
  param: string
  /**
   * Whether the API includes records equal to the value sent.
   * @default false for `since`, true for `until`
   */
  inclusive?: boolean
  /** The value's form, or a function writing it. @default the cursor's `format` */
  format?: CursorFormat | ((value: number) => string | number)
  /** @default 'query' */
  in?: 'query' | 'body'
}

/**
 * How records tied at one cursor value are handled across calls.
 * - `'finish-group'`: a capped call keeps reading until the cursor value changes; offsets
 *   hold the cursor alone (exclusive).
 * - `{ remember }`: offsets also list the ids read at the cursor value (`seen`), so a call
 *   may stop anywhere and a record stamped later at that value is still read. With
 *   `finishGroup`, capped calls still end only where the value changes.
 */
export type TieDeclaration = 'finish-group' | { remember?: (record: RawRecord) => string; finishGroup?: boolean }

/** Incremental settings of a declared table: how its cursor is read, sent and stored. */
export interface IncrementalDeclaration<Options> {
  /** The record's cursor: a dotted path or a function. @default the metadata's `cursor_field` */
  cursor?: string | ((record: RawRecord) => unknown)
  /** How the cursor is written in records and offsets. @default 'iso' */
  format?: CursorFormat
  /** The lower bound parameter; without one, records are filtered after reading. */
  since?: BoundDeclaration
  /** The upper bound parameter; with one, the init-time cap (or a window's end) is sent. */
  until?: BoundDeclaration
  /**
   * `ascending` listings are read from the position up; `descending` ones (newest first, no
   * filter) are walked down to the position in resumable passes.
   * @default 'ascending'
   */
  order?: 'ascending' | 'descending'
  /** @default 'finish-group' */
  ties?: TieDeclaration
  /** Restart the listing from the last cursor after each page (keyset paging; needs `since` and remembered ids). @default false */
  keyset?: boolean
  /** For a descending id cursor: the record's time, compared with the cap and `start`. */
  time?: string | ((record: RawRecord) => unknown)
  /** Seconds re-read before the position, only when something is new. @default options.lookback_seconds */
  lookbackSeconds?: (options: Options) => number | undefined
  /** Where a new stream starts (a time or a cursor value). @default options.start_date */
  start?: (options: Options) => string | number | undefined
  /** New records per call. @default options.max_records_per_batch, else unlimited */
  batch?: (options: Options) => number | undefined
  /** Reads in time windows instead of one open-ended range. */
  window?: WindowDeclaration<Options>
  /**
   * Records whose cursor is missing or null: an error (a source bug), or skipped because they
   * are not stamped yet and will be read once they are (a pending review).
   * @default 'error'
   */
  unstamped?: 'error' | 'skip'
  /** Offset key of the cursor. @default 'cursor' */
  offsetKey?: string
  /** The page-number parameter of a descending listing. @default 'page' */
  pageParam?: string
}

/**
 * Time windows of a cursor read (both need a `since` and an `until` parameter):
 * - `jump`: one window per call, starting at the next record after the position (empty
 *   time is jumped over), on an ascending listing with finished tie groups; the offset is
 *   the window's end once it was read whole.
 * - `tile`: consecutive windows from the position to the cap, read whole in whatever order
 *   the API lists them (a cut window resumes by page: `{page, until, until_seen}`); the
 *   last one ends at the cap, whose ids are remembered. Needs remembered ties.
 */
export interface WindowDeclaration<Options> {
  /** Window width in seconds. */
  seconds: (options: Options) => number
  /** @default 'jump' */
  mode?: 'jump' | 'tile'
  /** `tile`: where a stream without a position or start option begins (the oldest record, found by asking). */
  discoverStart?: (listing: Listing) => Promise<number | undefined>
}

/** Time-range partitions of an incremental table with `since` and `until` parameters. */
export interface CursorRangeDeclaration<Options> {
  /** How many ranges a read splits into. */
  count: (options: Options) => number
  /** Query parameters that list newest first, so the newest cursor is one record away. */
  newestFirst: Readonly<Record<string, string>>
}

/** What a fan-out needs of its parent: a listing, and how its records are mapped and ordered (any declaration fits). */
export interface ParentTable {
  name: string
  request: RestRequest<any>
  records?: Selector
  decode?: RecordDecoder
  bodySchema?: TSchema
  paginator?: PaginatorSpec | ((options: any) => PaginatorSpec)
  incremental?: IncrementalDeclaration<any>
  map?: (record: RawRecord, input: { options: any; parent: RawRecord | undefined }) => RawRecord | undefined
  parent?: ParentDeclaration
  metadata?: unknown
}

/**
 * A fan-out parent: its records drive one child listing each. A parent read newest first
 * (`incremental.order: 'descending'`) is walked only down to the children's position: the
 * source must update a parent when a child is added (a review updates its pull request);
 * children are filtered by their own cursor up to a cap kept for the whole pass, and a capped
 * pass resumes below the last parent it finished. Any other parent is read whole on every read.
 */
export interface ParentDeclaration {
  /** The parent listing (another table's declaration, or just its listing). */
  table: ParentTable
  /**
   * Child fields taken from each parent record (child name → parent dotted path): they fill
   * the child's path placeholders and are copied into every child row.
   * @example { pull_number: 'number' }
   */
  fields: Readonly<Record<string, string>>
  /** Fields of the one parent whose children a read is limited to (a table option naming it), or `undefined`. */
  only?: (options: any) => Readonly<Record<string, unknown>> | undefined
}

/**
 * A REST table declared, not written. Everything is typed TypeScript: values are constants
 * or functions of the table options; nothing is a template string but the path.
 */
export interface RestTableDeclaration<Options extends TObject> {
  /** The table name, as `listTables` reports it. */
  name: string
  /** Table options schema. @default no options */
  options?: Options
  /** The Spark schema, fixed or a function of the options. */
  schema: TableHandler<RestContext, Options>['schema']
  /** Primary keys, cursor field and ingestion type; the cursor and tie ids default from fixed metadata. */
  metadata: TableHandler<RestContext, Options>['metadata']
  /** The request of the table's listing. */
  request: RestRequest<Static<Options>>
  /** Where the records are in a JSON body. @default the body itself (an array) */
  records?: Selector
  /** Decodes the response instead (non-JSON bodies, `streamedRecords`); overrides `records`. */
  decode?: RecordDecoder
  /**
   * A typebox schema every JSON page must match (only what the table uses): core's client
   * checks it and a mismatch is an `InvalidResponseError` naming each JSON path.
   */
  bodySchema?: TSchema
  /** @default 'none' (one request) */
  paginator?: PaginatorSpec | ((options: Static<Options>) => PaginatorSpec)
  /** Cursor reads; without it, each read is a snapshot of the listing. */
  incremental?: IncrementalDeclaration<Static<Options>>
  /**
   * Snapshot offsets `{[marker]: cap}`: reading again on the same instance returns nothing,
   * a later instance takes a new snapshot. @default snapshots return `{}`
   */
  snapshot?: { marker: string }
  /** Reshapes a record (add fields, rename, flatten); `undefined` drops it. */
  map?: (record: RawRecord, input: { options: Static<Options>; parent: RawRecord | undefined }) => RawRecord | undefined
  /** Reads one child listing per parent record. */
  parent?: ParentDeclaration
  /** The delete flow: tombstones from another request, read like the records. */
  deletes?: RestRequest<Static<Options>>
  /** Splits reads into cursor ranges (batch and streams). */
  partitions?: CursorRangeDeclaration<Static<Options>>
  /** Rewrites offsets saved by earlier versions into the current form. */
  migrate?: (offset: Offset) => Offset
}
