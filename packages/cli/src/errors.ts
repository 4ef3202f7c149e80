import { ApiCallError, hasMarker, InvalidOptionsError, LakeflowError, redact } from '@lakeflow/core/errors'
import { DestinationError } from '@lakeflow/pipeline'

const USAGE_ERROR = Symbol.for('lakeflow.error.UsageError')

/**
 * Exit codes of `lakeflow`:
 * - 0: success
 * - 1: the run finished but at least one table failed (see the report)
 * - 2: usage or configuration error (bad flags, malformed spec or connections file, unknown
 *   connector or table, missing or invalid option)
 * - 3: the source could not be reached, or rejected the request, before any table ran
 * - 4: the destination cannot be used (locked by another process, unwritable, not DuckDB)
 * - 70: an internal error (a bug: please report it)
 * - 130: interrupted (Ctrl-C); committed batches are kept, the open one is rolled back
 */
export const EXIT = {
  ok: 0,
  tableFailed: 1,
  usage: 2,
  source: 3,
  destination: 4,
  internal: 70,
  interrupted: 130,
} as const

/** A bad command line: unknown command or flag, missing argument. */
export class UsageError extends LakeflowError {
  readonly [USAGE_ERROR] = true
  constructor(message: string) {
    super(message, { category: 'config' })
    this.name = 'UsageError'
  }

  static override isInstance(value: unknown): value is UsageError {
    return hasMarker(value, USAGE_ERROR)
  }
}

/** The exit code for an error that ended a command. */
export function exitCodeOf(error: unknown): number {
  if (DestinationError.isInstance(error)) return EXIT.destination
  if (ApiCallError.isInstance(error)) return error.category === 'config' ? EXIT.usage : EXIT.source
  if (InvalidOptionsError.isInstance(error)) return EXIT.usage
  if (LakeflowError.isInstance(error)) {
    if (error.category === 'config' || error.category === 'schema') return EXIT.usage
    if (error.category === 'auth' || error.category === 'transient' || error.category === 'source') return EXIT.source
  }
  return EXIT.internal
}

/** One line: `lakeflow: <message>` (redacted, first line only). */
export function errorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const first = redact(message).split('\n')[0] ?? ''
  return `lakeflow: ${first}`
}
