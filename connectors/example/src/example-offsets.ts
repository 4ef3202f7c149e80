import type { Offset } from '@lakeflow/core/connector'
import { InvalidOffsetError } from '@lakeflow/core/errors'

/**
 * Normalises an ISO timestamp to the API's cursor form (`toISOString`: UTC, milliseconds,
 * `Z`), so cursors compare correctly as text.
 */
export function isoCursor(value: string | number | Date): string {
  return new Date(value).toISOString()
}

/**
 * Reads the one timestamp an offset of this connector holds (`cursor` or `snapshot_at`).
 * `null` and `{}` mean "from the beginning". Anything else is an {@link InvalidOffsetError}.
 */
export function offsetTimestamp(offset: Offset | null, key: string, table: string): string | undefined {
  if (offset === null) return undefined
  if (typeof offset !== 'object' || Array.isArray(offset)) {
    throw new InvalidOffsetError(table, 'expected null or an object', offset)
  }
  const keys = Object.keys(offset)
  const unknown = keys.filter((name) => name !== key)
  if (unknown.length > 0) {
    throw new InvalidOffsetError(
      table,
      `unexpected key ${JSON.stringify(unknown[0])}; this table's offsets hold only "${key}"`,
      offset,
    )
  }
  const value = offset[key]
  if (value === undefined) return undefined
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    throw new InvalidOffsetError(table, `"${key}" must be an ISO timestamp`, offset)
  }
  return isoCursor(value)
}

/** The earlier of two ISO cursors. */
export function minCursor(left: string, right: string): string {
  return left <= right ? left : right
}
