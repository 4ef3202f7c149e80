import type {
  ConnectorDefinition,
  LakeflowConnector,
  RawRecord,
  TableMetadata,
  TableOptions,
} from '@lakeflow/core/connector'
import type { RetryOptions } from '@lakeflow/core/http'
import type { TableSchema } from '@lakeflow/core/schema'
import type { Simulator, SourceSpec } from '@lakeflow/simulator'
import type { FileFixture, FileSourceConfig } from './files/file-fixture.ts'

/** Where the suite runs: against the simulator (offline, the default) or the live source. */
export type TestMode = 'simulate' | 'live'

/** How the checks may write to a table through the simulator's mutation API. */
export interface TableTestConfig {
  /** The simulator corpus that backs the table (its file stem under `corpus/`). */
  corpus: string
  /**
   * A new record for the source, shaped like the corpus (the cursor is set by the
   * simulator). Record `index` must have a primary key no other index and no corpus record
   * has. Needed by the insert-based checks (write-back, completeness, ties, memory).
   * @example (index) => ({ user_id: 10_000 + index, email: `new${index}@example.com` })
   */
  newRecord?: (index: number) => RawRecord
  /**
   * Field changes for a random update of `record` (the simulator also moves its cursor).
   * @default no field changes: the update only moves the cursor
   */
  update?: (record: RawRecord, random: () => number) => Record<string, unknown>
  /**
   * Whether the source can delete this table's records (exercised through the simulator).
   * @default true for `cdc_with_deletes` and `snapshot` tables
   */
  deletes?: boolean
  /**
   * The raw record the connector yields for a simulator record of this table, when it
   * reshapes what the source sends (flattens a nested object, renames or derives fields).
   * Used wherever the suite compares the simulator's records with what was read: the
   * completeness oracle's expected rows, write-to-source's schema check, and the keys that
   * incremental-after-write, delete-and-read-deletes, cursor-ties and
   * partitions-disjoint-covering look for. Gets a copy; return the record as read, before
   * conversion (the suite converts both sides).
   * @default the simulator record as it is
   * @example (commit) => ({ sha: commit.sha, commit_message: commit.commit.message })
   */
  toRow?: (record: RawRecord) => RawRecord
}

/** Settings of the bounded-memory check. */
export interface MemoryTestConfig {
  /** The table to stream; it needs a `tables` entry with `newRecord`. */
  table: string
  /**
   * Records in the generated table. The check fits the heap's growth per record over ten
   * samples, so a few tens of thousands of records show a table-sized leak.
   * @default 30000
   */
  count?: number
  /** Table options for that read (large pages, no batch limit). */
  tableOptions?: TableOptions
  /** Largest heap growth accepted, in MiB (the example grows by about 3). @default 16 */
  maxHeapGrowthMb?: number
}

/** The request rate a connector promises its source, for the `shared-rate-budget` check. */
export interface RequestRateConfig {
  /** Requests per second the simulator may see at most, from all instances together. */
  perSecond: number
  /**
   * Requests allowed back to back: in any window of `w` seconds at most `burst + w × perSecond`.
   * @default 1
   */
  burst?: number
  /**
   * Connection options for this check (merged over `options`), e.g. a lower
   * `max_requests_per_second` so a breach shows within a few dozen requests.
   * @example { max_requests_per_second: 40 }
   */
  options?: Record<string, unknown>
}

/**
 * A real source the suite starts itself, for connectors whose source is not an HTTP API (a
 * Kafka broker, say). The checks that need the HTTP simulator's mutation API, faults or
 * request log are skipped against a fixture; the stream checks use `append` instead.
 */
export interface SourceFixture {
  /** Starts the source (on a free port of 127.0.0.1) and returns the connection options. Called once. */
  start(): Promise<Record<string, unknown>>
  /** Stops the source, by its process id. */
  stop(): Promise<void>
  /** Puts the source back to its initial contents; called before every check. @default nothing */
  reset?(): Promise<void>
  /**
   * Appends `count` new records to a table (produces messages), returning an identity for
   * each, in order. The stream checks use it to prove every appended record is read exactly once.
   */
  append?(table: string, count: number): Promise<string[]>
  /** The identity of a record as the connector yields it, matching what `append` returned. */
  identity?(table: string, record: RawRecord): string
}

