// Schema builders: static row types, builder validation, fromSparkJson errors, DDL, lint.
import { describe, expect, expectTypeOf, it } from 'vitest'
import { LakeflowError } from '../src/errors/index.ts'
import {
  type AnySparkNode,
  fromSparkJson,
  lintSchema,
  matchSpark,
  type Row,
  resolveField,
  Spark,
  SparkJsonError,
  tableSchemaFromSparkJson,
  toDdl,
  toSqlType,
} from '../src/schema/index.ts'

describe('Row<typeof schema>', () => {
  const schema = Spark.table({
    id: Spark.long({ nullable: false }),
    title: Spark.string(),
    count: Spark.integer({ nullable: false }),
    score: Spark.double(),
    open: Spark.boolean({ nullable: false }),
    price: Spark.decimal(10, 2),
    day: Spark.date(),
    at: Spark.timestamp({ nullable: false }),
    wall: Spark.timestampNtz(),
    blob: Spark.binary(),
    extra: Spark.variant(),
    user: Spark.struct({ login: Spark.string({ nullable: false }), site_admin: Spark.boolean() }),
    owner: Spark.struct({ id: Spark.long() }, { nullable: false }),
    tags: Spark.array(Spark.string({ nullable: false })),
    labels: Spark.array(Spark.struct({ name: Spark.string() }), { nullable: false }),
    props: Spark.map(Spark.string(), Spark.long({ nullable: false })),
    nested: Spark.map(Spark.long(), Spark.array(Spark.date())),
  })
  type IssueRow = Row<typeof schema>

  it('maps every Spark type to its converted value type, null only where nullable', () => {
    expectTypeOf<IssueRow['id']>().toEqualTypeOf<number | bigint>()
    expectTypeOf<IssueRow['title']>().toEqualTypeOf<string | null>()
    expectTypeOf<IssueRow['count']>().toEqualTypeOf<number>()
    expectTypeOf<IssueRow['score']>().toEqualTypeOf<number | null>()
    expectTypeOf<IssueRow['open']>().toEqualTypeOf<boolean>()
    expectTypeOf<IssueRow['price']>().toEqualTypeOf<string | null>()
    expectTypeOf<IssueRow['day']>().toEqualTypeOf<number | null>()
    expectTypeOf<IssueRow['at']>().toEqualTypeOf<number>()
    expectTypeOf<IssueRow['wall']>().toEqualTypeOf<number | null>()
    expectTypeOf<IssueRow['blob']>().toEqualTypeOf<Uint8Array | null>()
    expectTypeOf<IssueRow['extra']>().toEqualTypeOf<unknown>()
  })

  it('nests structs, arrays and maps', () => {
    expectTypeOf<IssueRow['user']>().toEqualTypeOf<{ login: string; site_admin: boolean | null } | null>()
    expectTypeOf<IssueRow['owner']>().toEqualTypeOf<{ id: number | bigint | null }>()
    expectTypeOf<IssueRow['tags']>().toEqualTypeOf<string[] | null>()
    expectTypeOf<IssueRow['labels']>().toEqualTypeOf<({ name: string | null } | null)[]>()
    expectTypeOf<IssueRow['props']>().toEqualTypeOf<Map<string, number | bigint> | null>()
    expectTypeOf<IssueRow['nested']>().toEqualTypeOf<Map<number | bigint, (number | null)[] | null> | null>()
    expectTypeOf<keyof IssueRow>().toEqualTypeOf<keyof typeof schema.fields>()
  })

  it('a table row itself is never null', () => {
    expectTypeOf<IssueRow>().not.toBeNullable()
  })
})

describe('builders', () => {
  it('reject bad decimals', () => {
    expect(() => Spark.decimal(0, 0)).toThrow(RangeError)
    expect(() => Spark.decimal(39, 0)).toThrow('from 1 to 38')
    expect(() => Spark.decimal(10, 11)).toThrow('scale')
    expect(() => Spark.decimal(10, -1)).toThrow('scale')
    expect(() => Spark.decimal(10.5, 1)).toThrow('precision')
  })

  it('reject struct fields Spark would treat as one, and empty names', () => {
    expect(() => Spark.struct({ id: Spark.long(), ID: Spark.long() })).toThrow('differ only by case')
    expect(() => Spark.struct({ '': Spark.long() })).toThrow('must not be empty')
  })

  it('store map keys as not nullable', () => {
    expect(Spark.map(Spark.string(), Spark.long()).key.nullable).toBe(false)
  })

  it('resolveField follows dotted paths through structs only', () => {
    const schema = Spark.table({ user: Spark.struct({ login: Spark.string() }), tags: Spark.array(Spark.string()) })
    expect(resolveField(schema, 'user.login')?.['x-spark']).toBe('string')
    expect(resolveField(schema, 'user.missing')).toBeUndefined()
    expect(resolveField(schema, 'tags.element')).toBeUndefined()
    expect(resolveField(schema, 'constructor')).toBeUndefined()
  })
})

