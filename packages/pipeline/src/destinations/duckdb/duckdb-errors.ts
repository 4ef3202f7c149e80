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
