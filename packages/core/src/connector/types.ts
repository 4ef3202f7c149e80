import type { TObject } from 'typebox'
import type { PaginatorDescription } from '../http/paginators.ts'
import type { AnySparkNode, TableSchema } from '../schema/spark-types.ts'
import type { OffsetOrder } from './offset-declaration.ts'

/** The interface version this core implements. Connectors declare the version they implement. */
export const SPECIFICATION_VERSION = 'v1'
/** Interface versions a connector may declare. */
export type SpecificationVersion = 'v1'
/** Versions this copy of core can drive. */
export const SUPPORTED_SPECIFICATION_VERSIONS: readonly SpecificationVersion[] = ['v1']

/** A value inside an offset: primitives only, so offsets serialise as JSON unchanged. */
export type OffsetValue = string | number | boolean | null
/**
 * Where a read resumes: a JSON object of primitives, opaque to the framework, which only
 * compares offsets for equality. `{}` is the start of a stream.
 */
export type Offset = { readonly [key: string]: OffsetValue }

/** A record as the source API gave it; the framework converts it to the table schema. */
export type RawRecord = Record<string, unknown>

/**
 * Per-table options (upstream `table_options`): flat strings, as Spark passes them. Runners
 * strip the framework's own keys (`tableName`, `isDeleteFlow`, ...) and the pipeline's
 * reserved keys (`scd_type`, `primary_keys`, `sequence_by`, `cluster_by`) before calling a
 * connector. They may hold keys meant for another table of the connector (a pipeline spec
 * that gives every table the same configuration): `parseTableOptions` ignores those.
 */
export type TableOptions = Readonly<Record<string, string>>

/** How a table is ingested (upstream `ingestion_type`). */
export type IngestionType = 'snapshot' | 'cdc' | 'cdc_with_deletes' | 'append'
/** Every ingestion type, in upstream's order. */
export const INGESTION_TYPES: readonly IngestionType[] = ['snapshot', 'cdc', 'cdc_with_deletes', 'append']

/**
 * Table metadata with upstream's wire keys. Extra keys are allowed and ignored.
 * `primary_keys` is required for every type but `append`; `cursor_field` for `cdc` and
 * `cdc_with_deletes`. Dotted paths (`user.id`) address nested struct fields.
 */
export interface TableMetadata {
  readonly primary_keys?: readonly string[]
  readonly cursor_field?: string
  readonly ingestion_type: IngestionType
  readonly [extra: string]: unknown
}

/**
 * One call's worth of a table: an async generator that yields raw records and *returns*
 * the end offset. Reading stops when a call returns the offset it was given. A snapshot
 * read may return `null` (the whole table in one call).
 * @example
 * async *readTable(table, start, options) {
 *   for await (const page of client.paginate(...)) yield* page
 *   return { cursor: maxCursor }
 * }
 */
export type TableRead = AsyncGenerator<RawRecord, Offset | null, undefined>

/** A partition descriptor: a JSON object of primitives, self-contained so an executor can read it. */
export type Partition = { readonly [key: string]: OffsetValue }

/**
 * The Lakeflow interface (upstream `LakeflowConnect`): the five methods. Instances must be
 * cheap to create and hold no state a fresh instance would lack, beyond an init-time cap
 * (`now` captured at construction, so reads of live data terminate).
 * Every method given an unknown table name throws `UnknownTableError`.
 */
export interface LakeflowConnector {
  /** The interface version this connector implements. */
  readonly specificationVersion: SpecificationVersion
  /** Short connector name, e.g. `github`. */
  readonly name: string
  /** Names of all tables, stable across calls. */
  listTables(): Promise<string[]>
  /** The table's Spark schema; deterministic for the same inputs, never data-dependent. */
  getTableSchema(tableName: string, tableOptions: TableOptions): Promise<TableSchema>
  /** Primary keys, cursor field and ingestion type. */
  readTableMetadata(tableName: string, tableOptions: TableOptions): Promise<TableMetadata>
  /**
   * Reads from `startOffset` (`null` for a batch read, `{}` for a new stream) and returns the
   * end offset. Records stream; the table is never materialised.
   */
  readTable(tableName: string, startOffset: Offset | null, tableOptions: TableOptions): TableRead
  /**
   * Reads deleted-record tombstones (primary keys and cursor, other fields may be null) with
   * the same offset protocol. Required for `cdc_with_deletes` tables.
   */
  readTableDeletes?(tableName: string, startOffset: Offset | null, tableOptions: TableOptions): TableRead
  /**
   * What the connector declares about a table beyond its schema: its offset's shape and
   * the requests it makes. Optional; the contract suite uses it to check offsets in their
   * declared order and declared requests against the simulated source.
   */
  describeTable?(tableName: string, tableOptions: TableOptions): Promise<TableDescription>
  /** Releases resources (sockets, timers). Optional; safe to call twice. */
  close?(): Promise<void>
}

/** A parameter that bounds a cursor read (`since`, `until`). */
export interface BoundParameter {
  /** The query parameter (or body field) name. */
  readonly param: string
  /** Whether the API includes records equal to the value sent. */
  readonly inclusive: boolean
}

