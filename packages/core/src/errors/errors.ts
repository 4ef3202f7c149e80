import { summarizeErrorBody } from './error-body.ts'
import { type ErrorCategory, hasMarker, LakeflowError, type LakeflowErrorOptions } from './lakeflow-error.ts'
import { excerpt, redact, redactUrl } from './redact.ts'

const API_CALL_ERROR = Symbol.for('lakeflow.error.ApiCallError')
const INVALID_OPTIONS_ERROR = Symbol.for('lakeflow.error.InvalidOptionsError')
const UNKNOWN_TABLE_ERROR = Symbol.for('lakeflow.error.UnknownTableError')
const SCHEMA_CONVERSION_ERROR = Symbol.for('lakeflow.error.SchemaConversionError')
const SPEC_VERSION_ERROR = Symbol.for('lakeflow.error.SpecVersionError')
const UNSUPPORTED_OPERATION_ERROR = Symbol.for('lakeflow.error.UnsupportedOperationError')
const INVALID_OFFSET_ERROR = Symbol.for('lakeflow.error.InvalidOffsetError')
const STREAM_ERROR = Symbol.for('lakeflow.error.StreamError')
const INVALID_DOCUMENT_ERROR = Symbol.for('lakeflow.error.InvalidDocumentError')
const DATA_FORMAT_ERROR = Symbol.for('lakeflow.error.DataFormatError')
const INVALID_RESPONSE_ERROR = Symbol.for('lakeflow.error.InvalidResponseError')

/** What {@link ApiCallError} carries. */
export interface ApiCallErrorDetails {
  /** Request URL; stored redacted. */
  url: string
  /** HTTP method, upper case. */
  method: string
  /** Response status; undefined when no response arrived (network error, timeout). */
  status?: number
  /**
   * The response body as received (or its start). The error keeps only its error-shaped
   * fields in `bodyExcerpt` and the message; the body itself, redacted, goes to the
   * non-enumerable `responseBody`, for debug logging.
   */
  body?: string
  /** @deprecated the same as `body` (a body or its start); summarised the same way. */
  bodyExcerpt?: string
  /** Whether retrying the same request may succeed. */
  isRetryable: boolean
  /** Attempts made before giving up. */
  attempts?: number
  /** The underlying failure; kept only as redacted `{ name, message, code }`. */
  cause?: unknown
  /** Overrides the category derived from the status. */
  category?: ErrorCategory
}

function categoryOfStatus(status: number | undefined, isRetryable: boolean): ErrorCategory {
  if (status === 401 || status === 403) return isRetryable ? 'transient' : 'auth'
  if (isRetryable) return 'transient'
  if (status !== undefined && status >= 400 && status < 500) return 'config'
  return 'source'
}

/** A call to a source API failed: an error status, a network error, a timeout or an unusable body. */
export class ApiCallError extends LakeflowError {
  readonly [API_CALL_ERROR] = true
  /** The request URL, redacted (secret query values and credentials hidden). */
  readonly url: string
  /** HTTP method, upper case. */
  readonly method: string
  /** Response status; `undefined` when no response arrived (network error, timeout). */
  readonly status: number | undefined
  /**
   * What the response body says about the error: only its error-shaped fields (`message`,
   * `error`, `error_description`, `errors[].message`, `detail`, `title`, ...), each
   * truncated, never the rest of the body, which may hold record data. `undefined` when the
   * body had none. Redacted.
   */
  readonly bodyExcerpt: string | undefined
  /**
   * The response body itself (its first 4 KiB, secrets redacted), for debug logging only:
   * it may hold record data, so it is not enumerable (absent from `JSON.stringify` and
   * `toJSON`) and never part of the message.
   */
  declare readonly responseBody: string | undefined
  /** Whether the same request may succeed later (a 503, a timeout), whatever the retry policy did. */
  readonly isRetryable: boolean
  /** Requests made before giving up, retries and a credential refresh included. */
  readonly attempts: number | undefined

