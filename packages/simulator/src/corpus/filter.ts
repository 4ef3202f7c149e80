import type { FilterOp } from '../types.ts'
import { getPath } from '../util/dotted.ts'
import { isoInstant } from '../util/compare.ts'

/** One filter to apply: the record field, the op and the raw query-string value. */
export interface FilterClause {
  field: string
  /** A spec op, or `exists` / `missing` (search bodies' has-property tests; the value is ignored). */
  op: FilterOp | 'exists' | 'missing'
  value: string
  /**
   * The value is an epoch instant in this unit when it is a number: it is then compared with
   * ISO-8601 record fields as an instant (and with numeric fields as a number).
   */
  format?: 'seconds' | 'millis'
}

export type RecordPredicate = (record: Record<string, unknown>) => boolean

const TRUE_WORDS = new Set(['true', '1', 'yes'])

/**
 * Compiles a filter (the Python simulator's filter step, plus `contains` and `starts_with`):
 * a null or missing field matches only `ne`; `in` compares the text of the value with each
 * comma-separated item; otherwise the query text is coerced to the record value's type
 * (number, boolean `true/1/yes`, string). Two ISO timestamps compare as instants, other
 * strings by code units; with a `format`, an epoch value compares with an ISO field as an
 * instant. A failed coercion or a type mismatch is no match.
 */
export function compileFilter(clause: FilterClause): RecordPredicate {
  const { field, op, value: text } = clause
  if (op === 'exists' || op === 'missing') {
    const wanted = op === 'exists'
    return (record) => {
      const value = getPath(record, field)
      return (value !== null && value !== undefined && value !== '') === wanted
    }
  }
  if (op === 'in') {
    const items = new Set(text.split(',').map((item) => item.trim()))
    return (record) => {
      const value = getPath(record, field)
      return value !== null && value !== undefined && items.has(textOf(value))
    }
  }
  if (op === 'contains') {
    return (record) => {
      const value = getPath(record, field)
      if (typeof value === 'string') return value.includes(text)
      if (Array.isArray(value)) return value.some((item) => item !== null && textOf(item) === text)
      return false
    }
  }
  if (op === 'starts_with') {
    return (record) => {
      const value = getPath(record, field)
      return typeof value === 'string' && value.startsWith(text)
    }
  }
  const test = OUTCOME[op]
  const number = text.trim() === '' ? Number.NaN : Number(text)
  const bool = TRUE_WORDS.has(text.toLowerCase())
  const epoch = clause.format && Number.isFinite(number) ? number * (clause.format === 'seconds' ? 1000 : 1) : undefined
  const instant = epoch ?? isoInstant(text)
  return (record) => {
    const value = getPath(record, field)
    if (value === null || value === undefined) return op === 'ne'
    let order: number
    if (typeof value === 'number') {
      if (Number.isNaN(number)) return false
      order = value - number
    } else if (typeof value === 'string') {
      const valueInstant = instant === undefined ? undefined : isoInstant(value)
      if (valueInstant !== undefined) order = valueInstant - instant!
      else order = value < text ? -1 : value > text ? 1 : 0
    } else if (typeof value === 'boolean') {
      order = Number(value) - Number(bool)
    } else {
      return false
    }
    return test(order)
  }
}

const OUTCOME: Record<'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte', (order: number) => boolean> = {
  eq: (order) => order === 0,
  ne: (order) => order !== 0,
  gt: (order) => order > 0,
  gte: (order) => order >= 0,
  lt: (order) => order < 0,
  lte: (order) => order <= 0,
}

function textOf(value: unknown): string {
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}

/** A predicate for `Query.anyOf`: some group whose clauses all match. */
export function compileGroups(groups: readonly FilterClause[][]): RecordPredicate {
  const compiled = groups.map((group) => group.map(compileFilter))
  return (record) => compiled.some((group) => group.every((predicate) => predicate(record)))
}
