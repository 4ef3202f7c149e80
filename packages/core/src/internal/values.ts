import { excerpt } from '../errors/redact.ts'

/** A plain object (what JSON or YAML parsing gives): not null, an array, a class instance, a Map or a Date. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const prototype = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

/**
 * What kind of value this is, for messages: `nothing` (undefined), `null`, `a string`,
 * `a number`, `a boolean`, `a bigint`, `a list`, `bytes`, `a Date`, `a Map`, `a Promise`,
 * `an object`. Shows nothing of the value itself, so it is safe for any value.
 */
export function describeKind(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (value instanceof Uint8Array) return 'bytes'
  if (value instanceof Date) return 'a Date'
  if (value instanceof Map) return 'a Map'
  if (value instanceof Promise) return 'a Promise'
  const kind = typeof value
  return kind === 'object' ? 'an object' : `a ${kind}`
}

/**
 * A value for messages, as {@link excerpt} writes it (JSON, cut after 60 characters, secrets
 * redacted), or `nothing` when it is missing.
 * @example `expected one of SCD_TYPE_1, SCD_TYPE_2, got ${describeValue('scd3')}` // got "scd3"
 */
export function describeValue(value: unknown): string {
  return value === undefined ? 'nothing' : excerpt(value, 60)
}