describe('matchSpark', () => {
  const kindOf = (type: AnySparkNode): string =>
    matchSpark(type, {
      long: (long) => `long:${long.nullable}`,
      scalar: (scalar) => `scalar:${scalar['x-spark']}`,
      decimal: (decimal) => `decimal:${decimal.precision},${decimal.scale}`,
      array: (array) => `array:${kindOf(array.element)}`,
      map: (map) => `map:${kindOf(map.key)}->${kindOf(map.value)}`,
      struct: (struct) => `struct:${Object.keys(struct.fields).join('+')}`,
    })

  it('calls the handler of the node kind with the narrowed node; `scalar` takes the kinds without their own', () => {
    expect(kindOf(Spark.long({ nullable: false }))).toBe('long:false')
    expect(kindOf(Spark.timestampNtz())).toBe('scalar:timestamp_ntz')
    expect(kindOf(Spark.decimal(12, 3))).toBe('decimal:12,3')
    expect(kindOf(Spark.array(Spark.map(Spark.string(), Spark.long())))).toBe('array:map:scalar:string->long:true')
    expect(kindOf(Spark.table({ a: Spark.string(), b: Spark.long() }))).toBe('struct:a+b')
  })

  it('throws a LakeflowError for a node of an unknown kind, even with a scalar handler', () => {
    for (const kind of ['interval', 'scalar', 'constructor']) {
      const node = { 'x-spark': kind, nullable: true } as unknown as AnySparkNode
      expect(() => kindOf(node)).toThrow(LakeflowError)
      expect(() => kindOf(node)).toThrow(`Unknown Spark type node ${JSON.stringify(kind)}`)
    }
  })

  it('needs a handler for every kind (checked by the compiler)', () => {
    // @ts-expect-error: no `struct` handler
    const missingStruct: Parameters<typeof matchSpark<string>>[1] = {
      scalar: () => '',
      decimal: () => '',
      array: () => '',
      map: () => '',
    }
    // @ts-expect-error: neither a `scalar` handler nor one for each scalar kind (`variant` is missing)
    const missingScalar: Parameters<typeof matchSpark<string>>[1] = {
      string: () => '',
      long: () => '',
      integer: () => '',
      short: () => '',
      byte: () => '',
      double: () => '',
      float: () => '',
      boolean: () => '',
      date: () => '',
      timestamp: () => '',
      timestamp_ntz: () => '',
      binary: () => '',
      decimal: () => '',
      array: () => '',
      map: () => '',
      struct: () => '',
    }
    expect([missingStruct, missingScalar]).toHaveLength(2)
  })
})

