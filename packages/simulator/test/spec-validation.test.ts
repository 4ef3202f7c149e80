import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createSimulator, loadSpec, SimulatorSpecError } from '../src/index.ts'
import { TICKETS_CORPUS } from './helpers.ts'

const dir = mkdtempSync(join(tmpdir(), 'simulator-spec-'))
let counter = 0

/** Writes a YAML spec and returns the error message createSimulator throws for it. */
function errorFor(yaml: string, corpus: Record<string, unknown> | string = { items: [], me: {} }): SimulatorSpecError {
  const file = join(dir, `spec-${counter++}.yaml`)
  writeFileSync(file, yaml)
  try {
    createSimulator({ spec: file, corpus })
  } catch (error) {
    if (SimulatorSpecError.isInstance(error)) return error
    throw error
  }
  throw new Error('expected a SimulatorSpecError')
}

const ENDPOINT = `  - path: /items\n    method: GET\n    corpus: items\n`

describe('spec validation names the file, endpoint and key', () => {
  it('unknown filter op', () => {
    const error = errorFor(
      `endpoints:\n${ENDPOINT}${ENDPOINT.replace('/items', '/items/{id}')}    params:\n      since: {role: filter, field: updated_at, op: gtt}\n`,
    )
    expect(error.message).toBe(
      `${error.file}: endpoints[1].params.since.op (GET /items/{id}): unknown op "gtt"; expected one of eq, ne, gt, gte, lt, lte, in, contains, starts_with`,
    )
    expect(error.issues).toEqual([
      {
        path: 'endpoints[1].params.since.op',
        endpoint: 'GET /items/{id}',
        message: 'unknown op "gtt"; expected one of eq, ne, gt, gte, lt, lte, in, contains, starts_with',
      },
    ])
    expect(error.category).toBe('config')
  })

  it('unknown keys at every level, all reported at once', () => {
    const error = errorFor(
      `endpoints:\n${ENDPOINT}    pagination: offset\n    response:\n      wraper: {records_key: data}\n    params:\n      page: {role: page, default: 1}\nversion: 2\n`,
    )
    expect(error.message.split('\n')).toEqual([
      `${error.file}: 4 problems`,
      `${error.file}: version: unknown key "version"; expected one of endpoints, corpora`,
      `${error.file}: endpoints[0].pagination (GET /items): unknown key "pagination"; expected one of path, method, corpus, deleted, strict_params, response, params, body, path_filters, auth, synthesize_future_records, handler`,
      `${error.file}: endpoints[0].response.wraper (GET /items): unknown key "wraper"; expected one of pagination_style, default_sort, single_entity, wrapper, headers, expected_status_codes, format, csv, encoding, archive`,
      `${error.file}: endpoints[0].params.page.default (GET /items): unknown key "default" for role page; expected one of role`,
    ])
  })

  it.each([
    [
      `endpoints:\n  - path: items\n    method: FETCH\n`,
      [
        'endpoints[0].path (FETCH items): expected a path starting with "/", got "items"',
        'endpoints[0].method (FETCH items): unknown method "FETCH"; expected one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS',
      ],
    ],
    [
      `endpoints:\n${ENDPOINT}    response: {pagination_style: pages}\n`,
      [
        'endpoints[0].response.pagination_style (GET /items): unknown pagination_style "pages"; expected one of none, page_number, page_number_with_link_header, page_number_in_body, offset_limit, cursor_token, next_url, link_header_cursor, incremental_export',
      ],
    ],
    [
      `endpoints:\n${ENDPOINT}    params:\n      p: {role: page}\n      q: {role: page}\n      r: {role: pager}\n`,
      [
        'endpoints[0].params.r.role (GET /items): unknown role "pager"; expected one of filter, since, sort_by, sort_order, page, per_page, offset, limit, cursor, filter_groups, sorts, ignore',
        'endpoints[0].params.q (GET /items): a second page param (the first is "p"); at most one per endpoint',
      ],
    ],
    [
      `endpoints:\n${ENDPOINT}    params:\n      n: {role: per_page, default: 500, max: 100}\n`,
      ['endpoints[0].params.n.default (GET /items): default 500 is larger than max 100'],
    ],
    [
      `endpoints:\n${ENDPOINT}    response: {pagination_style: cursor_token}\n`,
      [
        'endpoints[0].params (GET /items): pagination_style cursor_token needs a param with role "cursor" (the token the client sends back)',
        'endpoints[0].response.wrapper (GET /items): pagination_style cursor_token puts the next page in the body, so it needs a wrapper with records_key',
      ],
    ],
    [
      `endpoints:\n${ENDPOINT}    path_filters: {id: id}\n    handler: 7\n`,
      [
        'endpoints[0].handler (GET /items): expected a "python.module:function" name, got 7',
        'endpoints[0].path_filters.id (GET /items): "id" is not a placeholder of the path; placeholders: (none)',
      ],
    ],
    [
      `endpoints:\n${ENDPOINT}${ENDPOINT}`,
      [
        'endpoints[1] (GET /items): duplicate of endpoints[0]; the first matching endpoint always wins, so this one is never used',
      ],
    ],
    [
      `endpoints:\n${ENDPOINT}    auth: {prefix: "Bearer "}\n    response: {default_sort: "a b c"}\n`,
      [
        'endpoints[0].response.default_sort (GET /items): expected "field" or "field asc|desc", got "a b c"',
        'endpoints[0].auth.header (GET /items): expected a header name such as "Authorization", got nothing',
      ],
    ],
    [
      `endpoints:\n${ENDPOINT}corpora:\n  items: {primary_key: [], cursor_format: unix}\n`,
      [
        'corpora.items.primary_key: expected a non-empty list of dotted field names, got []',
        'corpora.items.cursor_format: unknown cursor_format "unix"; expected one of iso, iso_millis, seconds, millis',
      ],
    ],
    [
      `endpoints:\n${ENDPOINT}    params:\n      state: {role: filter, field: state, op: eq, match_all: all, default: 1}\n      s: {role: sort_by, match_all: [x]}\n`,
      [
        'endpoints[0].params.state.match_all (GET /items): expected a non-empty list of strings such as [all], got "all"',
        'endpoints[0].params.state.default (GET /items): expected a string (the value used when the param is absent), got 1',
        'endpoints[0].params.s.match_all (GET /items): unknown key "match_all" for role sort_by; expected one of role, options',
      ],
    ],
    [
      `endpoints:\n${ENDPOINT}    params:\n      sort: {role: sort_by, options: {updated: updated_at, created: 3}}\n      dir: {role: sort_order, options: {asc: up}}\n`,
      [
        'endpoints[0].params.sort.options.created (GET /items): expected the dotted record field the value sorts by, got 3',
        'endpoints[0].params.dir.options (GET /items): expected a list of strings, got {"asc":"up"}',
      ],
    ],
    [
      `endpoints:\n${ENDPOINT}    response: {pagination_style: incremental_export, wrapper: {records_key: items}}\n    params:\n      q: {role: filter_groups}\n      since: {role: since, field: updated_at, format: hours}\n`,
      [
        'endpoints[0].params.since.format (GET /items): unknown format "hours"; expected one of seconds, millis',
        'endpoints[0].params.q.role (GET /items): role filter_groups reads a JSON request body; declare it under body instead of params',
        'endpoints[0].params (GET /items): pagination_style incremental_export needs a query param with role "since" (the export position)',
      ],
    ],
    [
      `endpoints:\n${ENDPOINT}    response: {pagination_style: link_header_cursor, archive: {type: gzip, data_descriptor: true}}\n    params:\n      since: {role: since, field: updated_at}\n    body:\n      page_info: {role: cursor}\n      limit: {role: limit, max: 0}\n`,
      [
        'endpoints[0].body.limit.max (GET /items): expected a positive integer, got 0',
        'endpoints[0].params.since.role (GET /items): role since drives pagination_style incremental_export, not link_header_cursor',
        'endpoints[0].body.page_info (GET /items): pagination_style link_header_cursor hands out next-page URLs, which cannot carry a request body; declare the cursor param under params',
        'endpoints[0].response.archive.data_descriptor (GET /items): data descriptors exist only in zip archives',
      ],
    ],
    [
      `endpoints:\n${ENDPOINT}    auth: {query: ""}\n  - path: /b\n    method: GET\n    auth: {header: X-Key, query: key}\n`,
      [
        'endpoints[0].auth.query (GET /items): expected a query parameter name such as "api_key", got ""',
        'endpoints[1].auth (GET /b): expected a mapping with header (and optional prefix, value) or query (and optional value), got {"header":"X-Key","query":"key"}',
      ],
    ],
    [`endpoints: {path: /x}\n`, ['endpoints: expected a list of endpoints, got {"path":"/x"}']],
    [`- path: /x\n`, ['expected a mapping with an "endpoints" list at the top level, got [{"path":"/x"}]']],
  ])('%#: %s', (yaml, expected) => {
    const error = errorFor(yaml)
    expect(
      error.issues.map((issue) =>
        issue.endpoint
          ? `${issue.path} (${issue.endpoint}): ${issue.message}`
          : issue.path
            ? `${issue.path}: ${issue.message}`
            : issue.message,
      ),
    ).toEqual(expected)
  })

  it('a referenced corpus that is missing is named, with the file expected', () => {
    const error = errorFor(
      `endpoints:\n${ENDPOINT.replace('items', 'widgets').replace('corpus: items', 'corpus: widgets')}`,
      TICKETS_CORPUS,
    )
    expect(error.message).toBe(
      `${error.file}: endpoints[0].corpus (GET /widgets): corpus "widgets" not found: expected ${TICKETS_CORPUS}/widgets.json`,
    )
    const inMemory = errorFor(`endpoints:\n${ENDPOINT.replace('corpus: items', 'corpus: gadgets')}`)
    expect(inMemory.issues[0]!.message).toBe('corpus "gadgets" not found: not in the corpus object')
  })

  it('corpus content is checked: lists of objects, unique keys, list vs single entity', () => {
    const spec = `endpoints:\n${ENDPOINT}  - path: /me\n    method: GET\n    corpus: me\ncorpora:\n  items: {primary_key: [id]}\n`
    const error = errorFor(spec, { items: [{ id: 1 }, 'x', { id: 1 }], me: { id: 1 } })
    expect(error.issues.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
      'corpus items[1]: expected a record object, got "x"',
      'corpus items[2]: duplicate primary key [1] (id); first at [0]',
      'endpoints[1].corpus: corpus "me" is one object, but the endpoint serves a list; set response.single_entity: true',
    ])
  })

  it('unreadable and malformed files', () => {
    expect(() => loadSpec(join(dir, 'absent.yaml'))).toThrow(/absent\.yaml: cannot read the spec file \(ENOENT/)
    const error = errorFor('endpoints: [\n')
    expect(error.message).toMatch(new RegExp(`^${error.file}: not valid YAML: `))
  })

  it('inline specs are validated too, named <inline spec>', () => {
    expect(() =>
      createSimulator({
        spec: { endpoints: [{ path: '/x', method: 'GET', params: { a: { role: 'nope' } } }] } as never,
        corpus: {},
      }),
    ).toThrow(
      '<inline spec>: endpoints[0].params.a.role (GET /x): unknown role "nope"; expected one of filter, since, sort_by, sort_order, page, per_page, offset, limit, cursor, filter_groups, sorts, ignore',
    )
  })
})