  constructor(message: string, details: ApiCallErrorDetails) {
    const url = redactUrl(details.url)
    const where = `${details.method} ${url}`
    const status = details.status === undefined ? '' : ` (HTTP ${details.status})`
    const attempts = details.attempts && details.attempts > 1 ? ` after ${details.attempts} attempts` : ''
    const rawBody = details.body ?? details.bodyExcerpt
    const responseBody = rawBody === undefined || rawBody === '' ? undefined : redact(rawBody.slice(0, BODY_CHARS))
    const summary = responseBody === undefined ? undefined : summarizeErrorBody(responseBody)
    const body =
      summary !== undefined
        ? `; response body: ${summary}`
        : responseBody !== undefined
          ? `; response body withheld (${rawBody!.length} characters, no error fields)`
          : ''
    super(`${message}${status}${attempts}: ${where}${body}`, {
      cause: details.cause,
      category: details.category ?? categoryOfStatus(details.status, details.isRetryable),
    })
    this.name = 'ApiCallError'
    this.url = url
    this.method = details.method
    this.status = details.status
    this.bodyExcerpt = summary
    Object.defineProperty(this, 'responseBody', { value: responseBody, enumerable: false })
    this.isRetryable = details.isRetryable
    this.attempts = details.attempts
  }

  static override isInstance(value: unknown): value is ApiCallError {
    return hasMarker(value, API_CALL_ERROR)
  }
}

/** How much of a response body an error keeps for debug logging. */
const BODY_CHARS = 4096

/** Connector or table options are missing or invalid. Names the key, what was expected and what arrived. */
export class InvalidOptionsError extends LakeflowError {
  readonly [INVALID_OPTIONS_ERROR] = true
  /** The offending option key (a path such as `retry.limit` for nested options). */
  readonly key: string
  /** Where the options came from, e.g. `connector github` or `table issues`. */
  readonly where: string

  constructor(details: { key: string; where: string; problem: string; cause?: unknown }) {
    super(`Invalid option "${details.key}" for ${details.where}: ${details.problem}`, {
      category: 'config',
      cause: details.cause,
    })
    this.name = 'InvalidOptionsError'
    this.key = details.key
    this.where = details.where
  }

  static override isInstance(value: unknown): value is InvalidOptionsError {
    return hasMarker(value, INVALID_OPTIONS_ERROR)
  }
}

/** A method was called with a table name the connector does not have. */
export class UnknownTableError extends LakeflowError {
  readonly [UNKNOWN_TABLE_ERROR] = true
  readonly tableName: string
  readonly knownTables: readonly string[]

  constructor(tableName: string, knownTables: readonly string[], connectorName?: string) {
    const owner = connectorName ? `Connector "${connectorName}" has no table` : 'No table'
    super(`${owner} named ${JSON.stringify(tableName)}; known tables: ${knownTables.join(', ') || '(none)'}`, {
      category: 'config',
    })
    this.name = 'UnknownTableError'
    this.tableName = tableName
    this.knownTables = [...knownTables]
  }

  static override isInstance(value: unknown): value is UnknownTableError {
    return hasMarker(value, UNKNOWN_TABLE_ERROR)
  }
}

/** A record value does not fit the table's schema. Names table, field path and the (truncated) value. */
export class SchemaConversionError extends LakeflowError {
  readonly [SCHEMA_CONVERSION_ERROR] = true
  readonly table: string
  /** Field path such as `user.login` or `labels[2].name`. */
  readonly path: string
  /** The Spark type expected at that path, e.g. `bigint` or `timestamp`. */
  readonly expected: string
  /** Truncated, redacted text form of the offending value. */
  readonly value: string

  constructor(details: { table: string; path: string; expected: string; value: unknown; reason?: string }) {
    const value = excerpt(details.value, 120)
    const reason = details.reason ? ` (${details.reason})` : ''
    super(
      `Cannot convert field "${details.path || '<record>'}" of table "${details.table}": expected ${details.expected}, got ${value}${reason}`,
      { category: 'schema' },
    )
    this.name = 'SchemaConversionError'
    this.table = details.table
    this.path = details.path
    this.expected = details.expected
    this.value = value
  }

  static override isInstance(value: unknown): value is SchemaConversionError {
    return hasMarker(value, SCHEMA_CONVERSION_ERROR)
  }
}

/** A connector implements a specification version this framework does not support. */
export class SpecVersionError extends LakeflowError {
  readonly [SPEC_VERSION_ERROR] = true
  readonly connector: string
  readonly actual: unknown
  readonly supported: readonly string[]