describe('fromSparkJson errors name the path', () => {
  const field = (name: string, type: unknown, extra: object = {}) => ({
    name,
    type,
    nullable: true,
    metadata: {},
    ...extra,
  })
  const struct = (...fields: unknown[]) => ({ type: 'struct', fields })
  const cases: [string, unknown, string, string][] = [
    ['unknown type', struct(field('a', 'lng')), 'a', 'unsupported type "lng"'],
    [
      'bad decimal deep inside',
      struct(field('user', struct(field('ids', { type: 'array', elementType: 'decimal(40,2)', containsNull: true })))),
      'user.ids.element',
      'precision must be an integer from 1 to 38',
    ],
    [
      'map value',
      struct(field('m', { type: 'map', keyType: 'string', valueType: { type: 'udt' }, valueContainsNull: true })),
      'm.value',
      'unsupported type "udt"',
    ],
    [
      'map key',
      struct(field('m', { type: 'map', keyType: 'char(1)', valueType: 'long' })),
      'm.key',
      'unsupported type',
    ],
    ['field without name', struct(field('a', 'long'), { type: 'long' }), 'fields[1]', 'a field needs a string "name"'],
    ['nested field without name', struct(field('s', struct({ type: 'long' }))), 's.fields[0]', 'needs a string "name"'],
    ['bad nullable', struct(field('a', 'long', { nullable: 'yes' })), 'a', '"nullable" must be true or false'],
    [
      'bad containsNull',
      struct(field('a', { type: 'array', elementType: 'long', containsNull: 1 })),
      'a',
      '"containsNull" must be true or false',
    ],
    ['duplicate field', struct(field('a', 'long'), field('a', 'string')), 'fields[1]', 'duplicate field name "a"'],
    ['struct without fields', struct(field('a', { type: 'struct' })), 'a', 'needs a "fields" list'],
    ['not a type', struct(field('x', 5)), 'x', 'expected a type name or a type object'],
    ['invalid JSON text', '{"type":"struct"', '', 'not valid JSON'],
    ['unsupported root', 'varchar(10)', '', 'unsupported type "varchar(10)"'],
  ]
  it.each(cases)('%s', (_name, input, path, problem) => {
    let caught: unknown
    try {
      fromSparkJson(input as never)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(SparkJsonError)
    const error = caught as SparkJsonError
    expect(error.path).toBe(path)
    expect(error.message).toContain(`at ${path || '<root>'}: `)
    expect(error.message).toContain(problem)
    expect(error.category).toBe('config')
  })

  it('tableSchemaFromSparkJson needs a struct', () => {
    expect(() => tableSchemaFromSparkJson('"long"')).toThrow('expected a struct, got long')
    expect(tableSchemaFromSparkJson(struct(field('a', 'long')) as never).nullable).toBe(false)
  })

  it('reads "decimal" alone as decimal(10,0) and keeps comments', () => {
    const read = tableSchemaFromSparkJson(
      struct(field('d', 'decimal', { metadata: { comment: 'cost', other: 1 } })) as never,
    )
    expect(read.fields.d).toMatchObject({ 'x-spark': 'decimal', precision: 10, scale: 0, description: 'cost' })
  })
})

describe('DDL', () => {
  it('writes types, NOT NULL and comments as Spark does', () => {
    const schema = Spark.table({
      id: Spark.long({ nullable: false, description: "the issue's id" }),
      'user name': Spark.struct({ login: Spark.string({ nullable: false }) }),
      tags: Spark.array(Spark.map(Spark.string(), Spark.decimal(5, 1))),
    })
    expect(toDdl(schema)).toBe(
      "id BIGINT NOT NULL COMMENT 'the issue\\'s id',`user name` STRUCT<login: STRING NOT NULL>,tags ARRAY<MAP<STRING, DECIMAL(5,1)>>",
    )
    expect(toSqlType(Spark.timestampNtz())).toBe('TIMESTAMP_NTZ')
    expect(toSqlType(Spark.array(Spark.short()))).toBe('ARRAY<SMALLINT>')
  })
})

describe('lintSchema', () => {
  const schema = Spark.table({
    id: Spark.integer(),
    small: Spark.short(),
    tiny: Spark.byte(),
    count: Spark.long(),
    created_at: Spark.string(),
    updated_on: Spark.string(),
    title: Spark.string(),
    when: Spark.timestamp(),
    labels: Spark.array(Spark.struct({ id: Spark.integer(), due_date: Spark.string() })),
    reactions: Spark.map(Spark.string(), Spark.long()),
    headers: Spark.map(Spark.string(), Spark.string()),
    by_id: Spark.map(Spark.long(), Spark.string()),
    nothing: Spark.struct({}),
  })

  it('warns on integer types where long fits, timestamp-like strings, maps and empty structs (no samples)', () => {
    const warnings = lintSchema(schema)
    expect(warnings.map((warning) => `${warning.code} ${warning.path}`)).toEqual([
      'prefer-long id',
      'prefer-long small',
      'prefer-long tiny',
      'string-timestamp created_at',
      'string-timestamp updated_on',
      'prefer-long labels[].id',
      'string-timestamp labels[].due_date',
      'prefer-struct reactions',
      'prefer-struct headers',
      'empty-struct nothing',
    ])
    for (const warning of warnings) expect(warning.message).toContain(warning.path)
  })

  it('with samples, reports a map only when its keys are a small fixed set', () => {
    const samples = [
      {
        reactions: { '+1': 1, heart: 0 },
        headers: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`h${i}`, 'v'])),
      },
      { reactions: { '+1': 2, rocket: 1 }, headers: null },
    ]
    const warnings = lintSchema(schema, { samples }).filter((warning) => warning.code === 'prefer-struct')
    expect(warnings.map((warning) => warning.path)).toEqual(['reactions'])
    expect(warnings[0]!.message).toContain('samples use only +1, heart, rocket')
    const stricter = lintSchema(schema, { samples, maxStructKeys: 2 }).filter(
      (warning) => warning.code === 'prefer-struct',
    )
    expect(stricter).toEqual([])
  })

  it('with samples that never contain the map, does not guess', () => {
    const warnings = lintSchema(schema, { samples: [{ id: 1 }] }).filter((warning) => warning.code === 'prefer-struct')
    expect(warnings).toEqual([])
  })

  it('is quiet on a clean schema', () => {
    expect(lintSchema(Spark.table({ id: Spark.long(), created_at: Spark.timestamp(), title: Spark.string() }))).toEqual(
      [],
    )
  })
})