/**
 * Where the simulated source is, for connection options: the simulator's base URL (an HTTP
 * source) or the file fixture's directory (a file source); the other one is `''`.
 */
export interface SourceAddress {
  readonly baseUrl: string
  readonly directory: string
}

/**
 * A source whose records a check can read and change: the HTTP simulator, or the file
 * fixture (records in files, written through the same mutation API).
 */
export type MutableSource = Pick<Simulator, 'data' | 'clock'>

/** What a connector's `test/contract.test.ts` passes to {@link describeConnector}. */
export interface ConnectorTestConfig {
  /** The connector definition (what the package exports as `connector`). */
  connector: ConnectorDefinition
  /**
   * Connection options in simulate mode. A function receives the simulator's base URL (or,
   * for a file source, the fixture's directory).
   * @example ({ baseUrl }) => ({ base_url: baseUrl, username: 'sim', password: 'sim-password' })
   * @example ({ directory }) => ({ volume_path: directory })
   */
  options: Record<string, unknown> | ((source: SourceAddress) => Record<string, unknown>)
  /** Table options per table. @default {} for every table */
  tableOptions?: Record<string, TableOptions>
  /**
   * A source the suite starts itself instead of the simulator (brokers and other non-HTTP
   * sources). Its options are merged under `options` (when `options` is an object).
   */
  source?: SourceFixture
  /** The simulated source: spec (object or path to `endpoints.yaml`) and corpus (object or directory). */
  simulator?: { spec: SourceSpec | string; corpus: Record<string, unknown> | string; seed?: number }
  /**
   * For a file source, instead of `simulator`: a directory of files the suite writes and
   * changes as the simulator's mutations would (see `FileFixture`). The checks that need an
   * HTTP source (faults, request rate, endpoint coverage) are skipped; the file checks run.
   */
  files?: FileSourceConfig
  /**
   * The module exporting the definition, as a URL or specifier, for the checks that load
   * the connector in a fresh process (schema determinism across processes).
   * @example new URL('../src/index.ts', import.meta.url).href
   */
  module?: string
  /** Name of the export holding the definition in `module`. @default 'connector' */
  exportName?: string
  /** Cap on records consumed per table per check (upstream `sample_records`). @default 200 */
  sampleRecords?: number
  /** Tables allowed to return nothing on the first read in simulate mode. @default [] */
  allowEmptyFirstRead?: readonly string[]
  /** Columns exempt from "every column populated by at least one record", per table. @default {} */
  allowNullColumns?: Readonly<Record<string, readonly string[]>>
  /** Calls allowed before a read must return the offset it was given. @default 50 */
  readTerminationMaxIterations?: number
  /** Micro-batch loops allowed for a partitioned stream to converge. @default 20 */
  maxMicrobatchIterations?: number
  /** Tables the mutation-based checks may write to, and how. */
  tables?: Readonly<Record<string, TableTestConfig>>
  /** The bounded-memory check; skipped when absent. */
  memory?: MemoryTestConfig
  /** The request rate the connector keeps across concurrent reads; `shared-rate-budget` is skipped when absent. */
  requestRate?: RequestRateConfig
  /** Table option that bounds a call's size; randomised to split reads. @default 'max_records_per_batch' when the connector accepts it */
  batchOption?: string
  /** Simulator endpoints (`METHOD path`) the suite may leave unused. @default [] */
  allowUnusedEndpoints?: readonly string[]
  /** Table names must match this. @default /^[A-Za-z_][A-Za-z0-9_]*$/ */
  tableNamePattern?: RegExp
  /** Seed of every randomised check; `LAKEFLOW_TEST_SEED` overrides it. @default 1 */
  seed?: number
  /** The checks to run. @default allChecks (the file-source checks only with `files`) */
  checks?: readonly Check[]
  /** Checks to skip, by id, with the reason shown in the report. */
  skip?: Readonly<Record<string, string>>
  /** Overrides the environment's `LAKEFLOW_TEST_MODE`. */
  mode?: TestMode
  /**
   * Retry settings applied (through core's `withHttpScope`) to every HTTP client the
   * connector builds while a check runs. In simulate mode the default shortens the backoff
   * so injected faults cost milliseconds, not seconds; `Retry-After` is still honoured.
   * `false` keeps the connector's own settings. Live mode never overrides.
   * @default { backoffBaseMs: 20, maxBackoffMs: 200 } in simulate mode
   */
  httpRetry?: RetryOptions | false
}

