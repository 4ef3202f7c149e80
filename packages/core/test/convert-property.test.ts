// Property test: on random schemas and random (mostly valid, partly wild) records, the
// compiled converter and the plain recursive converter of bench/convert agree exactly:
// same row, or the same error (path, expected type, message).
import { describe, expect, it } from 'vitest'
import { plainConverter } from '../../../bench/convert/plain-converter.ts'
import { compileConverter } from '../src/convert/index.ts'
import { SchemaConversionError } from '../src/errors/index.ts'
import { seededRandom } from '../src/internal/index.ts'
import { type AnySparkNode, Spark, type SparkKind, type SparkStruct } from '../src/schema/index.ts'
import { SCALAR_KINDS, scalar } from '../src/schema/spark-types.ts'

const NAMES = ['id', 'name', 'user', 'a.b', 'constructor', 'toString', '__proto__', '1', 'é', 'created_at', 'x y', 'n']
const WILD: unknown[] = [
  '',
  ' ',
  'abc',
  '42',
  '-7',
  '3.0',
  '3.5',
  '1e3',
  '9007199254740993',
  'true',
  'no',
  '2024-01-02',
  '2024-01-02T03:04:05Z',
  '2024-01-02T03:04:05.5+02:00',
  '01/02/2024',
  'SGVsbG8=',
  'null',
  '{"a":1}',
  0,
  1,
  -1,
  2.5,
  2 ** 53,
  2 ** 63,
  1e300,
  true,
  false,
  null,
  undefined,
  {},
  { a: 1 },
  [],
  [1, 2],
  ['x'],
  [null],
]

type Next = () => number

function pick<T>(next: Next, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)]!
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

function randomType(next: Next, depth: number): AnySparkNode {
  const options = { nullable: next() < 0.75 }
  const nested = depth < 3 ? (['array', 'map', 'struct'] as const) : []
  const kind = pick<SparkKind>(next, [...SCALAR_KINDS, 'decimal', ...nested, ...nested])
  switch (kind) {
    case 'array':
      return Spark.array(randomType(next, depth + 1), options)
    case 'map':
      return Spark.map(pick(next, [Spark.string(), Spark.long(), Spark.date()]), randomType(next, depth + 1), options)
    case 'struct':
      return randomStruct(next, depth + 1, options.nullable)
    case 'decimal':
      return Spark.decimal(3 + Math.floor(next() * 20), Math.floor(next() * 3), options)
    default:
      return scalar(kind, options)
  }
}

function randomStruct(next: Next, depth: number, nullable: boolean): SparkStruct {
  const fields: Record<string, AnySparkNode> = {}
  const count = 1 + Math.floor(next() * 6)
  const names = new Set<string>()
  while (names.size < count) names.add(pick(next, NAMES))
  for (const name of names) setOwn(fields, name, randomType(next, depth))
  return Spark.struct(fields, { nullable })
}

function validValue(next: Next, type: AnySparkNode): unknown {
  switch (type['x-spark']) {
    case 'string':
      return pick(next, ['x', '', 'héllo', '{"a":1}', 'SGVsbG8='])
    case 'long':
    case 'integer':
    case 'short':
    case 'byte':
      return pick(next, [0, 1, -5, 127, '42', ' 7 ', true, '1_000'])
    case 'double':
    case 'float':
    case 'decimal':
      return pick(next, [0, 1.5, -2, '3.25', '1e2', 0.1])
    case 'boolean':
      return pick(next, [true, false, 'yes', 'N', 0, 2])
    case 'date':
      return pick(next, ['2024-01-02', '1/2/2024', '31-12-1999', '2024-01-02T23:00:00-05:00'])
    case 'timestamp':
    case 'timestamp_ntz':
      return pick(next, [
        '2024-01-02T03:04:05Z',
        '2024-01-02',
        '2024/1/2 3:4:5',
        1700000000.25,
        '2024-01-02T03:04:05.123456789-07:00',
      ])
    case 'binary':
      return pick(next, ['SGVsbG8=', '48656c6c6f', 'plain text!', [1, 2, 3]])
    case 'variant':
      return pick(next, ['{"a":[1,2]}', '5', { a: 1 }, [1, 'x']])
    case 'array': {
      const element = type.element
      return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, element))
    }
    case 'map': {
      const mapType = type
      const out: Record<string, unknown> = {}
      for (let index = Math.floor(next() * 3); index > 0; index--) {
        const key = mapType.key['x-spark'] === 'string' ? pick(next, NAMES) : pick(next, ['1', '-2', '2024-01-02', 'k'])
        setOwn(out, key, randomValue(next, mapType.value))
      }
      return out
    }
    case 'struct': {
      const out: Record<string, unknown> = {}
      for (const [name, field] of Object.entries(type.fields)) {
        if (next() < 0.85) setOwn(out, name, randomValue(next, field))
      }
      if (next() < 0.2) setOwn(out, pick(next, ['extra', 'id', 'zz']), pick(next, WILD))
      return out
    }
    default:
      return null
  }
}

function randomValue(next: Next, type: AnySparkNode): unknown {
  const roll = next()
  if (roll < 0.06) return null
  if (roll < 0.1) return pick(next, WILD)
  return validValue(next, type)
}

type Outcome = { row: unknown } | { error: { path: string; expected: string; message: string } }

function outcome(run: () => unknown): Outcome {
  try {
    return { row: run() }
  } catch (error) {
    if (!SchemaConversionError.isInstance(error)) throw error
    return { error: { path: error.path, expected: error.expected, message: error.message } }
  }
}

describe('compiled converter ≡ plain reference converter', () => {
  it('agree on 6,000 random records over 120 random schemas', () => {
    const next = seededRandom(20261124)
    let rows = 0
    let errors = 0
    for (let schemaIndex = 0; schemaIndex < 120; schemaIndex++) {
      const struct = randomStruct(next, 0, false)
      const schema = Spark.table(struct.fields)
      const compiled = compileConverter(schema, { table: `t${schemaIndex}` })
      const plain = plainConverter(schema, `t${schemaIndex}`)
      for (let recordIndex = 0; recordIndex < 50; recordIndex++) {
        const record = (next() < 0.03 ? {} : validValue(next, schema)) as Record<string, unknown>
        const expected = outcome(() => plain(record))
        const actual = outcome(() => compiled(record))
        expect(actual, `schema ${schemaIndex}, record ${JSON.stringify(record)}`).toEqual(expected)
        if ('row' in actual) rows++
        else errors++
      }
    }
    // Both outcomes must be well represented, or the comparison proves little.
    expect(rows).toBeGreaterThan(1500)
    expect(errors).toBeGreaterThan(1500)
  })
})
