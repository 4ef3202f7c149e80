/**
 * Time helpers. GitHub writes times as ISO 8601 UTC with whole seconds
 * (`2024-01-01T00:00:00Z`); the connector keeps them as epoch milliseconds internally and
 * writes cursors back in GitHub's own format, so offsets stay readable and comparable.
 */
import { InvalidOffsetError } from '@lakeflow/core/errors'

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/

/** Parses a GitHub or user-given time (`2024-01-01`, `2024-01-01T00:00:00Z`) to epoch ms; `undefined` if invalid. */
export function tryParseTime(text: string): number | undefined {
  const value = DATE_ONLY.test(text) ? Date.parse(`${text}T00:00:00Z`) : Date.parse(text)
  return Number.isNaN(value) ? undefined : value
}

/**
 * Epoch ms as GitHub writes times, `YYYY-MM-DDTHH:MM:SSZ`. GitHub's times have whole
 * seconds; a time with milliseconds (another source behind a proxy, a simulator) keeps them
 * (`...SS.mmmZ`) so a cursor never falls before the record it was taken from.
 */
export function formatTime(epochMs: number): string {
  const text = new Date(epochMs).toISOString()
  return epochMs % 1000 === 0 ? `${text.slice(0, 19)}Z` : text
}

/** `epochMs` plus `seconds` (negative to go back). */
export function addSeconds(epochMs: number, seconds: number): number {
  return epochMs + seconds * 1000
}

/** Reads a time field of a record as epoch ms; records without one sort first (0). */
export function recordTime(record: Record<string, unknown>, field: string): number {
  const value = record[field]
  if (typeof value !== 'string') return 0
  return tryParseTime(value) ?? 0
}

/** Parses an offset's time value, throwing `InvalidOffsetError` for anything else. */
export function offsetTime(value: unknown, key: string, table: string): number {
  const parsed = typeof value === 'string' ? tryParseTime(value) : undefined
  if (parsed === undefined) {
    throw new InvalidOffsetError(table, `"${key}" must be an ISO 8601 time such as "2024-01-01T00:00:00Z"`, value)
  }
  return parsed
}
