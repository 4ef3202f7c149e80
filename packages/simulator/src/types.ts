/**
 * The public contract of `@lakeflow/simulator`, fixed up front so the testkit and the
 * connectors can be written against it while the server is built. Implementations may
 * add to it; changing or removing a member needs a note in ARCHITECTURE.md.
 */

/** Comparison a `filter` parameter applies between the record field and the query value. */
export type FilterOp = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'contains' | 'starts_with'

/** A query parameter's role (upstream §5.3 plus `cursor` for token pagination). */
export type ParamSpec =
  | {
      role: 'filter'
      field: string
      op: FilterOp
      /**
       * Values that mean "every record": the filter is not applied (GitHub's `state=all`).
       * Compared exactly, before `default` is considered.
       * @example ['all']
       */
      match_all?: string[]
      /**
       * The value applied when the request does not send the param (GitHub's issues and pulls
       * listings default to `state=open`). Unset: no filter when absent.
       * @example 'open'
       */
      default?: string
    }
  | {
      role: 'sort_by'
      /**
       * Allowed values. A list: the value is itself the (dotted) record field. A map: request
       * value to record field (GitHub's `sort=updated` sorts by `updated_at`). A value not
       * allowed is ignored (the default sort applies). No options: any value is a field.
       * @example { updated: 'updated_at', created: 'created_at' }
       */
      options?: string[] | Record<string, string>
    }
  | { role: 'sort_order'; options?: string[] }
  | { role: 'page' }
  | { role: 'per_page'; default?: number; max?: number }
  | { role: 'offset' }
  | { role: 'limit'; default?: number; max?: number }
  | { role: 'cursor' }
  | { role: 'ignore' }

/** Pagination styles the simulator serves. */
export type PaginationStyle =
  | 'none'
  | 'page_number' // page + per_page; body is the records (or wrapped)
  | 'page_number_with_link_header' // same plus an RFC 8288 Link header (next, last, first, prev)
  | 'page_number_in_body' // page + per_page; wrapper extras carry next_page (number or null)
  | 'offset_limit'
  | 'cursor_token' // opaque token in the body (wrapper key `next_cursor_key`), sent back as the `cursor` param
  | 'next_url' // full next URL in the body (wrapper key `next_url_key`)

/** How an endpoint answers (upstream's `response` block, plus headers and pagination keys). */
export interface ResponseSpec {
  /** @default 'none' */
  pagination_style?: PaginationStyle
  /** `"field"` or `"field asc|desc"`; ties broken by the corpus primary key for determinism. */
  default_sort?: string
  /** Serve one record (the corpus value, or the record matched by path params) instead of a list. */
  single_entity?: boolean
  wrapper?: {
    /** Dotted key the records list goes under, e.g. `data.items`. */
    records_key: string
    extras?: Record<string, unknown>
    ignore_extra_keys?: boolean
    /** Body key for the next page number (`page_number_in_body`). @default 'next_page' */
    next_page_key?: string
    /** Body key for the next cursor token (`cursor_token`). @default 'next_cursor' */
    next_cursor_key?: string
    /** Body key for the next URL (`next_url`). @default 'next' */
    next_url_key?: string
  }
  /** Extra response headers (rate-limit headers, say). */
  headers?: Record<string, string>
  /** Upstream's validator-only list of acceptable live status codes; accepted and unused here. */
  expected_status_codes?: number[]
}

/** One endpoint of a spec (upstream endpoints.yaml, plus auth, deletes and path filters). */
export interface EndpointSpec {
  /** URL path with `{name}` placeholders, each matching one segment. */
  path: string
  /** HTTP method, upper case. */
  method: string
  /** Corpus table name (file stem under `corpus/`). */
  corpus?: string
  /** How the endpoint answers. @default a plain list, no pagination */
  response?: ResponseSpec
  /** Query parameters by name, with their role (filter, sort, page, ...). @default none */
  params?: Record<string, ParamSpec>
  /** Path placeholders that filter records by equality, e.g. `{owner: repository_owner}`. */
  path_filters?: Record<string, string>
  /** Serve the corpus's tombstones (deleted records) instead of its live records. */
  deleted?: boolean
  /** Require a header; otherwise 401. `value` may be omitted to accept any non-empty value. */
  auth?: { header: string; value?: string; prefix?: string }
  /** Reject undeclared query params with 400. @default false */
  strict_params?: boolean
  /** Upstream's future-record synthesis, for init-time cap checks. */
  synthesize_future_records?: { cursor_field: string; count?: number }
}

/** Per-corpus settings: how records are identified and which field moves on update. */
export interface CorpusSpec {
  /** Primary key fields (dotted). */
  primary_key: string[]
  /** Field set to the clock's "now" on insert/update (dotted), if the table has one. */
  cursor_field?: string
  /** How the cursor is written: ISO text (`iso`, the default), `iso_millis`, or epoch `seconds`/`millis`. */
  cursor_format?: 'iso' | 'iso_millis' | 'seconds' | 'millis'
  /** Fields of a tombstone besides the key and cursor (others are null). */
  tombstone_fields?: string[]
  /**
   * Records of other corpora that an insert or update of a record here also updates, as
   * the source does (on GitHub, submitting a review updates its pull request's
   * `updated_at`): each rule names the corpus and how to find the records, target field →
   * field of this record. The found records' cursor moves to the clock's now. Test-side
   * mutations only; the corpus files are as given.
   * @example [{ corpus: 'pull_requests', match: { number: 'pull_number' } }]
   */
  touches?: { corpus: string; match: Record<string, string> }[]
}

/** A whole source: endpoints plus corpus settings. Loaded from `endpoints.yaml`. */
export interface SourceSpec {
  /** Endpoints in match order: the first whose method and path match serves a request. */
  endpoints: EndpointSpec[]
  /** Settings per corpus table (primary key, cursor). @default none: mutations need them */
  corpora?: Record<string, CorpusSpec>
}