  constructor(connector: string, actual: unknown, supported: readonly string[]) {
    super(
      `Connector "${connector}" implements specification version ${JSON.stringify(actual)}, but this framework supports ${supported.map((version) => JSON.stringify(version)).join(', ')}; upgrade @lakeflow/core and the runner, or install a connector release built for them`,
      { category: 'config' },
    )
    this.name = 'SpecVersionError'
    this.connector = connector
    this.actual = actual
    this.supported = [...supported]
  }

  static override isInstance(value: unknown): value is SpecVersionError {
    return hasMarker(value, SPEC_VERSION_ERROR)
  }
}

/** An optional capability (deletes, partitions, namespaces) was used on a connector or table without it. */
export class UnsupportedOperationError extends LakeflowError {
  readonly [UNSUPPORTED_OPERATION_ERROR] = true
  readonly operation: string

  constructor(operation: string, message: string, options: LakeflowErrorOptions = {}) {
    super(message, { category: 'config', ...options })
    this.name = 'UnsupportedOperationError'
    this.operation = operation
  }

  static override isInstance(value: unknown): value is UnsupportedOperationError {
    return hasMarker(value, UNSUPPORTED_OPERATION_ERROR)
  }
}

/** An offset handed to a connector is not one it can resume from. */
export class InvalidOffsetError extends LakeflowError {
  readonly [INVALID_OFFSET_ERROR] = true
  readonly table: string
  /** The offending key (a dotted path), when one key is at fault. */
  readonly key: string | undefined

  constructor(table: string, problem: string, offset: unknown, key?: string) {
    super(`Invalid offset for table "${table}": ${problem}; got ${excerpt(offset)}`, { category: 'config' })
    this.name = 'InvalidOffsetError'
    this.table = table
    this.key = key
  }

  static override isInstance(value: unknown): value is InvalidOffsetError {
    return hasMarker(value, INVALID_OFFSET_ERROR)
  }
}

/** What went wrong reading an event stream (Kafka, Event Hubs, Kinesis). */
export type StreamProblem =
  | 'unreachable'
  | 'auth'
  | 'unknown-stream'
  | 'deleted-stream'
  | 'offset-out-of-range'
  | 'undecodable'
  | 'throttled'

const STREAM_PROBLEM_CATEGORY: Readonly<Record<StreamProblem, ErrorCategory>> = {
  unreachable: 'transient',
  auth: 'auth',
  'unknown-stream': 'config',
  'deleted-stream': 'source',
  'offset-out-of-range': 'source',
  undecodable: 'schema',
  throttled: 'transient',
}

/** Where in a stream an error happened: the stream (topic), partition (shard) and position. */
export interface StreamErrorDetails {
  problem: StreamProblem
  /** The topic or stream name. */
  stream: string
  /** The partition or shard, when one is concerned. */
  partition?: string | number
  /** The offset or sequence number, when one is concerned. */
  position?: string | number
  cause?: unknown
}

/**
 * An event stream could not be read: the broker is unreachable, credentials were refused,
 * the topic does not exist (or was deleted), the committed position is gone (retention
 * passed) or a message does not decode. The committed offset is never moved past it.
 */
export class StreamError extends LakeflowError {
  readonly [STREAM_ERROR] = true
  readonly problem: StreamProblem
  readonly stream: string
  readonly partition: string | number | undefined
  readonly position: string | number | undefined

  constructor(message: string, details: StreamErrorDetails) {
    const where = [
      `stream "${details.stream}"`,
      details.partition === undefined ? '' : `partition ${details.partition}`,
      details.position === undefined ? '' : `position ${details.position}`,
    ]
      .filter(Boolean)
      .join(', ')
    super(`${message} (${where})`, { category: STREAM_PROBLEM_CATEGORY[details.problem], cause: details.cause })
    this.name = 'StreamError'
    this.problem = details.problem
    this.stream = details.stream
    this.partition = details.partition
    this.position = details.position
  }

  static override isInstance(value: unknown): value is StreamError {
    return hasMarker(value, STREAM_ERROR)
  }
}

