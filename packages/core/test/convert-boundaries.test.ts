// Boundaries: 64-bit integers around 2^53 and 2^63, decimal precision and scale, and
// timestamp forms (Z, offsets, fractions, epoch seconds, date-only, fallbacks, range).
import { describe, expect, it } from 'vitest'
import { seededRandom } from '../src/internal/index.ts'
import { Spark } from '../src/schema/index.ts'
import { conversionFailure, convertValue, label, utcMicros } from './convert-helpers.ts'

const long = Spark.long()
const timestamp = Spark.timestamp()
const timestampNtz = Spark.timestampNtz()
const INT64_MAX = 2n ** 63n - 1n
const INT64_MIN = -(2n ** 63n)

describe('long: exact values, number within ±(2^53−1), bigint beyond', () => {
  it.each([
    ['9007199254740991', 9007199254740991],
    ['-9007199254740991', -9007199254740991],
    ['9007199254740992', 9007199254740992n],
    ['9007199254740993', 9007199254740993n],
    ['-9007199254740993', -9007199254740993n],
    [INT64_MAX.toString(), INT64_MAX],
    [INT64_MIN.toString(), INT64_MIN],
    ['  +00000000000000000000000042  ', 42],
    ['9_223_372_036_854_775_807', INT64_MAX],
    ['9223372036854775807.000', INT64_MAX],
    [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
    [2 ** 53, 2n ** 53n],
    [2 ** 62, 2n ** 62n],
    [-(2 ** 63), INT64_MIN],
    [123n, 123],
    [INT64_MAX, INT64_MAX],
  ] as const)('%s', (input, expected) => {
    expect(convertValue(long, input)).toBe(expected)
  })

  it('JSON numbers beyond 2^53 are taken as JSON.parse gave them (documented limit)', () => {
    const parsed = JSON.parse('{"v": 9007199254740993}').v as number
    expect(convertValue(long, parsed)).toBe(9007199254740992n)
  })

  it.each([
    ['9223372036854775808'],
    ['-9223372036854775809'],
    ['99999999999999999999999'],
    [2 ** 63],
    [1e19],
    [-(2 ** 64)],
    [INT64_MAX + 1n],
    [INT64_MIN - 1n],
  ] as const)('%s is outside the signed 64-bit range', (input) => {
    const error = conversionFailure(() => convertValue(long, input))
    expect(error.expected).toBe('bigint')
    expect(error.message).toContain('outside the signed 64-bit range')
  })

  it('integer rejects anything past 32 bits, including bigints', () => {
    expect(conversionFailure(() => convertValue(Spark.integer(), '9007199254740993')).message).toContain(
      'outside the range -2147483648 to 2147483647',
    )
  })
})

describe('decimal(p, s): exactly s fractional digits, rounded half up, precision enforced', () => {
  const cases: [number, number, unknown, string][] = [
    [10, 2, '12.5', '12.50'],
    [10, 2, '-12.5', '-12.50'],
    [10, 2, '0', '0.00'],
    [10, 2, '-0', '0.00'],
    [10, 2, '-0.001', '0.00'],
    [10, 2, '-0.005', '-0.01'],
    [10, 2, '0.004999', '0.00'],
    [10, 2, '1.005', '1.01'],
    [10, 2, '1.015', '1.02'],
    [10, 2, '2.675', '2.68'],
    [10, 2, '1.00499999999', '1.00'],
    [10, 2, '.5', '0.50'],
    [10, 2, '5.', '5.00'],
    [10, 2, '0012.3400', '12.34'],
    [10, 2, '1.5E1', '15.00'],
    [10, 2, '150e-2', '1.50'],
    [10, 2, 1e-7, '0.00'],
    [10, 2, 5e-3, '0.01'],
    [10, 2, 99999999.99, '99999999.99'],
    [10, 2, '99999999.994', '99999999.99'],
    [5, 0, '12345', '12345'],
    [5, 0, '1234.5', '1235'],
    [5, 0, '-1234.5', '-1235'],
    [5, 5, '0.123456', '0.12346'],
    [38, 0, '99999999999999999999999999999999999999', '99999999999999999999999999999999999999'],
    [38, 10, 12345678901234567890n, '12345678901234567890.0000000000'],
    [38, 38, '0.5', '0.50000000000000000000000000000000000000'],
    [3, 1, '1e-1000', '0.0'],
  ]
  it.each(cases)('decimal(%i,%i) of %s ⇒ %s', (precision, scale, input, expected) => {
    expect(convertValue(Spark.decimal(precision, scale), input)).toBe(expected)
  })

  it.each([
    [10, 2, '123456789.12'],
    [10, 2, '99999999.995'],
    [5, 0, '99999.5'],
    [5, 5, '1'],
    [38, 0, '1e38'],
    [3, 1, '1e1000000000'],
    [10, 2, Number.MAX_VALUE],
  ] as const)('decimal(%i,%i) of %s exceeds the precision', (precision, scale, input) => {
    const error = conversionFailure(() => convertValue(Spark.decimal(precision, scale), input))
    expect(error.expected).toBe(`decimal(${precision},${scale})`)
    expect(error.message).toContain(`needs more than ${precision} digits`)
  })

  it.each(['1.2.3', '1e', 'e5', '--1', '+', '.', 'NaN', 'Infinity', '0x10'])('%s is not a decimal', (input) => {
    expect(conversionFailure(() => convertValue(Spark.decimal(10, 2), input)).message).toContain('not a decimal')
  })
})

describe('timestamp: microseconds since the epoch, UTC', () => {
  const base = utcMicros(2024, 1, 2, 3, 4, 5)
  const cases: [string | number, number][] = [
    ['2024-01-02T03:04:05Z', base],
    ['2024-01-02T03:04:05z', base],
    ['2024-01-02t03:04:05Z', base],
    ['2024-01-02T03:04:05+00:00', base],
    ['2024-01-02T05:04:05+02:00', base],
    ['2024-01-02T01:34:05-0130', base],
    ['2024-01-02T08:04:05+05', base],
    ['2024-01-01T22:04:05-05:00', base],
    ['2024-01-02T03:04:05.1Z', base + 100_000],
    ['2024-01-02T03:04:05.123Z', base + 123_000],
    ['2024-01-02T03:04:05.123456Z', base + 123_456],
    ['2024-01-02T03:04:05.123456789Z', base + 123_456],
    ['2024-01-02T03:04:05,5', base + 500_000],
    ['2024-01-02T03:04:05.999999999+01:00', base - 3600e6 + 999_999],
    ['2024-01-02T03:04', base - 5e6],
    ['2024-01-02T03', base - 245e6],
    ['2024-01-02 03:04:05', base],
    ['2024-01-02', utcMicros(2024, 1, 2)],
    ['2024-1-2 3:4:5', base],
    ['2024/1/2 03:04:05', base],
    ['1969-12-31T23:59:59.5Z', -500_000],
    ['0001-01-01T00:00:00Z', -62135596800e6],
    ['9999-12-31T23:59:59.999999Z', 253402300799e6 + 999_999],
    ['2024-02-29T00:00:00Z', utcMicros(2024, 2, 29)],
    [1700000000, 1700000000e6],
    [1700000000.123456, 1700000000123456],
    [-1.5, -1_500_000],
    [0, 0],
  ]
  it.each(cases)('%s', (input, expected) => {
    expect(convertValue(timestamp, input)).toBe(expected)
  })

  const invalid: [unknown, string][] = [
    ['2024-01-02T24:00:00Z', 'not a valid time of day'],
    ['2024-01-02T23:60:00Z', 'not a valid time of day'],
    ['2024-01-02T23:59:60Z', 'not a valid time of day'],
    ['2023-02-29T00:00:00Z', 'not a valid calendar date'],
    ['2024-13-01', 'not a valid calendar date'],
    ['0000-01-01T00:00:00Z', 'not a valid calendar date'],
    ['2024-01-02T03:04:05+24:00', 'an invalid UTC offset'],
    ['2024-01-02T03:04:05.1234567890Z', 'not an ISO 8601'],
    ['2024-01-02T03:04:05 Z', 'not an ISO 8601'],
    [' 2024-01-02T03:04:05Z', 'not an ISO 8601'],
    ['2024-01-02X03:04:05Z', 'not an ISO 8601'],
    ['2024-01-02Z', 'not an ISO 8601'],
    ['2024-01-02T03:04:05ZZ', 'not an ISO 8601'],
    ['2024-1-2 3:4', 'not an ISO 8601'],
    ['2024-01/02 03:04:05', 'not an ISO 8601'],
    ['yesterday', 'not an ISO 8601'],
    ['', 'not an ISO 8601'],
    ['0001-01-01T00:00:00+01:00', 'outside the years 1 to 9999'],
    [1e12, 'outside the years 1 to 9999'],
    [-1e12, 'outside the years 1 to 9999'],
    [Number.NaN, 'not a finite number'],
    [false, 'got a boolean'],
    [{ seconds: 1 }, 'got an object'],
    [[1700000000], 'got a list'],
  ]
  it.each(invalid.map(([input, reason]) => [label(input), input, reason] as const))(
    '%s fails',
    (_name, input, reason) => {
      const error = conversionFailure(() => convertValue(timestamp, input))
      expect(error.expected).toBe('timestamp')
      expect(error.message).toContain(reason)
    },
  )

  it('the hand-parsed fast path (…Z with 0 to 9 fraction digits) agrees with the general parser', () => {
    // `…Z` takes the fast path; the same instant written `…+00:00` takes the regex.
    const random = seededRandom(7)
    for (let index = 0; index < 3000; index++) {
      const seconds = Math.floor((random() - 0.5) * 2 * 1e10)
      const whole = new Date(seconds * 1000).toISOString().slice(0, 19)
      if (whole.startsWith('-') || whole.startsWith('+') || whole < '0001') continue
      const digits = Math.floor(random() * 10)
      const fraction = Array.from({ length: digits }, () => Math.floor(random() * 10)).join('')
      const suffix = digits === 0 ? '' : `${random() < 0.5 ? '.' : ','}${fraction}`
      const micros = Number(fraction.slice(0, 6).padEnd(6, '0'))
      const expected = seconds * 1e6 + micros
      expect(convertValue(timestamp, `${whole}${suffix}Z`)).toBe(expected)
      expect(convertValue(timestamp, `${whole}${suffix}+00:00`)).toBe(expected)
      expect(convertValue(timestampNtz, `${whole}${suffix}z`)).toBe(expected)
    }
  })

  it.each([
    '2024-01-02T03:04:05.Z',
    '2024-01-02T03:04:05.12a4Z',
    '2024-01-02T03:04:05:123Z',
    '2024-01-02T03:04:05.1234567891Z',
    '2024-01-02T03:4:05Z',
    '2024-01-02T03:04:5Z',
    '2024-01-02X03:04:05.5Z',
    '2024-00-02T03:04:05Z',
  ])('fast-path look-alike %s fails', (input) => {
    expect(conversionFailure(() => convertValue(timestamp, input)).expected).toBe('timestamp')
  })

  it('timestamp_ntz keeps the wall clock and drops any offset', () => {
    const wall = utcMicros(2024, 1, 2, 3, 4, 5)
    for (const input of [
      '2024-01-02T03:04:05',
      '2024-01-02T03:04:05Z',
      '2024-01-02T03:04:05-08:00',
      '2024-01-02 03:04:05',
    ]) {
      expect(convertValue(timestampNtz, input)).toBe(wall)
    }
    expect(conversionFailure(() => convertValue(timestampNtz, true)).expected).toBe('timestamp_ntz')
  })
})
