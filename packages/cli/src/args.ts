import { parseArgs } from 'node:util'
import { UsageError } from './errors.ts'

/** A flag a command accepts. */
export interface FlagSpec {
  readonly type: 'string' | 'boolean'
  readonly multiple?: boolean
  readonly short?: string
}

/** Flags every command accepts. */
export const COMMON_FLAGS: Record<string, FlagSpec> = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
}

/** Connector flags shared by the inspection commands and `sync`. */
export const CONNECTOR_FLAGS: Record<string, FlagSpec> = {
  option: { type: 'string', multiple: true, short: 'o' },
  'table-option': { type: 'string', multiple: true, short: 't' },
  connections: { type: 'string' },
}

/** Parsed arguments of one command. */
export interface ParsedArgs {
  readonly positionals: string[]
  readonly values: Record<string, string | boolean | string[] | undefined>
}

/** Parses a command's arguments strictly: unknown flags and missing values are usage errors. */
export function parseCommandArgs(command: string, argv: string[], flags: Record<string, FlagSpec>): ParsedArgs {
  try {
    const { positionals, values } = parseArgs({
      args: argv,
      options: { ...COMMON_FLAGS, ...flags } as never,
      allowPositionals: true,
      strict: true,
    })
    return { positionals, values: values as ParsedArgs['values'] }
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '')
    throw new UsageError(
      `${command}: ${message.charAt(0).toLowerCase()}${message.slice(1)}; see lakeflow ${command} --help`,
    )
  }
}

/** `key=value` pairs from repeated flags; a pair without `=` is a usage error. */
export function keyValues(flag: string, pairs: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const pair of pairs ?? []) {
    const equals = pair.indexOf('=')
    if (equals <= 0) throw new UsageError(`--${flag} expects key=value, got ${JSON.stringify(pair)}`)
    out[pair.slice(0, equals)] = pair.slice(equals + 1)
  }
  return out
}

/** The accepted range of an integer flag. */
export interface IntegerRange {
  readonly min: number
  readonly max: number
}

/**
 * An integer flag's value: decimal digits only (no `1e3`, `0x10`, `2.0` or sign), within
 * `range`; `fallback` when the flag is absent. Every numeric flag goes through here, so each
 * rejects the same inputs with the same message.
 * @example integerFlag('concurrency', '4', { min: 1, max: 64 }, 3) // 4
 */
export function integerFlag(flag: string, value: string | undefined, range: IntegerRange, fallback: number): number {
  if (value === undefined) return fallback
  const number = /^\d{1,16}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN
  if (!Number.isSafeInteger(number) || number < range.min || number > range.max) {
    throw new UsageError(
      `--${flag} expects a whole number from ${range.min} to ${range.max.toLocaleString('en-US')}, got ${JSON.stringify(value)}`,
    )
  }
  return number
}
