import { describeKind } from '../internal/values.ts'
import { FAIL, type Fail, reject } from './failure.ts'

// Conversion rules for string, integral, floating point, boolean and decimal columns.
// Each takes a value that is neither null nor undefined and returns the converted value
// or FAIL (see failure.ts). The README of this package lists where they deviate from the
// Python original (`parse_value`) and why.

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const TWO_POW_63 = 2 ** 63

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value
}

/**
 * `string` rule. Strings pass; numbers use JavaScript's shortest round-trip form (`1.5`,
 * `1` for 1.0, `1e+21`); booleans become `true`/`false`; bigints their digits; a Date its
 * ISO form; objects and lists their JSON text. (Python writes `True`, `1.0` and a repr.)
 */
export function toText(value: unknown): string | Fail {
  switch (typeof value) {
    case 'string':
      return value
    case 'number':
      return String(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'bigint':
      return value.toString()
    case 'object':
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? reject('an invalid Date') : value.toISOString()
      try {
        return JSON.stringify(value, jsonReplacer)
      } catch (error) {
        return reject(`cannot be written as JSON text (${(error as Error).message})`)
      }
    default:
      return reject(`cannot be written as text: ${typeof value}`)
  }
}

const INTEGER_TEXT = /^([+-]?)(\d+(?:_\d+)*)?(?:\.(\d*))?$/
const NON_ZERO = /[1-9]/

function longFromBigint(value: bigint): number | bigint | Fail {
  if (value < INT64_MIN || value > INT64_MAX) return reject('outside the signed 64-bit range')
  return value >= -9007199254740991n && value <= 9007199254740991n ? Number(value) : value
}

function longFromNumber(value: number): number | bigint | Fail {
  if (Number.isSafeInteger(value)) return value
  if (!Number.isFinite(value)) return reject('not a finite number')
  if (!Number.isInteger(value)) return reject('has a fractional part; integral columns do not truncate')
  if (value >= TWO_POW_63 || value < -TWO_POW_63) return reject('outside the signed 64-bit range')
  // Beyond 2^53 JSON.parse has already rounded the number: it is taken as given.
  return BigInt(value)
}

function longFromText(value: string): number | bigint | Fail {
  const text = value.trim()
  if (text === '') return reject('a blank string')
  const match = INTEGER_TEXT.exec(text)
  if (match === null || (match[2] === undefined && !match[3])) return reject('not an integer')
  if (match[3] !== undefined && NON_ZERO.test(match[3])) {
    return reject('has a fractional part; integral columns do not truncate')
  }
  const digits = (match[2] ?? '0').replaceAll('_', '')
  if (digits.length <= 15) {
    const magnitude = Number(digits)
    return match[1] === '-' && magnitude !== 0 ? -magnitude : magnitude
  }
  return longFromBigint(BigInt(match[1] === '-' ? `-${digits}` : digits))
}

/**
 * `long` rule: integers (exact: a number when within ±(2^53−1), a bigint beyond);
 * numeric strings (sign, surrounding whitespace and `_` between digits allowed, a
 * fraction only when it is zero: `"3.0"`); booleans as 1/0. Values outside the signed
 * 64-bit range, non-integral values (`3.9`, `"3.9"`) and blank strings fail.
 */
export function toLong(value: unknown): number | bigint | Fail {
  switch (typeof value) {
    case 'number':
      return longFromNumber(value)
    case 'string':
      return longFromText(value)
    case 'boolean':
      return value ? 1 : 0
    case 'bigint':
      return longFromBigint(value)
    default:
      return reject(`expected an integer, a numeric string or a boolean, got ${describeKind(value)}`)
  }
}

/** `integer`/`short`/`byte` rule: the `long` rule, then a range check for the width. */
export function toIntegral(value: unknown, min: number, max: number): number | Fail {
  const long = toLong(value)
  if (long === FAIL) return long
  if (typeof long === 'bigint' || long < min || long > max) {
    return reject(`outside the range ${min} to ${max}`)
  }
  return long
}

const FLOAT_TEXT = /^[+-]?(?:\d+(?:_\d+)*(?:\.(?:\d+(?:_\d+)*)?)?|\.\d+(?:_\d+)*)(?:[eE][+-]?\d+(?:_\d+)*)?$/
const FLOAT_SPECIAL = /^([+-]?)(nan|inf|infinity)$/i

/**
 * `double`/`float` rule (Python's `float()`): numbers; booleans as 1/0; numeric strings
 * with optional whitespace, exponent and `_` between digits, and `nan`/`inf`/`infinity`
 * in any case. `float` values stay JavaScript numbers; writers narrow them to 32 bits.
 */
export function toDouble(value: unknown): number | Fail {
  switch (typeof value) {
    case 'number':
      return value
    case 'boolean':
      return value ? 1 : 0
    case 'bigint':
      return Number(value)
    case 'string': {
      const text = value.trim()
      if (text === '') return reject('a blank string')
      if (FLOAT_TEXT.test(text)) return Number(text.includes('_') ? text.replaceAll('_', '') : text)
      const special = FLOAT_SPECIAL.exec(text)
      if (special === null) return reject('not a number')
      if (special[2]!.toLowerCase() === 'nan') return Number.NaN
      return special[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY
    }
    default:
      return reject(`expected a number or a numeric string, got ${describeKind(value)}`)
  }
}

const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', '1'])
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', '0'])

/**
 * `boolean` rule: `true,t,yes,y,1` / `false,f,no,n,0` in any case (surrounding whitespace
 * ignored); numbers by truthiness (0 is false, any other number true). Other strings,
 * lists and objects fail (Python would take their truthiness: `"random"` ⇒ True).
 */
export function toBoolean(value: unknown): boolean | Fail {
  switch (typeof value) {
    case 'boolean':
      return value
    case 'string': {
      const word = value.trim().toLowerCase()
      if (TRUE_WORDS.has(word)) return true
      if (FALSE_WORDS.has(word)) return false
      return reject('not one of true, t, yes, y, 1, false, f, no, n, 0')
    }
    case 'number':
      return Number.isNaN(value) ? reject('NaN') : value !== 0
    case 'bigint':
      return value !== 0n
    default:
      return reject(`expected a boolean, a number or a boolean word, got ${describeKind(value)}`)
  }
}

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/

/**
 * `decimal(precision, scale)` rule: numbers (by their shortest round-trip text, so `0.1`
 * is 0.1), bigints and numeric strings (exponent allowed). Extra fractional digits are
 * rounded half up, as Spark's `CAST` does; a value needing more than `precision` digits
 * after that fails. The result has exactly `scale` fractional digits: `"12.50"`.
 */
export function toDecimal(value: unknown, precision: number, scale: number): string | Fail {
  let text: string
  switch (typeof value) {
    case 'string':
      text = value.trim()
      if (text === '') return reject('a blank string')
      break
    case 'number':
      if (!Number.isFinite(value)) return reject('not a finite number')
      text = String(value)
      break
    case 'bigint':
      text = value.toString()
      break
    default:
      return reject(`expected a number or a numeric string, got ${describeKind(value)}`)
  }
  const match = DECIMAL_TEXT.exec(text)
  if (match === null || (match[2] === '' && !match[3])) return reject('not a decimal number')
  const negative = match[1] === '-'
  const fraction = match[3] ?? ''
  let digits = (match[2]! + fraction).replace(/^0+/, '')
  // value = digits × 10^exponent; we want the integer value × 10^scale.
  const exponent = (match[4] === undefined ? 0 : Number(match[4])) - fraction.length
  const shift = exponent + scale
  if (digits === '') return formatDecimal(false, '', scale)
  if (shift >= 0) {
    if (digits.length + shift > precision) return reject(`needs more than ${precision} digits`)
    digits += '0'.repeat(shift)
  } else {
    const keep = digits.length + shift
    if (keep < 0) digits = ''
    else {
      const roundUp = digits.charCodeAt(keep) >= 53 // '5': half up, away from zero
      digits = digits.slice(0, keep)
      if (roundUp) digits = (BigInt(digits || '0') + 1n).toString()
      digits = digits.replace(/^0+/, '')
    }
    if (digits.length > precision) return reject(`needs more than ${precision} digits`)
  }
  return formatDecimal(negative && digits !== '', digits, scale)
}

function formatDecimal(negative: boolean, digits: string, scale: number): string {
  const padded = digits.padStart(scale + 1, '0')
  const integer = padded.slice(0, padded.length - scale)
  const sign = negative ? '-' : ''
  return scale === 0 ? `${sign}${integer}` : `${sign}${integer}.${padded.slice(padded.length - scale)}`
}
