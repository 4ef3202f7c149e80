// Struct, array and map rules of upstream's parse_value (§2.4), nullability, and the
// field paths, expected types and value excerpts that errors carry.
import { afterEach, describe, expect, it } from 'vitest'
import { compileConverter } from '../src/convert/index.ts'
import { clearSecrets, registerSecret } from '../src/errors/index.ts'
import { Spark } from '../src/schema/index.ts'
import { conversionFailure, convertValue } from './convert-helpers.ts'

const label = Spark.struct({ name: Spark.string({ nullable: false }), id: Spark.long() })
const schema = Spark.table({
  id: Spark.long({ nullable: false }),
  user: Spark.struct({ login: Spark.string({ nullable: false }), site_admin: Spark.boolean() }),
  labels: Spark.array(label),
  strict_tags: Spark.array(Spark.string({ nullable: false })),
  props: Spark.map(Spark.string(), Spark.long()),
  counts: Spark.map(Spark.long(), Spark.map(Spark.string(), Spark.array(label), { nullable: false })),
  required_values: Spark.map(Spark.string(), Spark.long({ nullable: false })),
  matrix: Spark.array(Spark.array(Spark.long())),
})
const convert = compileConverter(schema, { table: 'issues' })

describe('struct rules', () => {
  it('converts fields in schema order, ignoring keys not in the schema', () => {
    const row = convert({ zzz: 1, user: { extra: true, login: 'octocat' }, id: 3 })
    expect(Object.keys(row)).toEqual(Object.keys(schema.fields))
    expect(row.user).toEqual({ login: 'octocat', site_admin: null })
    expect(Object.keys(row.user!)).toEqual(['login', 'site_admin'])
  })

  it('upstream: a non-dict for a struct is an error', () => {
    for (const value of ['x', 5, [{ login: 'a' }], true]) {
      const error = conversionFailure(() => convert({ id: 1, user: value }))
      expect(error.path).toBe('user')
      expect(error.expected).toBe('struct')
      expect(error.message).toContain('expected an object')
    }
  })

  it('upstream: {} for a struct is an error, also for the whole record', () => {
    const nested = conversionFailure(() => convert({ id: 1, user: {} }))
    expect(nested.path).toBe('user')
    expect(nested.message).toContain('use null for a missing object')
    const record = conversionFailure(() => convert({}))
    expect(record.path).toBe('')
    expect(record.message).toContain('field "<record>" of table "issues"')
  })

  it('upstream: an object with only unknown keys is not empty (fields become null)', () => {
    expect(convertValue(Spark.struct({ a: Spark.long() }), { b: 1 })).toEqual({ a: null })
  })

  it('upstream: an absent non-nullable field is an error', () => {
    const error = conversionFailure(() => convert({ user: { login: 'a' } }))
    expect(error.path).toBe('id')
    expect(error.expected).toBe('bigint')
    expect(error.message).toContain('not nullable but is not in the input')
  })

  it('deviation: an explicit null in a non-nullable field is an error', () => {
    const error = conversionFailure(() => convert({ id: 1, user: { login: null } }))
    expect(error.path).toBe('user.login')
    expect(error.expected).toBe('string')
    expect(error.value).toBe('null')
    expect(error.message).toContain('null in a field that is not nullable')
  })

  it('the record itself must be an object', () => {
    for (const value of [null, 'x', [1]]) {
      expect(conversionFailure(() => convert(value as never)).path).toBe('')
    }
  })

  it('fields named like Object.prototype members are read only when present', () => {
    const odd = Spark.table({ constructor: Spark.string(), toString: Spark.long(), ['__proto__']: Spark.string() })
    const oddConvert = compileConverter(odd, { table: 'odd' })
    expect(oddConvert({ toString: '5' })).toEqual({ constructor: null, toString: 5, ['__proto__']: null })
    const row = oddConvert(JSON.parse('{"__proto__": 7, "constructor": "c"}'))
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype)
    expect(Object.getOwnPropertyDescriptor(row, '__proto__')?.value).toBe('7')
    expect(row.constructor).toBe('c')
  })
})

