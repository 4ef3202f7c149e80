import type { ErrorCategory } from '@lakeflow/core/errors'

/**
 * The bridge protocol spoken between the Python data source and a Node process, version 1.
 *
 * Requests: JSON, one per line on the Node process's stdin:
 * `{"v":1,"id":7,"method":"read","params":{...}}`.
 *
 * Responses: frames on stdout, each a 9-byte header — kind (1 byte: `J` JSON, `A` Arrow),
 * request id (uint32 LE), payload length (uint32 LE) — then the payload. A `J` payload is
 * a UTF-8 JSON {@link ResponseMessage}; an `A` payload is one record batch as a complete
 * Arrow IPC stream. A call gets exactly one terminal `J` frame (`result`, `end` or
 * `error`); a `read` sends its `A` frames before its `end`.
 *
 * Versioning: the first call is `hello`; the client refuses a server whose `protocol`
 * differs from its own. New optional params and result fields do not bump the version.
 */
export const PROTOCOL_VERSION = 1

/** Frame kinds. */
export const FRAME_JSON = 0x4a // 'J'
export const FRAME_ARROW = 0x41 // 'A'
/** Bytes in a frame header. */
export const FRAME_HEADER_BYTES = 9

/** Raw Spark options as the data source received them (keys may be lower-cased by Spark). */
export type RawOptions = Readonly<Record<string, string>>

/** Fields every table-level call carries. */
export interface TableCall {
  /** Every option of the data source: connection options, table options and framework keys. */
  options: RawOptions
  /** Connector instance key: calls with the same key share one connector (and its init-time cap). */
  instance?: string
  tableName: string
}

/** An offset on the wire: a JSON object of primitives, or null (batch reads). */
export type WireOffset = Record<string, string | number | boolean | null> | null

/** Every request, by method. */
export interface RequestParams {
  /** Handshake: returns {@link HelloResult}. */
  hello: Record<string, never>
  /** `listTables()` → `string[]`. */
  listTables: { options: RawOptions; instance?: string }
  /** What the connector implements → {@link Capabilities}. */
  capabilities: { options: RawOptions; instance?: string }
  /** Schema and capabilities of a table → {@link DescribeResult}. */
  describe: TableCall
  /**
   * `readTableMetadata` → the metadata object. `tableOptions`, when given, replaces the
   * table options derived from `options` (the metadata virtual table passes per-table configs).
   */
  readTableMetadata: TableCall & { tableOptions?: RawOptions }
  /** `getPartitions(table, options, start?, end?)` → partition descriptors. */
  getPartitions: TableCall & { start?: WireOffset; end?: WireOffset; streaming?: boolean }
  /** `latestOffset(table, options, start)` → offset. */
  latestOffset: TableCall & { start: WireOffset }
  /** `listNamespaces(prefix)` → `string[][]` (empty for flat connectors). */
  listNamespaces: { options: RawOptions; instance?: string; prefix?: string[] | null }
  /** `listTablesInNamespace(namespace)` → `string[]`. */
  listTablesInNamespace: { options: RawOptions; instance?: string; namespace: string[] }
  /**
   * Reads a table (`kind: table`), its deletes (`deletes`) or one partition (`partition`):
   * Arrow frames, then an `end` with {@link ReadEnd}.
   */
  read: TableCall & {
    kind: 'table' | 'deletes' | 'partition'
    start?: WireOffset
    partition?: Record<string, string | number | boolean | null>
    /** Rows per Arrow batch. */
    batchRows?: number
  }
  /**
   * Runs a connector column function (a Spark UDF) on one batch: `batch` is an Arrow IPC
   * stream of the arguments, base64. Answered by one Arrow frame (a single column `value`)
   * and a `result` of {@link CallResult}.
   */
  call: { function: string; batch: string }
  /** Cancels a running read (by its request id); the read ends with `cancelled: true`. */
  cancel: { id: number }
  /** Closes connectors and exits. */
  shutdown: Record<string, never>
}

/** A method name. */
export type Method = keyof RequestParams

/** A request line. */
export interface RequestMessage<M extends Method = Method> {
  v: number
  id: number
  method: M
  params: RequestParams[M]
}

/** `hello` result. */
export interface HelloResult {
  protocol: number
  bridgeVersion: string
  node: string
  connector: { name: string; packageName: string; version: string }
}

/** `capabilities` result: the optional parts of the interface a connector implements. */
export interface Capabilities {
  /** `getPartitions`/`readPartition`. */
  partitions: boolean
  /** `latestOffset`/`isPartitioned` as well (partitioned streams). */
  partitionedStream: boolean
  /** `readTableDeletes`. */
  deletes: boolean
  /** `listNamespaces`/`listTablesInNamespace`. */
  namespaces: boolean
}

/** `describe` result. */
export interface DescribeResult extends Capabilities {
  /** The table schema as Spark JSON (`StructType.fromJson` input), from core's `toSparkJson`. */
  schema: string
  /** For this table: partitioned streams apply (`isPartitioned(table)` is true). */
  partitionedStream: boolean
}

/** The `result` of a `call`. */
export interface CallResult {
  rows: number
}

/** The `end` of a read. */
export interface ReadEnd {
  /** The end offset the read returned (null for partitions and snapshot batch reads). */
  offset: WireOffset
  rows: number
  batches: number
  cancelled?: boolean
}

/** A typed error on the wire. */
export interface WireError {
  /** Error class name, e.g. `ApiCallError`. */
  name: string
  category: ErrorCategory
  message: string
  /** Whether retrying may succeed (from `ApiCallError.isRetryable`). */
  retryable?: boolean
  /** HTTP status for API errors. */
  status?: number
  stack?: string
}

/** A JSON frame's payload. */
export type ResponseMessage =
  | { id: number; type: 'result'; result: unknown }
  | { id: number; type: 'end'; result: ReadEnd }
  | { id: number; type: 'error'; error: WireError }
