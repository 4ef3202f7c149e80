import type { AnySparkNode, SparkArray, SparkMap, SparkStruct } from '@lakeflow/core/schema'

type Render = (value: unknown) => string

const DAY_MS = 86_400_000

function isoFromMicros(micros: number | bigint, zone: boolean): string {
  const big = typeof micros === 'bigint' ? micros : BigInt(Math.trunc(micros))
  const ms = big / 1000n - (big % 1000n < 0n ? 1n : 0n)
  const rest = Number(((big % 1_000_000n) + 1_000_000n) % 1_000_000n)
  const base = new Date(Number(ms)).toISOString().slice(0, 19)
  const fraction = rest === 0 ? '' : `.${String(rest).padStart(6, '0').replace(/0+$/, '')}`
  return `${base}${fraction}${zone ? 'Z' : ''}`
}

/**
 * Compiles a JSON renderer for converted rows of a schema: timestamps as ISO-8601 text
 * (`Z` for timestamp, none for timestamp_ntz), dates as `YYYY-MM-DD`, longs exactly (a
 * bigint is written as its digits, never rounded), decimals as strings (exact), binary as
 * base64, maps as objects, variants as their JSON. Used by `lakeflow read` and the file
 * destination.
 */
export function compileRecordJson(type: AnySparkNode): (value: unknown) => string {
  return compile(type)
}

function compile(type: AnySparkNode): Render {
  const inner = nonNull(type)
  return (value) => (value === null || value === undefined ? 'null' : inner(value))
}

function nonNull(type: AnySparkNode): Render {
  switch (type['x-spark']) {
    case 'long':
    case 'integer':
    case 'short':
    case 'byte':
      return (value) => (typeof value === 'bigint' ? value.toString() : JSON.stringify(value))
    case 'double':
    case 'float':
      return (value) => (Number.isFinite(value) ? JSON.stringify(value) : JSON.stringify(String(value)))
    case 'timestamp':
      return (value) => `"${isoFromMicros(value as number, true)}"`
    case 'timestamp_ntz':
      return (value) => `"${isoFromMicros(value as number, false)}"`
    case 'date':
      return (value) => `"${new Date((value as number) * DAY_MS).toISOString().slice(0, 10)}"`
    case 'binary':
      return (value) => `"${Buffer.from(value as Uint8Array).toString('base64')}"`
    case 'variant':
      return (value) =>
        JSON.stringify(value, (_key, inner) => (typeof inner === 'bigint' ? Number(inner) : inner)) ?? 'null'
    case 'array': {
      const element = compile((type as SparkArray).element)
      return (value) => `[${(value as unknown[]).map(element).join(',')}]`
    }
    case 'map': {
      const item = compile((type as SparkMap).value)
      return (value) => {
        const entries = value instanceof Map ? [...value] : Object.entries(value as object)
        return `{${entries.map(([key, entry]) => `${JSON.stringify(String(key))}:${item(entry)}`).join(',')}}`
      }
    }
    case 'struct': {
      const fields = Object.entries((type as SparkStruct).fields).map(
        ([name, field]) => [JSON.stringify(name), compile(field), name] as const,
      )
      return (value) => {
        const record = value as Record<string, unknown>
        return `{${fields.map(([key, render, name]) => `${key}:${render(record[name])}`).join(',')}}`
      }
    }
    default:
      return (value) => JSON.stringify(value)
  }
}