describe('array rules', () => {
  it('upstream: a list converts element by element', () => {
    expect(convert({ id: 1, labels: [{ name: 'a', id: '2' }, null] }).labels).toEqual([{ name: 'a', id: 2 }, null])
    expect(convert({ id: 1, matrix: [[1, '2'], [], null] }).matrix).toEqual([[1, 2], [], null])
  })

  it('upstream: a non-list is wrapped as a singleton when elements are nullable (kept)', () => {
    expect(convert({ id: 1, labels: { name: 'solo' } }).labels).toEqual([{ name: 'solo', id: null }])
    expect(convert({ id: 1, matrix: 5 }).matrix).toEqual([[5]])
  })

  it('upstream: a non-list with containsNull=false is an error', () => {
    const error = conversionFailure(() => convert({ id: 1, strict_tags: 'a' }))
    expect(error.path).toBe('strict_tags')
    expect(error.expected).toBe('array')
    expect(error.message).toContain('expected a list')
  })

  it('deviation: a null element with containsNull=false is an error', () => {
    const error = conversionFailure(() => convert({ id: 1, strict_tags: ['a', null] }))
    expect(error.path).toBe('strict_tags[1]')
    expect(error.message).toContain('null in a field that is not nullable')
  })

  it('errors name the index at every level', () => {
    expect(conversionFailure(() => convert({ id: 1, labels: [{ name: 'a' }, { name: 'b', id: 'x' }] })).path).toBe(
      'labels[1].id',
    )
    expect(conversionFailure(() => convert({ id: 1, labels: [{ name: 'a' }, { id: 1 }] })).path).toBe('labels[1].name')
    expect(conversionFailure(() => convert({ id: 1, matrix: [[1], [2, 3, 'x']] })).path).toBe('matrix[1][2]')
    expect(conversionFailure(() => convert({ id: 1, labels: [{ name: 'a' }, {}] })).path).toBe('labels[1]')
  })
})

describe('map rules', () => {
  it('upstream: a dict converts keys with keyType and values with valueType', () => {
    const row = convert({ id: 1, props: { a: '1', b: null }, counts: { '42': { x: [{ name: 'n' }] } } })
    expect(row.props).toEqual(
      new Map<string, number | bigint | null>([
        ['a', 1],
        ['b', null],
      ]),
    )
    expect(row.counts).toEqual(new Map([[42, new Map([['x', [{ name: 'n', id: null }]]])]]))
  })

  it('upstream: a non-dict for a map is an error', () => {
    for (const value of ['x', [1, 2], 5]) {
      const error = conversionFailure(() => convert({ id: 1, props: value }))
      expect(error.path).toBe('props')
      expect(error.expected).toBe('map')
    }
  })

  it('errors name the key, JSON-quoted, at every level', () => {
    expect(conversionFailure(() => convert({ id: 1, props: { 'a.b"c': 'x' } })).path).toBe('props["a.b\\"c"]')
    const deep = conversionFailure(() =>
      convert({ id: 1, counts: { '7': { k: [{ name: 'a' }, { name: 'b', id: 1.5 }] } } }),
    )
    expect(deep.path).toBe('counts["7"]["k"][1].id')
    const badKey = conversionFailure(() => convert({ id: 1, counts: { seven: { k: [] } } }))
    expect(badKey.path).toBe('counts["seven"]')
    expect(badKey.expected).toBe('bigint')
  })

  it('deviation: a null value with valueContainsNull=false is an error', () => {
    expect(conversionFailure(() => convert({ id: 1, required_values: { a: null } })).path).toBe('required_values["a"]')
    expect(conversionFailure(() => convert({ id: 1, counts: { '1': null } })).path).toBe('counts["1"]')
  })
})

describe('error contents', () => {
  afterEach(() => clearSecrets())

  it('carries table, path, expected type, a truncated value and the reason', () => {
    const long = 'x'.repeat(1000)
    const error = conversionFailure(() => convert({ id: long }))
    expect(error.name).toBe('SchemaConversionError')
    expect(error.category).toBe('schema')
    expect(error.table).toBe('issues')
    expect(error.path).toBe('id')
    expect(error.expected).toBe('bigint')
    expect(error.value.length).toBeLessThan(200)
    expect(error.value).toContain('…(1002 chars)')
    expect(error.message).toBe(
      `Cannot convert field "id" of table "issues": expected bigint, got ${error.value} (not an integer)`,
    )
  })

  it('never shows a registered secret', () => {
    registerSecret('sk-live-canary-0123456789')
    const error = conversionFailure(() =>
      convert({ id: 1, user: { login: 'a', site_admin: 'sk-live-canary-0123456789' } }),
    )
    expect(error.path).toBe('user.site_admin')
    expect(error.value).toContain('[REDACTED]')
    expect(JSON.stringify(error)).not.toContain('sk-live-canary-0123456789')
    expect(error.message).not.toContain('sk-live-canary-0123456789')
  })
})
