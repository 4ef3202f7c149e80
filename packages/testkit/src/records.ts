import type { RawRecord } from '@lakeflow/core/connector'
import { isPlainObject } from '@lakeflow/core/internal'
import type { SparkStruct } from '@lakeflow/core/schema'

/** The value at a dotted path of a record (`user.id`); undefined when a segment is missing. */
export function valueAt(record: unknown, path: string): unknown {
  let current: unknown = record
  for (const segment of path.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined
    current = (current as Record<string, unknown>)[segment]
  }
  return current
}

/** The primary-key tuple of a record as text, for maps and sets. */
export function keyOf(record: unknown, primaryKeys: readonly string[]): string {
  return canonical(primaryKeys.map((key) => valueAt(record, key) ?? null))
}

/** Paths of non-nullable fields that are null or absent (recursing into nested structs, not arrays). */
export function nonNullableViolations(record: RawRecord, schema: SparkStruct, prefix = ''): string[] {
  const found: string[] = []
  for (const [name, field] of Object.entries(schema.fields)) {
    const value = record[name]
    const path = prefix ? `${prefix}.${name}` : name
    if (value === null || value === undefined) {
      if (!field.nullable) found.push(path)
    } else if (field['x-spark'] === 'struct' && isPlainObject(value)) {
      found.push(...nonNullableViolations(value, field, path))
    }
  }
  return found
}

/** Upstream's "all-null record": every schema field null, or an object that is all-null itself. */
export function isAllNull(record: RawRecord, schema: SparkStruct): boolean {
  for (const [name, field] of Object.entries(schema.fields)) {
    const value = record[name]
    if (value === null || value === undefined) continue
    if (isPlainObject(value) && field['x-spark'] === 'struct') {
      if (!isAllNull(value, field)) return false
      continue
    }
    if (isPlainObject(value)) continue
    return false
  }
  return true
}

/** Paths of struct fields holding `{}`: a missing nested object must be `null`. */
export function emptyStructs(record: RawRecord, schema: SparkStruct, prefix = ''): string[] {
  const found: string[] = []
  for (const [name, field] of Object.entries(schema.fields)) {
    const value = record[name]
    const path = prefix ? `${prefix}.${name}` : name
    if (field['x-spark'] !== 'struct' || !isPlainObject(value)) continue
    if (Object.keys(value).length === 0) found.push(path)
    else found.push(...emptyStructs(value, field, path))
  }
  return found
}

/**
 * Stable text of a value (converted rows included): object keys sorted, `Map`s as sorted
 * entries, bigints and binary spelled out, so equal values give equal text.
 */
export function canonical(value: unknown): string {
  if (value === undefined) return 'undefined'
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : `"${value}"`
  if (typeof value === 'bigint') return `${value}n`
  if (value instanceof Uint8Array) return `b64:${Buffer.from(value).toString('base64')}`
  if (value instanceof Date) return `date:${value.toISOString()}`
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value instanceof Map) {
    const entries = [...value.entries()].map(([key, item]) => `${canonical(key)}=>${canonical(item)}`).sort()
    return `Map{${entries.join(',')}}`
  }
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>
    const keys = Object.keys(record).sort()
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(record[key])}`).join(',')}}`
  }
  return JSON.stringify(String(value))
}
