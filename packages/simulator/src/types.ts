/**
 * The public contract of `@lakeflow/simulator`, fixed up front so the testkit and the
 * connectors can be written against it while the server is built. Implementations may
 * add to it; changing or removing a member needs a note in ARCHITECTURE.md. The spec types
 * are derived from the spec's typebox schemas (`spec/spec-schema.ts`).
 */
import type { Static } from 'typebox'
import type {
  CorpusSchema,
  EndpointSchema,
  FILTER_OPS,
  PAGINATION_STYLES,
  ParamSchema,
  SourceSpecSchema,
} from './spec/spec-schema.ts'

/** Comparison a `filter` parameter applies between the record field and the query value. */
export type FilterOp = (typeof FILTER_OPS)[number]

/**
 * A query (or JSON body) parameter's role: `filter`, `since`, `sort_by`, `sort_order`, `page`,
 * `per_page`, `offset`, `limit`, `cursor`, `filter_groups`, `sorts` or `ignore`. See
 * `spec/spec-schema.ts` and the README for each role's keys.
 */
export type ParamSpec = Static<typeof ParamSchema>

/** Pagination styles the simulator serves. */
export type PaginationStyle = (typeof PAGINATION_STYLES)[number]

/** One endpoint of a spec (upstream endpoints.yaml, plus auth, deletes, path filters, bodies and formats). */
export type EndpointSpec = Static<typeof EndpointSchema>

/** How an endpoint answers (upstream's `response` block, plus headers, pagination keys and body formats). */
export type ResponseSpec = NonNullable<EndpointSpec['response']>

/** Per-corpus settings: how records are identified and which field moves on update. */
export type CorpusSpec = Static<typeof CorpusSchema>

/** A whole source: endpoints (in match order) plus corpus settings. Loaded from `endpoints.yaml`. */
export type SourceSpec = Static<typeof SourceSpecSchema>

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
  /**
   * Accept what the Python simulator accepts, so its spec files load unchanged: a corpus an
   * endpoint names but the corpus lacks is served empty (`[]`, or `{}` for a single entity),
   * and an endpoint shadowed by an earlier one with the same method and path is kept (it is
   * never used). Each such problem becomes an entry of `simulator.warnings` instead of an error.
   * @default false
   */
  lenient?: boolean
}

/** A request the simulator saw. */
export interface LoggedRequest {
  /** HTTP method, upper case. */
  method: string
  /** URL path, without the query. */
  path: string
  /** Query parameters (the last value of a repeated one). */
  query: Record<string, string>
  /** The request body as text, when there was one (at most 1 MiB is read). */
  body?: string
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
  /**
   * Requests that reached an endpoint served by a Python `handler` (each got a 501 naming the
   * endpoint). A suite should fail on any, as on `unmatched`.
   */
  unsupported: LoggedRequest[]
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
  /** What `lenient` loading accepted (an empty corpus served, a shadowed endpoint), one line each. */
  readonly warnings: readonly string[]
}
