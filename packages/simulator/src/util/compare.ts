/**
 * Value comparison shared by filters, sorts, cursor tokens and generated-corpus index math,
 * so all of them agree on one order.
 *
 * - `null`/`undefined` sort after everything (so nulls come last ascending, first descending).
 * - Two ISO-8601-looking strings compare as instants (millisecond precision; a value without a
 *   zone is read as UTC), so `2024-01-01T01:00:00+01:00` equals `2024-01-01T00:00:00Z`.
 *   Any other pair of strings compares by UTF-16 code units.
 * - Numbers numerically, booleans `false < true`; values of different kinds by kind.
 */

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i

/** Milliseconds since the epoch if `text` is an ISO-8601 date or timestamp, else `undefined`. */
export function isoInstant(text: string): number | undefined {
  if (text.length < 10 || text.length > 40) return undefined
  const match = ISO_DATE.exec(text)
  if (!match) return undefined
  const hasTime = text.length > 10
  const withZone = hasTime && !match[1] ? `${text}Z` : text
  const instant = Date.parse(withZone.replace(' ', 'T'))
  return Number.isNaN(instant) ? undefined : instant
}

/** A comparable form of a value: ISO strings become an instant tagged so it never equals a plain number. */
export type SortKey = null | number | string | boolean | { instant: number } | { json: string }

export function sortKeyOf(value: unknown): SortKey {
  if (value === null || value === undefined) return null
  if (typeof value === 'number' || typeof value === 'boolean') return value
  if (typeof value === 'bigint') return Number(value)
  if (typeof value === 'string') {
    const instant = isoInstant(value)
    return instant === undefined ? value : { instant }
  }
  return { json: JSON.stringify(value) }
}

function kindRank(key: SortKey): number {
  if (key === null) return 9
  switch (typeof key) {
    case 'boolean':
      return 0
    case 'number':
      return 1
    case 'string':
      return 3
    default:
      return 'instant' in key ? 2 : 4
  }
}

/** Total order over sort keys (see the module comment). */
export function compareKeys(left: SortKey, right: SortKey): number {
  const leftRank = kindRank(left)
  const rightRank = kindRank(right)
  if (leftRank !== rightRank) return leftRank - rightRank
  if (left === null || right === null) return 0
  if (typeof left === 'object' && typeof right === 'object') {
    if ('instant' in left && 'instant' in right) return left.instant - right.instant
    const leftJson = (left as { json: string }).json
    const rightJson = (right as { json: string }).json
    return leftJson < rightJson ? -1 : leftJson > rightJson ? 1 : 0
  }
  if (left === right) return 0
  return (left as number | string | boolean) < (right as number | string | boolean) ? -1 : 1
}

/** Compares two raw values. */
export function compareValues(left: unknown, right: unknown): number {
  return compareKeys(sortKeyOf(left), sortKeyOf(right))
}
