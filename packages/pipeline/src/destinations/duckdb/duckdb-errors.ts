import { hasMarker, LakeflowError } from '@lakeflow/core/errors'

const DESTINATION_ERROR = Symbol.for('lakeflow.error.DestinationError')

/** The destination cannot be opened or written: locked, unwritable, or incompatible. */
export class DestinationError extends LakeflowError {
  readonly [DESTINATION_ERROR] = true
  /** The destination file or directory. */
  readonly location: string

  constructor(location: string, message: string, cause?: unknown) {
    super(message, { category: 'config', cause })
    this.name = 'DestinationError'
    this.location = location
  }

  static override isInstance(value: unknown): value is DestinationError {
    return hasMarker(value, DESTINATION_ERROR)
  }
}

/** Turns DuckDB's open failures into one-line errors that name the problem and the fix. */
export function openFailure(file: string, error: unknown): DestinationError {
  const message = (error as Error).message ?? String(error)
  if (/No space left on device|File too large/i.test(message))
    return destinationFailure(file, error) as DestinationError
  const lock = /Conflicting lock is held in (.*?) \(PID (\d+)\)/.exec(message)
  if (lock || /Could not set lock/.test(message)) {
    const holder = lock ? ` (PID ${lock[2]})` : ''
    return new DestinationError(
      file,
      `Destination ${file} is locked by another process${holder}; wait for that sync to finish, or write to another file with --dest`,
      error,
    )
  }
  if (
    /No such file or directory|Permission denied|Read-only file system|Is a directory|Cannot open file/i.test(message)
  ) {
    const reason = /No such file or directory/.test(message)
      ? 'its directory does not exist'
      : /Is a directory/.test(message)
        ? 'it is a directory'
        : 'it is not writable'
    return new DestinationError(
      file,
      `Cannot open destination ${file}: ${reason}; create the directory or choose another path with --dest`,
      error,
    )
  }
  if (/not a valid DuckDB database file|database file .* is not a valid/i.test(message)) {
    return new DestinationError(
      file,
      `Destination ${file} is not a DuckDB database; choose another path with --dest`,
      error,
    )
  }
  return new DestinationError(file, `Cannot open destination ${file}: ${message.split('\n')[0]}`, error)
}

/**
 * Turns a failure while writing or reading the destination into a {@link DestinationError}
 * naming the path and the fix (a full disk, a damaged file, DuckDB's memory limit). Errors that
 * are not about the destination (a bug in an SQL statement, a record that does not convert)
 * come back unchanged.
 */
export function destinationFailure(file: string, error: unknown): unknown {
  if (DestinationError.isInstance(error) || !(error instanceof Error)) return error
  const message = error.message
  const code = (error as NodeJS.ErrnoException).code
  const where = /"([^"]+)"/.exec(message)?.[1] ?? (error as NodeJS.ErrnoException).path ?? file
  if (code === 'ENOSPC' || /No space left on device/i.test(message)) {
    return new DestinationError(
      file,
      `The disk is full: no space left on device writing ${where} (destination ${file}); free space or choose another path with --dest. Committed batches are kept`,
      error,
    )
  }
  if (code === 'EFBIG' || /File too large/i.test(message)) {
    return new DestinationError(
      file,
      `File too large: ${where} reached the largest file size allowed (destination ${file}); raise the limit (ulimit -f) or choose another path with --dest. Committed batches are kept`,
      error,
    )
  }
  if (/^Out of Memory Error/i.test(message)) {
    return new DestinationError(
      file,
      `Destination ${file}: DuckDB ran out of memory (${message.split('\n')[0]!.replace(/^Out of Memory Error: /, '')}); raise --memory-limit`,
      error,
    )
  }
  if (/^IO Error/.test(message) || code === 'EIO' || code === 'EACCES' || code === 'EROFS') {
    return new DestinationError(
      file,
      `Cannot use destination ${file}: ${message.split('\n')[0]}; check the file and its disk, or choose another path with --dest`,
      error,
    )
  }
  return error
}

const RECORD_TOO_LARGE = Symbol.for('lakeflow.error.RecordTooLargeError')

/** A record too large to stage: its table fails, naming the record's key and size. */
export class RecordTooLargeError extends LakeflowError {
  readonly [RECORD_TOO_LARGE] = true
  readonly table: string
  /** The record's primary key, as `id=7` (or its position for keyless tables). */
  readonly key: string
  /** Its size as staged JSON, in bytes. */
  readonly bytes: number

  constructor(table: string, key: string, bytes: number, limit: number) {
    const mib = (value: number) => (value / 2 ** 20).toFixed(1)
    super(
      `Table ${table}: the record with ${key} is ${mib(bytes)} MiB as JSON, more than the ${mib(limit)} MiB a record may have; exclude the field that holds it from the table's schema or configuration`,
      { category: 'schema' },
    )
    this.name = 'RecordTooLargeError'
    this.table = table
    this.key = key
    this.bytes = bytes
  }

  static override isInstance(value: unknown): value is RecordTooLargeError {
    return hasMarker(value, RECORD_TOO_LARGE)
  }
}
