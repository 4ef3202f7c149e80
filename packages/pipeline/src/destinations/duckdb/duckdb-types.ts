import {
  blobValue,
  type DuckDBValue,
  dateValue,
  decimalValue,
  listValue,
  mapValue,
  structValue,
  timestampTZValue,
  timestampValue,
} from '@duckdb/node-api'
import type { AnySparkNode, SparkArray, SparkDecimal, SparkMap, SparkStruct } from '@lakeflow/core/schema'

/** Quotes an SQL identifier for DuckDB. */
export function quoteId(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

const SIMPLE: Record<string, string> = {
  string: 'VARCHAR',
  long: 'BIGINT',
  integer: 'INTEGER',
  short: 'SMALLINT',
  byte: 'TINYINT',
  double: 'DOUBLE',
  float: 'FLOAT',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMPTZ',
  timestamp_ntz: 'TIMESTAMP',
  binary: 'BLOB',
  variant: 'JSON',
}

/**
 * The DuckDB column type for a Spark type: struct → STRUCT, array → LIST (`T[]`), map → MAP,
 * decimal(p,s) → DECIMAL(p,s), timestamp → TIMESTAMPTZ, timestamp_ntz → TIMESTAMP,
 * binary → BLOB, variant → JSON, long → BIGINT (Spark's long is 64-bit, so no HUGEINT is needed).
 */
export function duckDbType(type: AnySparkNode): string {
  switch (type['x-spark']) {
    case 'decimal': {
      const decimal = type as SparkDecimal
      return `DECIMAL(${decimal.precision},${decimal.scale})`
    }
    case 'array':
      return `${duckDbType((type as SparkArray).element)}[]`
    case 'map': {
      const map = type as SparkMap
      return `MAP(${duckDbType(map.key)}, ${duckDbType(map.value)})`
    }
    case 'struct': {
      const fields = Object.entries((type as SparkStruct).fields)
      if (fields.length === 0) return 'JSON'
      return `STRUCT(${fields.map(([name, field]) => `${quoteId(name)} ${duckDbType(field)}`).join(', ')})`
    }
    default: {
      const simple = SIMPLE[type['x-spark']]
      if (simple === undefined) throw new TypeError(`No DuckDB type for Spark type ${type['x-spark']}`)
      return simple
    }
  }
}

/** Converts one converted value (see core's converter contract) to what the DuckDB appender takes. */
export type ValueWriter = (value: unknown) => DuckDBValue

function toBigInt(value: unknown): bigint {
  return typeof value === 'bigint' ? value : BigInt(Math.trunc(value as number))
}

/** `"-12.5"` at scale 2 → `-1250n`. Exact: the converter already applied the scale. */
export function decimalToScaledBigInt(text: string, scale: number): bigint {
  const negative = text.startsWith('-')
  const body = negative || text.startsWith('+') ? text.slice(1) : text
  const [whole = '0', fraction = ''] = body.split('.')
  const digits = `${whole}${fraction.padEnd(scale, '0').slice(0, scale)}`
  const scaled = BigInt(digits === '' ? '0' : digits)
  return negative ? -scaled : scaled
}

function jsonText(value: unknown): string {
  return JSON.stringify(value, (_key, inner) => {
    if (typeof inner === 'bigint') return inner.toString()
    if (inner instanceof Map) return Object.fromEntries(inner)
    if (inner instanceof Uint8Array) return Buffer.from(inner).toString('base64')
    return inner
  })
}

/** Compiles a writer for values of `type`. Nulls pass through at every level. */
export function compileValueWriter(type: AnySparkNode): ValueWriter {
  const write = compileNonNull(type)
  return (value) => (value === null || value === undefined ? null : write(value))
}

function compileNonNull(type: AnySparkNode): ValueWriter {
  switch (type['x-spark']) {
    case 'string':
      return (value) => (typeof value === 'string' ? value : String(value))
    case 'long':
      return toBigInt
    case 'integer':
    case 'short':
    case 'byte':
    case 'double':
    case 'float':
      return (value) => Number(value)
    case 'boolean':
      return (value) => Boolean(value)
    case 'decimal': {
      const { precision, scale } = type as SparkDecimal
      return (value) => decimalValue(decimalToScaledBigInt(String(value), scale), precision, scale)
    }
    case 'date':
      return (value) => dateValue(value as number)
    case 'timestamp':
      return (value) => timestampTZValue(toBigInt(value))
    case 'timestamp_ntz':
      return (value) => timestampValue(toBigInt(value))
    case 'binary':
      return (value) => blobValue(value as Uint8Array)
    case 'variant':
      return jsonText
    case 'array': {
      const element = compileValueWriter((type as SparkArray).element)
      return (value) => listValue((value as unknown[]).map(element))
    }
    case 'map': {
      const map = type as SparkMap
      const key = compileValueWriter(map.key)
      const item = compileValueWriter(map.value)
      return (value) => {
        const entries = value instanceof Map ? [...value] : Object.entries(value as object)
        return mapValue(entries.map(([entryKey, entryValue]) => ({ key: key(entryKey), value: item(entryValue) })))
      }
    }
    case 'struct': {
      const fields = Object.entries((type as SparkStruct).fields).map(
        ([name, field]) => [name, compileValueWriter(field)] as const,
      )
      if (fields.length === 0) return jsonText
      return (value) => {
        const record = value as Record<string, unknown>
        const out: Record<string, DuckDBValue> = {}
        for (const [name, write] of fields) out[name] = write(record[name])
        return structValue(out)
      }
    }
    default:
      throw new TypeError(`No DuckDB writer for Spark type ${type['x-spark']}`)
  }
}
