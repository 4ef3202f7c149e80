import { ApiCallError, hasMarker, InvalidOptionsError, LakeflowError, redact } from '@lakeflow/core/errors'
import { DestinationError, type RunReport } from '@lakeflow/pipeline'

const USAGE_ERROR = Symbol.for('lakeflow.error.UsageError')

/**
 * Exit codes of `lakeflow`:
 * - 0: success (warnings, such as a read stopped at `--max-calls`, are in the report; the next
 *   sync continues from there)
 * - 1: the run finished but at least one table failed (see the report)
 * - 2: usage or configuration error (bad flags, malformed spec or connections file, unknown
 *   connector, table or pipeline, missing or invalid option; also when every table of a run
 *   failed on its configuration)
 * - 3: the source could not be reached, or refused: every table failed reading it
 * - 4: the destination cannot be used (locked, unwritable, full, damaged, not DuckDB, or a
 *   table changed outside lakeflow)
 * - 70: an internal error (a bug: please report it)
 * - 130: interrupted (Ctrl-C), 143: terminated (SIGTERM); committed batches are kept, the open
 *   one is rolled back
 */
export const EXIT = {
  ok: 0,
  tableFailed: 1,
  usage: 2,
  source: 3,
  destination: 4,
  internal: 70,
  interrupted: 130,
  terminated: 143,
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

/** Error categories that mean the source failed (unreachable, refusing, or answering nonsense). */
const SOURCE_CATEGORIES: readonly string[] = ['auth', 'transient', 'source']

/** The exit code for an error that ended a command. */
export function exitCodeOf(error: unknown): number {
  if (DestinationError.isInstance(error)) return EXIT.destination
  if (ApiCallError.isInstance(error)) return error.category === 'config' ? EXIT.usage : EXIT.source
  if (InvalidOptionsError.isInstance(error)) return EXIT.usage
  if (LakeflowError.isInstance(error)) {
    if (error.category === 'config' || error.category === 'schema') return EXIT.usage
    if (SOURCE_CATEGORIES.includes(error.category)) return EXIT.source
  }
  return EXIT.internal
}

/**
 * The exit code of a finished run: 0 when every table succeeded; 4 when a table failed because
 * of the destination; when every table failed, 3 if each failed reading the source and 2 if each
 * failed on its configuration; 1 otherwise.
 */
export function exitCodeOfRun(report: RunReport): number {
  const failed = report.tables.filter((table) => table.status === 'failed')
  if (failed.length === 0) return EXIT.ok
  if (failed.some((table) => table.error?.name === 'DestinationError')) return EXIT.destination
  if (failed.length < report.tables.length) return EXIT.tableFailed
  const categories = failed.map((table) => table.error?.category ?? 'internal')
  if (categories.every((category) => SOURCE_CATEGORIES.includes(category))) return EXIT.source
  return categories.every((category) => category === 'config') ? EXIT.usage : EXIT.tableFailed
}

/** One line: `lakeflow: <message>` (redacted, first line only). */
export function errorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const first = redact(message).split('\n')[0] ?? ''
  return `lakeflow: ${first}`
}
