/**
 * `@lakeflow/cli`: the `lakeflow` command. The programmatic entry point runs it with an
 * argument list and returns the exit code (see {@link EXIT}).
 */
export { main, version } from './cli.ts'
export { EXIT, exitCodeOf, UsageError } from './errors.ts'
export type { Output } from './output.ts'
