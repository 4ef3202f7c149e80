import { type AnySparkNode, matchSpark } from '@lakeflow/core/schema'

const DAY_MS = 86_400_000

/** `00`..`59`: two-digit fields of a time of day. */
const TWO_DIGITS = Array.from({ length: 60 }, (_unused, value) => String(value).padStart(2, '0'))
/** `YYYY-MM-DD` by day number since the epoch; a small cache, as timestamps of a table cluster in days. */
const dayTexts = new Map<number, string>()

function dayText(days: number): string {
  let text = dayTexts.get(days)
  if (text === undefined) {
    // toISOString: YYYY-MM-DDTHH:MM:SS.mmmZ (years beyond 9999 get a sign and 6 digits)
    text = new Date(days * DAY_MS).toISOString().slice(0, -14)
    if (dayTexts.size >= 4096) dayTexts.clear()
    dayTexts.set(days, text)
  }
  return text
}

/** ISO-8601 text of a microsecond timestamp: `Z` for instants, none for wall-clock times. */
function isoFromMicros(micros: number | bigint, zone: boolean): string {
  let ms: number
  let rest: number
  if (typeof micros === 'bigint') {
    const whole = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n)
    ms = Number(whole)
    rest = Number(micros - whole * 1000n)
  } else {
    ms = Math.floor(micros / 1000)
    rest = micros - ms * 1000
  }
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) new Date(ms).toISOString() // throws RangeError, as before
  const days = Math.floor(ms / DAY_MS)
  const ofDay = ms - days * DAY_MS
  const millis = ofDay % 1000
  const seconds = (ofDay - millis) / 1000
  let text = `${dayText(days)}T${TWO_DIGITS[Math.floor(seconds / 3600)]}:${TWO_DIGITS[Math.floor(seconds / 60) % 60]}:${TWO_DIGITS[seconds % 60]}`
  if (millis !== 0 || rest !== 0) text += `.${String(millis).padStart(3, '0')}`
  if (rest !== 0) text += String(rest).padStart(3, '0')
  return zone ? `${text}Z` : text
}

const runtime = {
  ts: (value: number | bigint) => `"${isoFromMicros(value, true)}"`,
  ntz: (value: number | bigint) => `"${isoFromMicros(value, false)}"`,
  date: (value: number) => `"${new Date(value * DAY_MS).toISOString().slice(0, 10)}"`,
  long: (value: number | bigint) => (typeof value === 'number' ? `${value}` : value.toString()),
  dbl: (value: number) => (Number.isFinite(value) ? JSON.stringify(value) : `"${value}"`),
  bin: (value: Uint8Array) => `"${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')}"`,
  variant: (value: unknown) =>
    JSON.stringify(value, (_key, inner) => (typeof inner === 'bigint' ? Number(inner) : inner)) ?? 'null',
  entries: (value: unknown): [unknown, unknown][] =>
    value instanceof Map ? [...value] : Object.entries(value as Record<string, unknown>),
}

/** Generates JavaScript rendering the value held in variable `input` (never null there). */
class Generator {
  readonly helpers: string[] = []
  private next = 0

  /** An expression rendering `input` (which may be null). */
  render(type: AnySparkNode, input: string): string {
    return `(${input} == null ? 'null' : ${this.nonNull(type, input)})`
  }

  private nonNull(type: AnySparkNode, input: string): string {
    const integral = () => `R.long(${input})`
    const double = () => `R.dbl(${input})`
    return matchSpark(type, {
      string: () => `JSON.stringify(${input})`,
      decimal: () => `JSON.stringify(${input})`,
      long: integral,
      integer: integral,
      short: integral,
      byte: integral,
      double,
      float: double,
      boolean: () => `(${input} ? 'true' : 'false')`,
      timestamp: () => `R.ts(${input})`,
      timestamp_ntz: () => `R.ntz(${input})`,
      date: () => `R.date(${input})`,
      binary: () => `R.bin(${input})`,
      variant: () => `R.variant(${input})`,
      array: (array) =>
        `${this.helper((name) => {
          const element = this.render(array.element, 'v[i]')
          return `function ${name}(v) { let s = '['; for (let i = 0; i < v.length; i++) { if (i > 0) s += ','; s += ${element} } return s + ']' }`
        })}(${input})`,
      map: (map) =>
        `${this.helper((name) => {
          const item = this.render(map.value, 'e[1]')
          return `function ${name}(v) { const es = R.entries(v); let s = '{'; for (let i = 0; i < es.length; i++) { const e = es[i]; if (i > 0) s += ','; s += JSON.stringify(String(e[0])) + ':' + ${item} } return s + '}' }`
        })}(${input})`,
      struct: (struct) =>
        `${this.helper((name) => {
          const fields = Object.entries(struct.fields)
          if (fields.length === 0) return `function ${name}(v) { return '{}' }`
          const parts = fields.map(
            ([field, fieldType], index) =>
              `${JSON.stringify(`${index === 0 ? '{' : ','}${JSON.stringify(field)}:`)} + ${this.render(fieldType, `v[${JSON.stringify(field)}]`)}`,
          )
          return `function ${name}(v) { return ${parts.join(' + ')} + '}' }`
        })}(${input})`,
    })
  }

  private helper(build: (name: string) => string): string {
    const name = `h${this.next++}`
    this.helpers.push(build(name))
    return name
  }
}

/**
 * Compiles a JSON renderer for converted rows of a schema (generated code, one function per
 * struct): timestamps as ISO-8601 text (`Z` for timestamp, none for timestamp_ntz), dates as
 * `YYYY-MM-DD`, longs exactly (a bigint is written as its digits, never rounded), decimals as
 * strings (exact), binary as base64, maps as objects, variants as their JSON; NaN and
 * infinities as strings. Used by `lakeflow read`, DuckDB staging and the file destination.
 */
export function compileRecordJson(type: AnySparkNode): (value: unknown) => string {
  const generator = new Generator()
  const body = generator.render(type, 'value')
  const source = `${generator.helpers.join('\n')}\nreturn function render(value) { return ${body} }`
  return new Function('R', source)(runtime) as (value: unknown) => string
}
