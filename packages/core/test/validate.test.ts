import Type from 'typebox'
import { describe, expect, it } from 'vitest'
import { InvalidDocumentError, registerSecret } from '../src/errors/index.ts'
import { documentIssues, EXPECTED, formatDocumentPath, parseDocument } from '../src/validate/index.ts'

const Param = Type.Union([
  Type.Object(
    {
      role: Type.Literal('filter'),
      field: Type.String({ minLength: 1, [EXPECTED]: 'the dotted record field to filter on' }),
      op: Type.Enum(['eq', 'gt']),
    },
    { additionalProperties: false },
  ),
  Type.Object({ role: Type.Literal('page') }, { additionalProperties: false }),
  Type.Object(
    { role: Type.Literal('limit'), max: Type.Optional(Type.Integer({ minimum: 1 })) },
    { additionalProperties: false },
  ),
])

const Spec = Type.Object(
  {
    endpoints: Type.Array(
      Type.Object(
        {
          path: Type.String({ pattern: '^/', [EXPECTED]: 'a path starting with "/"' }),
          method: Type.Union([Type.Literal('GET'), Type.Literal('POST')]),
          params: Type.Optional(Type.Record(Type.String(), Param)),
          sort: Type.Optional(Type.Union([Type.Array(Type.String()), Type.Record(Type.String(), Type.String())])),
          tags: Type.Optional(Type.Array(Type.String(), { minItems: 1 })),
        },
        { additionalProperties: false },
      ),
      { [EXPECTED]: 'a list of endpoints' },
    ),
  },
  { additionalProperties: false, [EXPECTED]: 'a mapping with an "endpoints" list' },
)

const lines = (value: unknown) => documentIssues(Spec, value).map((issue) => `${issue.path}: ${issue.message}`)

describe('documentIssues', () => {
  it('a valid document has no issues', () => {
    expect(
      lines({
        endpoints: [
          {
            path: '/a',
            method: 'GET',
            params: { since: { role: 'filter', field: 'x', op: 'gt' }, n: { role: 'page' } },
          },
          { path: '/b', method: 'POST', sort: { updated: 'updated_at' }, tags: ['x'] },
        ],
      }),
    ).toEqual([])
  })

  it('reports every problem with its path, unknown keys before the keys inside', () => {
    expect(
      lines({
        version: 2,
        endpoints: [
          {
            path: 'items',
            method: 'FETCH',
            extra: true,
            params: {
              a: { role: 'filter', field: '', op: 'gtt' },
              b: { role: 'page', max: 3 },
              c: { role: 'pager' },
              d: {},
              e: { role: 'limit', max: 0 },
              f: 'x',
            },
          },
          { method: 'GET', sort: 3, tags: [] },
        ],
      }),
    ).toEqual([
      'version: unknown key "version"; expected one of endpoints',
      'endpoints[0].extra: unknown key "extra"; expected one of path, method, params, sort, tags',
      'endpoints[0].path: expected a path starting with "/", got "items"',
      'endpoints[0].method: unknown method "FETCH"; expected one of GET, POST',
      'endpoints[0].params.a.field: expected the dotted record field to filter on, got ""',
      'endpoints[0].params.a.op: unknown op "gtt"; expected one of eq, gt',
      'endpoints[0].params.b.max: unknown key "max" for role page; expected one of role',
      'endpoints[0].params.c.role: unknown role "pager"; expected one of filter, page, limit',
      'endpoints[0].params.d.role: missing role; expected one of filter, page, limit',
      'endpoints[0].params.e.max: expected an integer ≥ 1, got 0',
      'endpoints[0].params.f: expected a mapping with a role, got "x"',
      'endpoints[1].path: expected a path starting with "/", got nothing',
      'endpoints[1].sort: expected a list or a mapping, got 3',
      'endpoints[1].tags: expected a non-empty list, got []',
    ])
  })

  it('descends into the union branch of the value’s type', () => {
    expect(lines({ endpoints: [{ path: '/a', method: 'GET', sort: { a: 1 } }] })).toEqual([
      'endpoints[0].sort.a: expected a string, got 1',
    ])
    expect(lines({ endpoints: [{ path: '/a', method: 'GET', sort: ['a', 2] }] })).toEqual([
      'endpoints[0].sort[1]: expected a string, got 2',
    ])
  })

  it('the root and wrong container types use the schema phrase', () => {
    expect(lines([1])).toEqual([': expected a mapping with an "endpoints" list, got [1]'])
    expect(lines({ endpoints: { path: '/x' } })).toEqual(['endpoints: expected a list of endpoints, got {"path":"/x"}'])
  })

  it('redacts registered secrets and shortens long values', () => {
    registerSecret('s3cr3t-document-value')
    const [issue] = documentIssues(Spec, { endpoints: [{ path: 's3cr3t-document-value', method: 'GET' }] })
    expect(issue!.message).toBe('expected a path starting with "/", got "[REDACTED]"')
    const [long] = documentIssues(Spec, { endpoints: [{ path: 'x'.repeat(500), method: 'GET' }] })
    expect(long!.message.length).toBeLessThan(140)
  })
})

describe('formatDocumentPath', () => {
  it('quotes keys with dots, brackets or spaces', () => {
    expect(formatDocumentPath(['wrapper', '@odata.nextLink', 0, 'a b'])).toBe('wrapper["@odata.nextLink"][0]["a b"]')
    expect(formatDocumentPath([])).toBe('')
    expect(formatDocumentPath([2, 'id'])).toBe('[2].id')
  })
})

describe('parseDocument', () => {
  it('returns the typed value or throws InvalidDocumentError with every problem', () => {
    const value = parseDocument(Spec, { endpoints: [{ path: '/a', method: 'GET' }] }, 'spec.yaml')
    expect(value.endpoints[0]!.method).toBe('GET')
    let caught: unknown
    try {
      parseDocument(Spec, { endpoints: [{ path: 'a', method: 'PUT' }] }, 'spec.yaml')
    } catch (error) {
      caught = error
    }
    expect(InvalidDocumentError.isInstance(caught)).toBe(true)
    const error = caught as InvalidDocumentError
    expect(error.category).toBe('config')
    expect(error.message).toBe(
      [
        'spec.yaml: 2 problems',
        'spec.yaml: endpoints[0].path: expected a path starting with "/", got "a"',
        'spec.yaml: endpoints[0].method: unknown method "PUT"; expected one of GET, POST',
      ].join('\n'),
    )
    expect(error.problems).toEqual([
      { path: 'endpoints[0].path', message: 'expected a path starting with "/", got "a"' },
      { path: 'endpoints[0].method', message: 'unknown method "PUT"; expected one of GET, POST' },
    ])
  })
})
