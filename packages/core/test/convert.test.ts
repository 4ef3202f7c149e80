import { describe, expect, expectTypeOf, it } from 'vitest'
import { compileConverter, convertRecord } from '../src/convert/index.ts'
import { SchemaConversionError } from '../src/errors/index.ts'
import { type Row, Spark } from '../src/schema/index.ts'

const issueSchema = Spark.table({
  id: Spark.long({ nullable: false }),
  title: Spark.string(),
  user: Spark.struct({ login: Spark.string({ nullable: false }), id: Spark.long() }),
  labels: Spark.array(Spark.struct({ name: Spark.string(), tags: Spark.array(Spark.string()) })),
  props: Spark.map(Spark.string(), Spark.struct({ n: Spark.integer() })),
  created_at: Spark.timestamp(),
  price: Spark.decimal(10, 2),
})

function conversionFailure(run: () => unknown): SchemaConversionError {
  try {
    run()
  } catch (error) {
    if (SchemaConversionError.isInstance(error)) return error
    throw error
  }
  throw new Error('expected a SchemaConversionError, but the conversion succeeded')
}

describe('compileConverter', () => {
  const convert = compileConverter(issueSchema, { table: 'issues' })

  it('converts a nested record into the converted-row representation, fields in schema order', () => {
    const row = convert({
      extra: 'ignored',
      price: '12.5',
      created_at: '2024-01-02T03:04:05Z',
      props: { k: { n: '5' } },
      labels: [{ name: 'bug', tags: ['a'] }],
      user: { login: 'octocat' },
      title: 'Hello',
      id: 42,
    })
    expect(row).toEqual({
      id: 42,
      title: 'Hello',
      user: { login: 'octocat', id: null },
      labels: [{ name: 'bug', tags: ['a'] }],
      props: new Map([['k', { n: 5 }]]),
      created_at: Date.UTC(2024, 0, 2, 3, 4, 5) * 1000,
      price: '12.50',
    })
    expect(Object.keys(row)).toEqual(['id', 'title', 'user', 'labels', 'props', 'created_at', 'price'])
  })

  it('returns the row type of the schema', () => {
    const row = convert({ id: 1 })
    expectTypeOf(row).toEqualTypeOf<Row<typeof issueSchema>>()
    expectTypeOf(row.id).toEqualTypeOf<number | bigint>()
    expectTypeOf(row.title).toEqualTypeOf<string | null>()
    expectTypeOf(row.props).toEqualTypeOf<Map<string, { n: number | null } | null> | null>()
  })

  it('names table, nested path, expected type and value in errors', () => {
    const error = conversionFailure(() =>
      convert({ id: 1, labels: [{ name: 'a' }, { tags: [1, 2] }, { name: 5, tags: [[]] }, {}] }),
    )
    expect(error.table).toBe('issues')
    expect(error.path).toBe('labels[3]')
    expect(error.expected).toBe('struct')
    const keyError = conversionFailure(() => convert({ id: 1, props: { 'a"b': { n: 1.5 } } }))
    expect(keyError.path).toBe('props["a\\"b"].n')
    expect(keyError.expected).toBe('int')
    expect(keyError.value).toBe('1.5')
    expect(keyError.message).toContain(
      'Cannot convert field "props["a\\"b"].n" of table "issues": expected int, got 1.5',
    )
  })
})

describe('convertRecord', () => {
  it('converts one record with a cached converter', () => {
    expect(convertRecord(issueSchema, { id: '9007199254740993' }, 'issues').id).toBe(9007199254740993n)
    expect(conversionFailure(() => convertRecord(issueSchema, {}, 'other')).table).toBe('other')
  })
})