/** What a check can ask for while it runs. */
export interface CheckContext {
  /** Where the suite runs. */
  readonly mode: TestMode
  /** The connector's test configuration. */
  readonly config: ConnectorTestConfig
  /** The running HTTP simulator (simulate mode with `simulator` only). */
  readonly simulator: Simulator | undefined
  /** The source fixture, when the suite runs against one. */
  readonly source: SourceFixture | undefined

  /** The file fixture (simulate mode with `files` only). */
  readonly files: FileFixture | undefined
  /** The simulator's validated spec (simulate mode only). */
  readonly spec: SourceSpec | undefined
  /** The connection options in use. */
  readonly options: Record<string, unknown>
  /** This check's seed (reported on failure). */
  readonly seed: number
  /** Seeded random number in [0, 1). */
  random(): number
  /** A new connector instance, closed when the check ends. */
  connect(options?: Record<string, unknown>): LakeflowConnector
  /** The connector's tables (from a probe instance). */
  tables(): Promise<string[]>
  /** The configured table options of a table (`{}` when none). */
  tableOptions(table: string): TableOptions
  /** The table's schema, from a probe instance (cached for the check). */
  schema(table: string): Promise<TableSchema>
  /** The table's metadata, from a probe instance (cached for the check). */
  metadata(table: string): Promise<TableMetadata>
  /** Tables read through partitions (upstream's rule), and the rest. */
  partitionedTables(): Promise<string[]>
  /** Tables read through `readTable`. */
  plainTables(): Promise<string[]>
  /** The HTTP simulator, or a skip (live mode, or a file source). */
  requireSimulator(): Simulator
  /** The simulator or the file fixture, whichever the source has, or a skip in live mode. */
  requireSource(): MutableSource
  /** The file fixture, or a skip (live mode, or an HTTP source). */
  requireFiles(): FileFixture
  /** Moves the source's clock forward to the real time (never back), so mutations land before the next connector's cap. */
  syncClock(): void
  /** Ends the check as skipped. */
  skip(reason: string): never
  /** A line for the report (shown on failure). */
  log(message: string): void
}

/** One named check: the unit the self-test runs against a mutant. */
export interface Check {
  /** Stable id, e.g. `read-terminates`. */
  readonly id: string
  /** One line saying what is checked. */
  readonly title: string
  /** Where it comes from: an upstream check or a contract-checks.md item. */
  readonly source: string
  /** Needs a simulated source, the simulator or the file fixture (skipped in live mode). */
  readonly simulatorOnly?: boolean
  /**
   * A `simulatorOnly` check that needs only controlled data, not the simulator's HTTP
   * machinery, so it also runs against a source fixture.
   */
  readonly runsOnFixture?: boolean

  /** Only for file sources (`files` set): not registered for other connectors. */
  readonly fileSourceOnly?: boolean
  /** Timeout in ms. @default 60000 */
  readonly timeoutMs?: number
  /** Runs the check: resolves when it passes, throws a `CheckFailure` with findings when not. */
  run(context: CheckContext): Promise<void>
}

/** The outcome of one check. */
export type CheckResult =
  | { readonly id: string; readonly status: 'passed'; readonly durationMs: number; readonly log: string[] }
  | {
      readonly id: string
      readonly status: 'skipped'
      readonly reason: string
      readonly durationMs: number
      readonly log: string[]
    }
  | {
      readonly id: string
      readonly status: 'failed'
      readonly error: Error
      readonly durationMs: number
      readonly log: string[]
    }
