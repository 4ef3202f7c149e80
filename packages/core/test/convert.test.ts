import { describe, expect, expectTypeOf, it } from 'vitest'
import { compilationCount } from '../src/convert/compile.ts'
import { compileConverter, converterSource, convertRecord } from '../src/convert/index.ts'
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

import { conversionFailure } from './convert-helpers.ts'

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

describe('generated code', () => {
  it('is generated once per schema object and shared by every table', () => {
    const schema = Spark.table({ id: Spark.long() })
    const before = compilationCount()
    const first = compileConverter(schema, { table: 'a' })
    const second = compileConverter(schema, { table: 'b' })
    convertRecord(schema, { id: 1 }, 'c')
    convertRecord(schema, { id: 2 }, 'c')
    expect(compilationCount()).toBe(before + 1)
    expect(conversionFailure(() => first({ id: 'x' })).table).toBe('a')
    expect(conversionFailure(() => second({ id: 'x' })).table).toBe('b')
    // An equal but distinct schema object is compiled on its own.
    compileConverter(Spark.table({ id: Spark.long() }), { table: 'a' })
    expect(compilationCount()).toBe(before + 2)
  })

  it('is specific to the schema: one function per struct position, field names as literals', () => {
    const source = converterSource(issueSchema)
    expect(source.match(/^function struct\d+\(/gm)).toHaveLength(4) // record, user, labels[], props{}
    expect(source).toContain('function struct2(value, i')
    expect(source).toContain('value["created_at"]')
    expect(source).toContain('toDecimal(f6, 10, 2)')
    expect(source).not.toContain("'x-spark'")
  })

  it('converts a schema with 200 fields', () => {
    const fields: Record<string, ReturnType<typeof Spark.long> | ReturnType<typeof Spark.string>> = {}
    const record: Record<string, unknown> = {}
    const expected: Record<string, unknown> = {}
    for (let index = 0; index < 200; index++) {
      const name = `field_${index}`
      fields[name] = index % 2 === 0 ? Spark.long() : Spark.string()
      record[name] = index % 2 === 0 ? String(index) : index
      expected[name] = index % 2 === 0 ? index : String(index)
    }
    const wide = Spark.table(fields)
    const convert = compileConverter(wide, { table: 'wide' })
    const row = convert(record)
    expect(row).toEqual(expected)
    expect(Object.keys(row)).toEqual(Object.keys(fields))
    expect(conversionFailure(() => convert({ ...record, field_198: 'x' })).path).toBe('field_198')
  })

  it('handles deep nesting', () => {
    let type: Parameters<typeof Spark.array>[0] = Spark.long({ nullable: false })
    let value: unknown = 'x'
    for (let depth = 0; depth < 12; depth++) {
      type = depth % 2 === 0 ? Spark.array(type) : Spark.struct({ inner: type })
      value = depth % 2 === 0 ? [depth === 0 ? 7 : null, value] : { inner: value }
    }
    const schema = Spark.table({ root: type })
    const error = conversionFailure(() => convertRecord(schema, { root: value }, 'deep'))
    expect(error.path).toBe('root.inner[1].inner[1].inner[1].inner[1].inner[1].inner[1]')
  })
})
