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

/** Strings longer than this are cut in {@link describeValue}. */
const SHOWN_TEXT = 60

/**
 * A value for messages: strings quoted (cut after 60 characters), numbers, booleans and
 * bigints as written (`42`, `true`, `5n`), anything else by its kind ({@link describeKind}).
 * @example `expected one of SCD_TYPE_1, SCD_TYPE_2, got ${describeValue('scd3')}` // got "scd3"
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > SHOWN_TEXT ? `${value.slice(0, SHOWN_TEXT)}…` : value)
    case 'number':
    case 'boolean':
      return String(value)
    case 'bigint':
      return `${value}n`
    default:
      return describeKind(value)
  }
}
