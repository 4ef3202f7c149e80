/**
 * The TypeScript twin of harness.py's `normalise`: converted row values (core's converter
 * output) in the JSON form the PySpark harness returns Spark rows in, so the two compare
 * with `toEqual`.
 */
import type { AnySparkNode } from '@lakeflow/core/schema'

export function normalise(value: unknown, type: AnySparkNode): unknown {
  if (value === null || value === undefined) return null
  switch (type['x-spark']) {
    case 'struct': {
      const fields = type.fields
      return Object.fromEntries(
        Object.entries(fields).map(([name, field]) => [
          name,
          normalise((value as Record<string, unknown>)[name], field),
        ]),
      )
    }
    case 'array':
      return (value as unknown[]).map((item) => normalise(item, type.element))
    case 'map': {
      const map = type
      const entries = value instanceof Map ? [...value.entries()] : Object.entries(value as object)
      // Map entries have no order (Spark's collect() goes through a Java HashMap): sort by key.
      const normalised = entries.map(([key, item]) => [normalise(key, map.key), normalise(item, map.value)])
      return normalised.sort((left, right) => compareJson(left[0], right[0]))
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

/** Orders values the way Python's `sorted(key=json.dumps(..., sort_keys=True))` does for map keys. */
function compareJson(left: unknown, right: unknown): number {
  const a = JSON.stringify(left)
  const b = JSON.stringify(right)
  return a < b ? -1 : a > b ? 1 : 0
}