/** A scripted or random fault. */
export type Fault =
  | { kind: 'status'; status: number; retryAfter?: string; body?: string; headers?: Record<string, string> }
  | { kind: 'slow'; delayMs: number } // answer only after this delay
  | { kind: 'reset' } // destroy the socket after sending headers and part of the body
  | { kind: 'truncate' } // send a valid status and cut the JSON body short
  | { kind: 'duplicate_boundary' } // repeat the last record of the previous page at the start of this one

/** Which requests a fault applies to. */
export interface FaultRule {
  /** What to do to the matching requests. */
  fault: Fault
  /** Method + path regex the request must match. @default every request */
  match?: { method?: string; path?: RegExp | string }
  /** Apply to the next N matching requests (scripted). */
  times?: number
  /** Or apply with this probability (0..1), drawn from the simulator's seeded RNG. */
  probability?: number
}

/**
 * A corpus table produced on demand by index instead of held in memory (see `generatedCorpus`).
 * Record `i` must not sort before record `i - 1` on any field of `orderedBy`, so filters and
 * sorts on those fields are answered by binary search over the index.
 */
export interface GeneratedCorpusOptions {
  /** Number of records. */
  count: number
  /** Builds record `i` (0-based). Called again for every page that includes it, so keep it pure. */
  template: (index: number) => Record<string, unknown>
  /**
   * Dotted fields whose values never decrease with the index.
   * @default the corpus's `cursor_field` (if any) followed by its `primary_key`
   */
  orderedBy?: string[]
}

/** Options of `createSimulator`. */
export interface SimulatorOptions {
  /** The spec, or a path to `endpoints.yaml`. */
  spec: SourceSpec | string
  /**
   * Corpus tables, or a directory of `<table>.json` files. In the object form a value is a
   * list of records, one object (single-entity endpoints), or `generatedCorpus(...)`; the key
   * `<table>.tombstones` holds initial tombstones.
   */
  corpus: Record<string, unknown> | string
  /** Initial clock value (ISO). @default '2024-06-01T00:00:00Z' */
  now?: string
  /** Seed for probabilistic faults and synthesis. @default 42 */
  seed?: number
  /** Port to listen on; 0 picks a free one. @default 0 */
  port?: number
}

/** A request the simulator saw. */
export interface LoggedRequest {
  /** HTTP method, upper case. */
  method: string
  /** URL path, without the query. */
  path: string
  /** Query parameters (the last value of a repeated one). */
  query: Record<string, string>
  /** Request headers, lower-case names (credentials included: the log is for tests only). */
  headers: Record<string, string>
  /** Status sent back (a fault's status when one applied). */
  status: number
  /** Index of the endpoint that served it, or -1 when none matched (a failure). */
  endpoint: number
  /** The fault applied to this request, if any. */
  fault?: Fault['kind']
  /** When it arrived, epoch ms. */
  at: number
}

/** Which endpoints the requests so far used, and which requests matched none. */
export interface CoverageReport {
  /** Requests that matched no endpoint (each got a 404). A suite should fail on any. */
  unmatched: LoggedRequest[]
  /** Endpoints never requested, as `METHOD path`. */
  unused: string[]
  /** Requests per endpoint, as `METHOD path`. */
  counts: Record<string, number>
}

/**
 * Test-side mutations; each moves the cursor to the clock's current time. Changes apply to the
 * next request (see the package README for what a paginating client can observe).
 */
export interface SimulatorMutations {
  /** Adds a record (cursor set to now). Throws if its primary key exists. */
  insert(corpus: string, record: Record<string, unknown>): void
  /** Inserts several records at the same clock time, so they all share one cursor value (cursor ties). */
  insertMany(corpus: string, records: Record<string, unknown>[]): void
  /**
   * Applies `changes` (dotted keys allowed) to the record with this primary key and moves its
   * cursor to now, unless `changes` sets the cursor itself (a backdated update).
   */
  update(corpus: string, key: Record<string, unknown>, changes: Record<string, unknown>): void
  /** Removes the record and records a tombstone (key + cursor, other fields null). */
  delete(corpus: string, key: Record<string, unknown>): void
  /** Current live records of a corpus (copies), in primary-key order. */
  records(corpus: string): Record<string, unknown>[]
  /** Current tombstones of a corpus (copies). */
  tombstones(corpus: string): Record<string, unknown>[]
}

/** The simulated "now": the cursor value mutations write and future-record synthesis starts from. */
export interface SimulatorClock {
  /** Current simulated time, ISO with `Z`. */
  now(): string
  /** Sets the time (ISO 8601); it may move backwards. */
  set(iso: string): void
  /** Moves the clock forward. */
  advance(seconds: number): void
}

/** A running (or ready-to-run) simulated source. */
export interface Simulator {
  /** Starts listening on 127.0.0.1; resolves to the base URL (`http://127.0.0.1:PORT`). */
  start(): Promise<string>
  /** Closes the server and every open connection. */
  stop(): Promise<void>
  /** Base URL once started. */
  readonly baseUrl: string
  /** The simulated time. */
  readonly clock: SimulatorClock
  /** Insert, update and delete records while the server runs. */
  readonly data: SimulatorMutations
  /** Adds fault rules; returns a function removing them. */
  inject(...rules: FaultRule[]): () => void
  /** Removes every fault rule. */
  clearFaults(): void
  /** Every request served, oldest first. */
  readonly requests: readonly LoggedRequest[]
  /** Unmatched requests, unused endpoints and counts per endpoint, from the request log. */
  coverage(): CoverageReport
  /** Restores the corpus, clock, faults and log to their initial state. */
  reset(): void
}