/** One kind of request a table makes, as declared. */
export interface RequestDescription {
  /** HTTP method, upper case. */
  readonly method: string
  /** The path with the table options filled in; placeholders filled from parent records stay `{name}`. */
  readonly path: string
  /** The paginator: its type, page size and where the next page comes from. */
  readonly pagination: PaginatorDescription
  /** The record field the read's cursor is, when it has one. */
  readonly cursorField?: string
  /** The lower bound sent with the cursor. */
  readonly since?: BoundParameter
  /** The upper bound sent with the cursor (the init-time cap or a window's end). */
  readonly until?: BoundParameter
}

/** What {@link LakeflowConnector.describeTable} returns. */
export interface TableDescription {
  /** The offset's JSON schema and its ordered fields, when the table declares them. */
  readonly offset?: { readonly schema: TObject; readonly ordered: Readonly<Record<string, OffsetOrder>> }
  /** The requests a declared REST table makes (its own listing first, then any parent's). */
  readonly requests?: readonly RequestDescription[]
}

/** Batch partitions (upstream `SupportsPartition`): spread a batch read over executors. */
export interface PartitionSupport {
  /**
   * Partition descriptors, deterministic across calls. With offsets (partitioned streams):
   * cover (start, end]; empty when start equals end. Without: the whole table.
   */
  getPartitions(
    tableName: string,
    tableOptions: TableOptions,
    startOffset?: Offset | null,
    endOffset?: Offset | null,
  ): Promise<Partition[]>
  /** Reads one partition; self-contained. */
  readPartition(tableName: string, partition: Partition, tableOptions: TableOptions): AsyncIterable<RawRecord>
}

/** Partitioned streams (upstream `SupportsPartitionedStream`). */
export interface PartitionedStreamSupport extends PartitionSupport {
  /** Whether this table streams through partitions (true) or through `readTable` (false). */
  isPartitioned(tableName: string): boolean
  /** The newest offset available; converged when `latestOffset(start) == start`. */
  latestOffset(tableName: string, tableOptions: TableOptions, startOffset?: Offset | null): Promise<Offset>
}

/** Hierarchical catalogs (upstream `SupportsNamespaces`). */
export interface NamespaceSupport {
  /** Immediate child namespaces of `prefix` (root when empty); each path includes the prefix. */
  listNamespaces(prefix?: readonly string[]): Promise<string[][]>
  /** Bare table names directly under `namespace`. */
  listTablesInNamespace(namespace: readonly string[]): Promise<string[]>
}

/**
 * A function of a connector that Spark calls on batches of rows (a vectorised UDF served by
 * the Spark bridge), so a pipeline that reads the source itself (Auto Loader) still runs the
 * connector's own parsing code, not a re-implementation.
 */
export interface ColumnFunction {
  /** One line: what it computes. */
  readonly description: string
  /** Argument names, in order. */
  readonly parameters: readonly string[]
  /** The Spark type of the result. */
  readonly returnType: AnySparkNode
  /**
   * One result per row: `columns[a][row]` is argument `a` of row `row` (a string, number,
   * bigint, boolean, `Uint8Array` or null). Results are raw values, converted to `returnType`.
   */
  call(columns: readonly (readonly unknown[])[]): readonly unknown[]
}

/**
 * How a file connector's rows come from file contents, for Spark pipelines that read the
 * files themselves (Auto Loader, then the connector's functions): `lakeflow pack --pipeline`
 * generates that layout for connectors that declare it.
 */
export interface FilePipelineSupport {
  /** Connection options naming the directory, the file-name pattern and recursion. */
  readonly options: { readonly path: string; readonly glob?: string; readonly recursive?: string }
  /** Connection options such a pipeline always has (e.g. `source_type: volume`). */
  readonly fixed?: Readonly<Record<string, string>>
  /**
   * The function (in `functions`) cutting a file into units:
   * `(content: string | binary, file_path: string, options_json: string) → array<string>`.
   */
  readonly split: string
  /**
   * The function turning one unit into rows of every table:
   * `(unit: string, file_path: string, modified_ms: long, unit_index: long, options_json: string,
   * tables_json: string) → map<string, string>`, table name → JSON array of rows.
   */
  readonly parse: string
}

/** A connector package's description of itself: the thing a package exports as `connector`. */
export interface ConnectorDefinition<Options extends TObject = TObject> {
  readonly specificationVersion: SpecificationVersion
  /** Short name, e.g. `github`; the package is `@lakeflow/connector-<name>`. */
  readonly name: string
  /** npm package name. */
  readonly packageName: string
  /** Package version, reported in the User-Agent and run reports. */
  readonly version: string
  /** One line for `lakeflow` listings. */
  readonly description: string
  /** Connection options schema (secrets marked). */
  readonly options: Options
  /**
   * Table option keys the connector understands (upstream `external_options_allowlist`): the
   * union over its tables. A table ignores a key of this list it does not take itself and
   * rejects keys outside it (see `parseTableOptions`).
   */
  readonly tableOptionKeys: readonly string[]
  /** Validates raw options (throwing `InvalidOptionsError`) and creates a connector. */
  create(options: Readonly<Record<string, unknown>>): LakeflowConnector
  /** Functions Spark may call through the bridge, by name. */
  readonly functions?: Readonly<Record<string, ColumnFunction>>
  /** Present on file connectors whose files a Spark pipeline may read itself. */
  readonly files?: FilePipelineSupport
}