/** One problem of an {@link InvalidDocumentError}: the key path inside the document and what is wrong. */
export interface DocumentProblem {
  /** Key path such as `endpoints[3].params.since.op`; `''` is the document itself. */
  readonly path: string
  /** What was expected and what arrived. */
  readonly message: string
}

/**
 * A document (a spec or connections file, a response body checked against a schema) does not
 * fit its schema. The message names the document, then each problem on its own line with
 * its key path; `problems` has them as data.
 */
export class InvalidDocumentError extends LakeflowError {
  readonly [INVALID_DOCUMENT_ERROR] = true
  /** What was checked, e.g. a file path or `pipeline spec`. */
  readonly document: string
  readonly problems: readonly DocumentProblem[]

  constructor(document: string, problems: readonly DocumentProblem[], options: LakeflowErrorOptions = {}) {
    const lines = problems.map((problem) => `${document}: ${problem.path ? `${problem.path}: ` : ''}${problem.message}`)
    const heading = problems.length === 1 ? '' : `${document}: ${problems.length} problems\n`
    super(`${heading}${lines.join('\n')}`, { category: 'config', ...options })
    this.name = 'InvalidDocumentError'
    this.document = document
    this.problems = problems.map((problem) => ({ path: problem.path, message: problem.message }))
  }

  static override isInstance(value: unknown): value is InvalidDocumentError {
    return hasMarker(value, INVALID_DOCUMENT_ERROR)
  }
}

/** A data format the streaming decoders read. */
export type DataFormat = 'ndjson' | 'csv' | 'gzip' | 'zip' | 'json'

/**
 * Bytes that do not decode as the format they claim: a bad NDJSON line, a CSV row with the
 * wrong number of fields, a corrupt gzip stream, a ZIP entry that cannot be streamed.
 * Names the format and where (`line 12`, `row 3`, `entry orders.csv`), with a short
 * redacted excerpt of the offending text.
 */
export class DataFormatError extends LakeflowError {
  readonly [DATA_FORMAT_ERROR] = true
  readonly format: DataFormat
  /** Where in the data, e.g. `line 12` or `entry orders.csv, line 3`. */
  readonly location: string

  constructor(format: DataFormat, location: string, problem: string, options: LakeflowErrorOptions = {}) {
    super(`Malformed ${format.toUpperCase()} at ${location}: ${problem}`, { category: 'source', ...options })
    this.name = 'DataFormatError'
    this.format = format
    this.location = location
  }

  static override isInstance(value: unknown): value is DataFormatError {
    return hasMarker(value, DATA_FORMAT_ERROR)
  }
}

/** Shown in an {@link InvalidResponseError}'s message; the rest are in `problems`. */
const SHOWN_PROBLEMS = 5

/**
 * A response body (or a streamed record) does not match the schema the caller asked it to
 * be checked against. Names each JSON path with what was expected and what arrived
 * (redacted), the request (method, redacted URL, status) and, for streams, the record.
 * Not retryable: the same request returns the same body. Category `source`.
 */
export class InvalidResponseError extends ApiCallError {
  readonly [INVALID_RESPONSE_ERROR] = true
  /** Every mismatch, with its JSON path inside the body (or record). */
  readonly problems: readonly DocumentProblem[]

  constructor(
    details: Omit<ApiCallErrorDetails, 'isRetryable' | 'category'> & {
      problems: readonly DocumentProblem[]
      /** For a streamed body: which record, e.g. `record 12`. */
      record?: string
    },
  ) {
    const shown = details.problems
      .slice(0, SHOWN_PROBLEMS)
      .map((problem) => `${problem.path || '(the body)'}: ${problem.message}`)
    const more =
      details.problems.length > SHOWN_PROBLEMS ? `; and ${details.problems.length - SHOWN_PROBLEMS} more` : ''
    const subject = details.record ? `Response ${details.record}` : 'Response body'
    super(`${subject} does not match the expected schema (${shown.join('; ')}${more})`, {
      ...details,
      isRetryable: false,
      category: 'source',
    })
    this.name = 'InvalidResponseError'
    this.problems = details.problems.map((problem) => ({ path: problem.path, message: problem.message }))
  }

  static override isInstance(value: unknown): value is InvalidResponseError {
    return hasMarker(value, INVALID_RESPONSE_ERROR)
  }
}
