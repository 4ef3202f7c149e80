// The primitive rows of upstream's conversion table (upstream-spec.md §2.4) and every
// documented deviation, one case per line. `rule` names the upstream rule exercised.
import { describe, expect, it } from 'vitest'
import { Spark } from '../src/schema/index.ts'
import { conversionFailure, convertValue, days, label, type RuleCase, utcMicros } from './convert-helpers.ts'

const text = new TextEncoder()
const bytes = (value: string) => text.encode(value)

const cases: RuleCase[] = [
  // 1. null first, for every type
  ...[
    Spark.string(),
    Spark.long(),
    Spark.integer(),
    Spark.double(),
    Spark.boolean(),
    Spark.decimal(10, 2),
    Spark.date(),
    Spark.timestamp(),
    Spark.binary(),
    Spark.variant(),
    Spark.array(Spark.long()),
    Spark.map(Spark.string(), Spark.long()),
    Spark.struct({ a: Spark.long() }),
  ].flatMap((type): RuleCase[] => [
    { rule: 'null ⇒ None for every type', type, input: null, expected: null },
    { rule: 'absent nullable field ⇒ None', type, input: undefined, expected: null },
  ]),

  // StringType: str(value)
  { rule: 'string: str passes', type: Spark.string(), input: 'héllo', expected: 'héllo' },
  { rule: 'string: str(int)', type: Spark.string(), input: 42, expected: '42' },
  { rule: 'string: str(float)', type: Spark.string(), input: 1.5, expected: '1.5' },
  { rule: 'string: str(bigint)', type: Spark.string(), input: 12345678901234567890n, expected: '12345678901234567890' },
  { rule: 'deviation: float 1.0 ⇒ "1" (JSON has no 1.0)', type: Spark.string(), input: 1.0, expected: '1' },
  { rule: 'deviation: shortest round-trip float', type: Spark.string(), input: 1e21, expected: '1e+21' },
  { rule: 'deviation: True ⇒ "true"', type: Spark.string(), input: true, expected: 'true' },
  { rule: 'deviation: False ⇒ "false"', type: Spark.string(), input: false, expected: 'false' },
  {
    rule: 'deviation: dict ⇒ JSON text',
    type: Spark.string(),
    input: { a: 1, b: [true, null] },
    expected: '{"a":1,"b":[true,null]}',
  },
  { rule: 'deviation: list ⇒ JSON text', type: Spark.string(), input: [1, 'x'], expected: '[1,"x"]' },
  { rule: 'deviation: empty dict ⇒ "{}"', type: Spark.string(), input: {}, expected: '{}' },

  // IntegerType / LongType
  { rule: 'long: int passes', type: Spark.long(), input: 42, expected: 42 },
  { rule: 'long: negative int', type: Spark.long(), input: -7, expected: -7 },
  { rule: 'long: numeric string', type: Spark.long(), input: '42', expected: 42 },
  { rule: 'long: surrounding whitespace', type: Spark.long(), input: ' \t42\n', expected: 42 },
  { rule: 'long: sign', type: Spark.long(), input: '+42', expected: 42 },
  { rule: 'long: negative string', type: Spark.long(), input: '-42', expected: -42 },
  { rule: 'long: _ separators', type: Spark.long(), input: '1_000_000', expected: 1000000 },
  { rule: 'long: misplaced _ rejected', type: Spark.long(), input: '1__0', error: 'not an integer' },
  { rule: 'long: "1e3" rejected', type: Spark.long(), input: '1e3', error: 'not an integer' },
  { rule: 'long: blank string', type: Spark.long(), input: '', error: 'a blank string' },
  { rule: 'long: whitespace-only string', type: Spark.long(), input: '   ', error: 'a blank string' },
  { rule: 'long: other text', type: Spark.long(), input: 'abc', error: 'not an integer' },
  { rule: 'long: dict', type: Spark.long(), input: { a: 1 }, error: 'got an object' },
  { rule: 'long: list', type: Spark.long(), input: [1], error: 'got a list' },
  { rule: 'long: True ⇒ 1', type: Spark.long(), input: true, expected: 1 },
  { rule: 'long: False ⇒ 0', type: Spark.long(), input: false, expected: 0 },
  { rule: 'long: float with zero fraction', type: Spark.long(), input: 3.0, expected: 3 },
  { rule: 'long: "." string with zero fraction', type: Spark.long(), input: '3.00', expected: 3 },
  { rule: 'long: "3." is 3', type: Spark.long(), input: '3.', expected: 3 },
  { rule: 'long: "-0.0" is 0', type: Spark.long(), input: '-0.0', expected: 0 },
  { rule: 'deviation: "3.9" is an error, not 3', type: Spark.long(), input: '3.9', error: 'has a fractional part' },
  { rule: 'deviation: "-3.9" is an error, not -3', type: Spark.long(), input: '-3.9', error: 'has a fractional part' },
  { rule: 'deviation: 3.9 is an error, not 3', type: Spark.long(), input: 3.9, error: 'has a fractional part' },
  { rule: 'deviation: "1.5e3" is an error, not 1500', type: Spark.long(), input: '1.5e3', error: 'not an integer' },
  { rule: 'long: inf/nan error', type: Spark.long(), input: Number.POSITIVE_INFINITY, error: 'not a finite number' },
  { rule: 'long: nan error', type: Spark.long(), input: Number.NaN, error: 'not a finite number' },
  { rule: 'long: "nan" text is not an integer', type: Spark.long(), input: 'nan', error: 'not an integer' },
  { rule: 'integer: same rule as long', type: Spark.integer(), input: ' 12 ', expected: 12 },
  { rule: 'integer: True ⇒ 1', type: Spark.integer(), input: true, expected: 1 },
  { rule: 'integer: blank string', type: Spark.integer(), input: ' ', error: 'a blank string' },
  { rule: 'deviation: integer range', type: Spark.integer(), input: 2147483648, error: 'outside the range' },
  {
    rule: 'deviation: integer range (string)',
    type: Spark.integer(),
    input: '-2147483649',
    error: 'outside the range',
  },
  { rule: 'integer: max', type: Spark.integer(), input: '2147483647', expected: 2147483647 },
  { rule: 'integer: min', type: Spark.integer(), input: -2147483648, expected: -2147483648 },
  { rule: 'deviation: short supported', type: Spark.short(), input: '32767', expected: 32767 },
  { rule: 'deviation: short range', type: Spark.short(), input: 32768, error: 'outside the range -32768 to 32767' },
  { rule: 'deviation: short range (negative)', type: Spark.short(), input: -32769, error: 'outside the range' },
  { rule: 'deviation: byte supported', type: Spark.byte(), input: -128, expected: -128 },
  { rule: 'deviation: byte range', type: Spark.byte(), input: 128, error: 'outside the range -128 to 127' },
  { rule: 'deviation: byte range (string)', type: Spark.byte(), input: '-129', error: 'outside the range' },

  // FloatType / DoubleType: float(value)
  { rule: 'double: number passes', type: Spark.double(), input: 2.5, expected: 2.5 },
  { rule: 'double: int', type: Spark.double(), input: 3, expected: 3 },
  { rule: 'double: True ⇒ 1.0', type: Spark.double(), input: true, expected: 1 },
  { rule: 'double: "1.5e-3"', type: Spark.double(), input: '1.5e-3', expected: 0.0015 },
  { rule: 'double: padded whitespace', type: Spark.double(), input: ' 2.5 ', expected: 2.5 },
  { rule: 'double: "nan"', type: Spark.double(), input: 'nan', expected: Number.NaN },
  { rule: 'double: "inf"', type: Spark.double(), input: 'inf', expected: Number.POSITIVE_INFINITY },
  { rule: 'double: "-Infinity"', type: Spark.double(), input: '-Infinity', expected: Number.NEGATIVE_INFINITY },
  { rule: 'double: "1_000.5"', type: Spark.double(), input: '1_000.5', expected: 1000.5 },
  { rule: 'double: ".5"', type: Spark.double(), input: '.5', expected: 0.5 },
  { rule: 'double: blank string', type: Spark.double(), input: '', error: 'a blank string' },
  { rule: 'double: other text', type: Spark.double(), input: 'abc', error: 'not a number' },
  { rule: 'double: hex is not float()', type: Spark.double(), input: '0x10', error: 'not a number' },
  { rule: 'double: dict', type: Spark.double(), input: {}, error: 'got an object' },
  { rule: 'float: same rule as double', type: Spark.float(), input: '0.25', expected: 0.25 },

  // DecimalType(p,s)
  { rule: 'decimal: numeric string', type: Spark.decimal(10, 2), input: '12.5', expected: '12.50' },
  { rule: 'decimal: Decimal(str(0.1))', type: Spark.decimal(10, 2), input: 0.1, expected: '0.10' },
  { rule: 'decimal: int', type: Spark.decimal(10, 2), input: 7, expected: '7.00' },
  { rule: 'decimal: exponent', type: Spark.decimal(10, 2), input: '1e2', expected: '100.00' },
  { rule: 'decimal: padded whitespace', type: Spark.decimal(10, 2), input: ' 3.14 ', expected: '3.14' },
  { rule: 'decimal: scale 0', type: Spark.decimal(5, 0), input: '42', expected: '42' },
  { rule: 'decimal: blank string', type: Spark.decimal(10, 2), input: '', error: 'a blank string' },
  { rule: 'decimal: invalid text', type: Spark.decimal(10, 2), input: 'abc', error: 'not a decimal number' },
  { rule: 'decimal: str(True) is invalid', type: Spark.decimal(10, 2), input: true, error: 'got a boolean' },
  {
    rule: 'deviation: decimal precision',
    type: Spark.decimal(5, 2),
    input: '1234.5',
    error: 'needs more than 5 digits',
  },
  { rule: 'deviation: decimal rounds half up', type: Spark.decimal(10, 2), input: '1.005', expected: '1.01' },

  // BooleanType
  ...['true', 'TRUE', 't', 'T', 'yes', 'Yes', 'y', 'Y', '1'].map(
    (input): RuleCase => ({ rule: 'boolean: truthy word', type: Spark.boolean(), input, expected: true }),
  ),
  ...['false', 'False', 'f', 'F', 'no', 'NO', 'n', 'N', '0'].map(
    (input): RuleCase => ({ rule: 'boolean: falsy word', type: Spark.boolean(), input, expected: false }),
  ),
  { rule: 'boolean: bool passes', type: Spark.boolean(), input: false, expected: false },
  { rule: 'boolean: 0 ⇒ False', type: Spark.boolean(), input: 0, expected: false },
  { rule: 'boolean: 42 ⇒ True', type: Spark.boolean(), input: 42, expected: true },
  { rule: 'boolean: 0.5 ⇒ True', type: Spark.boolean(), input: 0.5, expected: true },
  {
    rule: 'deviation: "random" is an error, not True',
    type: Spark.boolean(),
    input: 'random',
    error: 'not one of true',
  },
  { rule: 'deviation: "" is an error, not False', type: Spark.boolean(), input: '', error: 'not one of true' },
  { rule: 'deviation: " false" (padded) is False, not True', type: Spark.boolean(), input: ' false', expected: false },
  { rule: 'deviation: list is an error, not truthiness', type: Spark.boolean(), input: [], error: 'got a list' },
  {
    rule: 'deviation: dict is an error, not truthiness',
    type: Spark.boolean(),
    input: { a: 1 },
    error: 'got an object',
  },

  // DateType
  { rule: 'date: %Y-%m-%d', type: Spark.date(), input: '2024-01-05', expected: days(2024, 1, 5) },
  { rule: 'date: %Y-%m-%d unpadded', type: Spark.date(), input: '2024-1-5', expected: days(2024, 1, 5) },
  { rule: 'date: %m/%d/%Y (US wins)', type: Spark.date(), input: '01/02/2024', expected: days(2024, 1, 2) },
  { rule: 'date: %d-%m-%Y', type: Spark.date(), input: '31-12-2024', expected: days(2024, 12, 31) },
  { rule: 'date: %Y/%m/%d', type: Spark.date(), input: '2024/12/31', expected: days(2024, 12, 31) },
  {
    rule: 'date: ISO date part, no zone conversion',
    type: Spark.date(),
    input: '2024-01-05T23:30:00-05:00',
    expected: days(2024, 1, 5),
  },
  { rule: 'date: ISO date-time with Z', type: Spark.date(), input: '2024-01-05T10:00:00Z', expected: days(2024, 1, 5) },
  { rule: 'date: before 1970', type: Spark.date(), input: '1969-12-31', expected: -1 },
  { rule: 'date: leap day', type: Spark.date(), input: '2024-02-29', expected: days(2024, 2, 29) },
  {
    rule: 'date: invalid calendar date',
    type: Spark.date(),
    input: '2023-02-29',
    error: 'not a date in a known format',
  },
  { rule: 'date: %m/%d/%Y month 13', type: Spark.date(), input: '13/02/2024', error: 'not a date in a known format' },
  { rule: 'date: other text', type: Spark.date(), input: 'yesterday', error: 'not a date in a known format' },
  { rule: 'date: ints are not dates', type: Spark.date(), input: 19000, error: 'got a number' },
  {
    rule: 'deviation: JS Date ⇒ its UTC date',
    type: Spark.date(),
    input: new Date('2024-03-04T23:59:59Z'),
    expected: days(2024, 3, 4),
  },

  // TimestampType
  {
    rule: 'timestamp: Z suffix',
    type: Spark.timestamp(),
    input: '2024-01-02T03:04:05Z',
    expected: utcMicros(2024, 1, 2, 3, 4, 5),
  },
  {
    rule: 'timestamp: offset kept',
    type: Spark.timestamp(),
    input: '2024-01-02T03:04:05+02:00',
    expected: utcMicros(2024, 1, 2, 1, 4, 5),
  },
  {
    rule: 'timestamp: date-only ⇒ midnight',
    type: Spark.timestamp(),
    input: '2024-01-02',
    expected: utcMicros(2024, 1, 2),
  },
  {
    rule: 'timestamp: fallback %Y-%m-%d %H:%M:%S',
    type: Spark.timestamp(),
    input: '2024-1-2 3:04:05',
    expected: utcMicros(2024, 1, 2, 3, 4, 5),
  },
  {
    rule: 'timestamp: fallback %Y/%m/%d %H:%M:%S',
    type: Spark.timestamp(),
    input: '2024/01/02 03:04:05',
    expected: utcMicros(2024, 1, 2, 3, 4, 5),
  },
  { rule: 'timestamp: invalid text', type: Spark.timestamp(), input: 'soon', error: 'not an ISO 8601 date-time' },
  {
    rule: 'deviation: numeric ⇒ epoch seconds UTC',
    type: Spark.timestamp(),
    input: 1700000000,
    expected: 1700000000 * 1e6,
  },
  {
    rule: 'deviation: no offset ⇒ UTC',
    type: Spark.timestamp(),
    input: '2024-01-02T03:04:05',
    expected: utcMicros(2024, 1, 2, 3, 4, 5),
  },
  { rule: 'deviation: booleans are not timestamps', type: Spark.timestamp(), input: true, error: 'got a boolean' },
  {
    rule: 'deviation: JS Date ⇒ its instant',
    type: Spark.timestamp(),
    input: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)),
    expected: utcMicros(2024, 1, 2, 3, 4, 5) + 678000,
  },
  {
    rule: 'deviation: timestamp_ntz supported, offset dropped',
    type: Spark.timestampNtz(),
    input: '2024-01-02T03:04:05+02:00',
    expected: utcMicros(2024, 1, 2, 3, 4, 5),
  },
  {
    rule: 'deviation: timestamp_ntz Z dropped',
    type: Spark.timestampNtz(),
    input: '2024-01-02T03:04:05Z',
    expected: utcMicros(2024, 1, 2, 3, 4, 5),
  },
  {
    rule: 'deviation: timestamp_ntz numeric ⇒ UTC wall clock',
    type: Spark.timestampNtz(),
    input: 86400.5,
    expected: 86400.5e6,
  },

  // BinaryType
  { rule: 'binary: base64', type: Spark.binary(), input: 'SGVsbG8gV29ybGQ=', expected: bytes('Hello World') },
  { rule: 'binary: hex', type: Spark.binary(), input: '48656c6c6f', expected: bytes('Hello') },
  { rule: 'binary: utf-8 fallback', type: Spark.binary(), input: 'plain text!', expected: bytes('plain text!') },
  {
    rule: 'binary: lenient base64 decodes 4 letters',
    type: Spark.binary(),
    input: 'abcd',
    expected: new Uint8Array([0x69, 0xb7, 0x1d]),
  },
  { rule: 'binary: non-ASCII ⇒ utf-8', type: Spark.binary(), input: 'é', expected: bytes('é') },
  {
    rule: 'binary: lenient base64 skips characters outside the alphabet',
    type: Spark.binary(),
    input: 'SGVs bG8=!!',
    expected: bytes('Hello'),
  },
  {
    rule: 'binary: lenient base64 across a newline',
    type: Spark.binary(),
    input: 'Zm9v\nYmFy',
    expected: bytes('foobar'),
  },
  { rule: 'binary: base64 stops at a complete pad', type: Spark.binary(), input: 'YQ==YQ==', expected: bytes('a') },
  { rule: 'binary: bad base64 length, not hex ⇒ utf-8', type: Spark.binary(), input: 'abc', expected: bytes('abc') },
  {
    rule: 'binary: bad base64 length, then hex with spaces',
    type: Spark.binary(),
    input: '48 65 6c',
    expected: bytes('Hel'),
  },
  {
    rule: 'binary: spaced hex that is also valid base64 decodes as base64 (Python order)',
    type: Spark.binary(),
    input: '48 65',
    expected: new Uint8Array([0xe3, 0xce, 0xb9]),
  },

  { rule: 'binary: empty string ⇒ empty bytes', type: Spark.binary(), input: '', expected: new Uint8Array() },
  { rule: 'binary: list of ints', type: Spark.binary(), input: [72, 105], expected: bytes('Hi') },
  { rule: 'binary: list value 256', type: Spark.binary(), input: [256], error: 'integers 0 to 255' },
  { rule: 'binary: list of non-ints', type: Spark.binary(), input: ['a'], error: 'integers 0 to 255' },
  { rule: 'binary: bytes pass', type: Spark.binary(), input: new Uint8Array([1, 2]), expected: new Uint8Array([1, 2]) },
  { rule: 'binary: other ⇒ utf-8 of str(v)', type: Spark.binary(), input: 12345, expected: bytes('12345') },
  { rule: 'deviation: binary of True ⇒ "true" bytes', type: Spark.binary(), input: true, expected: bytes('true') },
  { rule: 'deviation: binary of dict ⇒ JSON bytes', type: Spark.binary(), input: { a: 1 }, expected: bytes('{"a":1}') },

  // VariantType
  { rule: 'variant: string parsed as JSON', type: Spark.variant(), input: '{"a":[1,2]}', expected: { a: [1, 2] } },
  { rule: 'variant: JSON string literal', type: Spark.variant(), input: '"x"', expected: 'x' },
  { rule: 'variant: other values as is', type: Spark.variant(), input: { a: 1 }, expected: { a: 1 } },
  { rule: 'variant: numbers as is', type: Spark.variant(), input: 5, expected: 5 },
  {
    rule: 'variant: invalid JSON text fails (as upstream)',
    type: Spark.variant(),
    input: 'not json',
    error: 'must be JSON text',
  },
]

describe('conversion rules (upstream parse_value §2.4 and deviations)', () => {
  it.each(cases.map((entry) => [entry.rule, label(entry.input), entry] as const))('%s: %s', (_rule, _input, entry) => {
    if (entry.error !== undefined) {
      const error = conversionFailure(() => convertValue(entry.type, entry.input))
      expect(error.path).toBe('value')
      expect(error.message).toContain(entry.error)
    } else {
      expect(convertValue(entry.type, entry.input)).toEqual(entry.expected)
    }
  })

  it('covers every Spark type', () => {
    const kinds = new Set(cases.map((entry) => entry.type['x-spark']))
    expect([...kinds].sort()).toEqual(
      [
        'array',
        'binary',
        'boolean',
        'byte',
        'date',
        'decimal',
        'double',
        'float',
        'integer',
        'long',
        'map',
        'short',
        'string',
        'struct',
        'timestamp',
        'timestamp_ntz',
        'variant',
      ].sort(),
    )
  })
})
