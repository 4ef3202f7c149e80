import type { RawRecord } from '@lakeflow/core/connector'
import { SchemaConversionError } from '@lakeflow/core/errors'
import type { AnySparkNode, SparkArray, SparkDecimal, SparkMap, SparkStruct, TableSchema } from '@lakeflow/core/schema'
import type { Row } from '../destinations/types.ts'

// INTERIM: a minimal converter used until core's `compileConverter` (@lakeflow/core/convert)
// lands on main; then this file becomes a one-line re-export of it.

/** Compiles a record converter for a table schema. */
export function compileRowConverter(schema: TableSchema, table: string): (record: RawRecord) => Row {
  const convert = node(schema, '', table)
  return (record) => convert(record) as Row
}

type Convert = (value: unknown) => unknown

function fail(table: string, path: string, expected: string, value: unknown): never {
  throw new SchemaConversionError({ table, path, expected, value })
}

function node(type: AnySparkNode, path: string, table: string): Convert {
  const inner = nonNull(type, path, table)
  return (value) => (value === null || value === undefined ? null : inner(value))
}

function micros(text: string, table: string, path: string): number {
  const ms = Date.parse(text)
  if (Number.isNaN(ms)) fail(table, path, 'timestamp', text)
  const fraction = /\.(\d+)/.exec(text)?.[1] ?? ''
  const extra = Number(fraction.padEnd(6, '0').slice(3, 6))
  return ms * 1000 + extra
}

function nonNull(type: AnySparkNode, path: string, table: string): Convert {
  switch (type['x-spark']) {
    case 'string':
      return (value) => (typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value))
    case 'long':
    case 'integer':
    case 'short':
    case 'byte':
      return (value) => {
        const number = typeof value === 'string' ? Number(value.trim()) : Number(value)
        if (!Number.isFinite(number)) fail(table, path, type['x-spark'], value)
        if (Math.abs(number) > Number.MAX_SAFE_INTEGER && typeof value === 'string') return BigInt(value.trim())
        return Math.trunc(number)
      }
    case 'double':
    case 'float':
      return (value) => Number(value)
    case 'boolean':
      return (value) => (typeof value === 'string' ? ['true', 't', 'yes', 'y', '1'].includes(value.toLowerCase()) : Boolean(value))
    case 'decimal': {
      const scale = (type as SparkDecimal).scale
      return (value) => Number(value).toFixed(scale)
    }
    case 'date':
      return (value) => Math.floor(Date.parse(String(value).slice(0, 10)) / 86_400_000)
    case 'timestamp':
    case 'timestamp_ntz':
      return (value) => (typeof value === 'number' ? value * 1_000_000 : micros(String(value), table, path))
    case 'binary':
      return (value) => (value instanceof Uint8Array ? value : new Uint8Array(Buffer.from(String(value), 'base64')))
    case 'variant':
      return (value) => (typeof value === 'string' ? JSON.parse(value) : value)
    case 'array': {
      const element = node((type as SparkArray).element, `${path}[]`, table)
      return (value) => (Array.isArray(value) ? value.map(element) : [element(value)])
    }
    case 'map': {
      const map = type as SparkMap
      const key = node(map.key, `${path}{}`, table)
      const item = node(map.value, `${path}{}`, table)
      return (value) =>
        new Map(Object.entries(value as Record<string, unknown>).map(([entryKey, entry]) => [key(entryKey), item(entry)]))
    }
    case 'struct': {
      const fields = Object.entries((type as SparkStruct).fields).map(
        ([name, field]) => [name, node(field, path ? `${path}.${name}` : name, table), field.nullable] as const,
      )
      return (value) => {
        if (typeof value !== 'object' || Array.isArray(value)) fail(table, path, 'struct', value)
        const record = value as Record<string, unknown>
        const out: Record<string, unknown> = {}
        for (const [name, convert, nullable] of fields) {
          if (!(name in record) && !nullable) fail(table, path ? `${path}.${name}` : name, 'a value', undefined)
          out[name] = convert(record[name])
        }
        return out
      }
    }
    default:
      return (value) => value
  }
}
