/**
 * How cursor values are written: in records, offsets and request parameters. The engine
 * works on numbers (epoch milliseconds for times, the value itself for ids and counters).
 *
 * - `iso`: `2024-01-01T00:00:00Z`, with milliseconds only when there are some
 * - `iso-ms`: `2024-01-01T00:00:00.000Z` (always milliseconds, as `toISOString`)
 * - `epoch-s`, `epoch-ms`: numbers of seconds or milliseconds since 1970
 * - `date`: `2024-01-01`
 * - `number`: a plain number (an id, a sequence number)
 */
export type CursorFormat = 'iso' | 'iso-ms' | 'epoch-s' | 'epoch-ms' | 'date' | 'number'

/** A time format: every {@link CursorFormat} but `number`. */
export type TimeFormat = Exclude<CursorFormat, 'number'>

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/

/** Whether the format holds times (and so can be compared with the init-time cap). */
export function isTimeFormat(format: CursorFormat): format is TimeFormat {
  return format !== 'number'
}

/**
 * Parses a cursor value as found in a record or an offset: text times (`2024-01-01`,
 * any ISO 8601), epoch numbers in the format's unit, plain numbers. `undefined` when it is
 * not one.
 */
export function parseCursor(value: unknown, format: CursorFormat): number | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined
    return format === 'epoch-s' ? value * 1000 : value
  }
  if (typeof value !== 'string' || value === '') return undefined
  if (format === 'number' || format === 'epoch-s' || format === 'epoch-ms') {
    const number = Number(value)
    if (Number.isFinite(number)) return format === 'epoch-s' ? number * 1000 : number
    if (format === 'number') return undefined
  }
  const time = DATE_ONLY.test(value) ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value)
  return Number.isNaN(time) ? undefined : time
}

/** Writes an engine value in a format. */
export function formatCursor(value: number, format: CursorFormat): string | number {
  switch (format) {
    case 'number':
    case 'epoch-ms':
      return value
    case 'epoch-s':
      return Math.floor(value / 1000)
    case 'date':
      return new Date(value).toISOString().slice(0, 10)
    case 'iso-ms':
      return new Date(value).toISOString()
    case 'iso': {
      const text = new Date(value).toISOString()
      return value % 1000 === 0 ? `${text.slice(0, 19)}Z` : text
    }
  }
}

/** The smallest step between two values of a format: what "just before" and "just after" mean. */
export function resolutionOf(format: CursorFormat): number {
  switch (format) {
    case 'iso':
    case 'epoch-s':
      return 1000
    case 'date':
      return 86_400_000
    default:
      return 1
  }
}
