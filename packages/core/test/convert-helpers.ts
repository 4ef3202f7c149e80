import { convertRecord } from '../src/convert/index.ts'
import { SchemaConversionError } from '../src/errors/index.ts'
import { type AnySparkNode, Spark } from '../src/schema/index.ts'

/** One row of a rule table: `expected` for a converted value, `error` (a reason fragment) for a failure. */
export interface RuleCase {
  /** The upstream rule (spec §2.4) the case exercises, or `deviation: …` for a documented difference. */
  rule: string
  type: AnySparkNode
  input: unknown
  expected?: unknown
  error?: string
}

const schemas = new WeakMap<AnySparkNode, ReturnType<typeof tableOf>>()

function tableOf(type: AnySparkNode) {
  return Spark.table({ value: type, other: Spark.long() })
}

/** Converts one value through a one-column table (the `other` key keeps the record non-empty). */
export function convertValue(type: AnySparkNode, input: unknown): unknown {
  let schema = schemas.get(type)
  if (schema === undefined) {
    schema = tableOf(type)
    schemas.set(type, schema)
  }
  const record = input === undefined ? { other: 1 } : { value: input, other: 1 }
  return convertRecord(schema, record, 'rules').value
}

/** Runs `run` and returns the SchemaConversionError it throws; fails if it throws nothing or something else. */
export function conversionFailure(run: () => unknown): SchemaConversionError {
  let result: unknown
  try {
    result = run()
  } catch (error) {
    if (SchemaConversionError.isInstance(error)) return error
    throw error
  }
  throw new Error(`expected a SchemaConversionError, but the conversion returned ${String(result)}`)
}

/** A readable label for a case's input in test names. */
export function label(value: unknown): string {
  if (value === undefined) return 'absent'
  if (value instanceof Uint8Array) return `bytes(${value.length})`
  if (value instanceof Date) return `Date(${value.toISOString()})`
  if (typeof value === 'bigint') return `${value}n`
  const text = typeof value === 'number' && !Number.isFinite(value) ? String(value) : JSON.stringify(value)
  return text.length > 40 ? `${text.slice(0, 40)}…` : text
}

/** Microseconds since the epoch of a UTC date-time. */
export function utcMicros(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  return Date.UTC(year, month - 1, day, hour, minute, second) * 1000
}

/** Days since 1970-01-01 of a date. */
export function days(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / 86_400_000
}
