/**
 * The TypeScript twin of harness.py's `normalise`: converted row values (core's converter
 * output) in the JSON form the PySpark harness returns Spark rows in, so the two compare
 * with `toEqual`.
 */
import type { AnySparkNode, SparkArray, SparkMap, SparkStruct } from '@lakeflow/core/schema'

export function normalise(value: unknown, type: AnySparkNode): unknown {
  if (value === null || value === undefined) return null
  switch (type['x-spark']) {
    case 'struct': {
      const fields = (type as SparkStruct).fields
      return Object.fromEntries(
        Object.entries(fields).map(([name, field]) => [
          name,
          normalise((value as Record<string, unknown>)[name], field),
        ]),
      )
    }
    case 'array':
      return (value as unknown[]).map((item) => normalise(item, (type as SparkArray).element))
    case 'map': {
      const map = type as SparkMap
      const entries = value instanceof Map ? [...value.entries()] : Object.entries(value as object)
      return entries.map(([key, item]) => [normalise(key, map.key), normalise(item, map.value)])
    }
    case 'binary':
      return { $binary: Buffer.from(value as Uint8Array).toString('base64') }
    case 'variant':
      return { $variant: value }
    case 'float':
      return finite(Math.fround(value as number))
    case 'double':
      return finite(value as number)
    case 'long':
      if (typeof value === 'bigint')
        return Number.isSafeInteger(Number(value)) ? Number(value) : { $bigint: value.toString() }
      return value
    default:
      return value
  }
}

function finite(value: number): unknown {
  if (Number.isNaN(value)) return { $float: 'nan' }
  if (!Number.isFinite(value)) return { $float: value > 0 ? 'inf' : '-inf' }
  return value
}
