import { describe, expect, it } from 'vitest'
import type { FilterOp, SourceSpec } from '../src/types.ts'
import { AUTH, getJson, ids, startSimulator, tickets } from './helpers.ts'

const ROWS = [
  { id: 1, n: 10, flag: true, name: 'alpha', at: '2024-01-01T00:00:00Z', tags: ['a', 'b'], nested: { k: 'x' } },
  { id: 2, n: 2, flag: false, name: 'beta', at: '2024-01-01T02:00:00+01:00', tags: ['b'], nested: { k: 'y' } },
  { id: 3, n: null, flag: true, name: 'alphabet', at: '2024-01-01T00:30:00.000Z', tags: [], nested: null },
  { id: 4, n: 2, flag: null, name: null, at: null, tags: ['c'], nested: { k: 'x' } },
]

function filterSpec(): SourceSpec {
  const ops: FilterOp[] = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'contains', 'starts_with']
  const params: Record<string, any> = {}
  for (const field of ['n', 'flag', 'name', 'at', 'tags', 'nested.k']) {
    for (const op of ops) params[`${field}_${op}`] = { role: 'filter', field, op }
  }
  params.sort = { role: 'sort_by', options: ['n', 'name', 'at', 'id'] }
  params.order = { role: 'sort_order' }
  return { endpoints: [{ path: '/rows', method: 'GET', corpus: 'rows', params }] }
}

describe('filters (upstream §5.4 step 4, plus contains and starts_with)', () => {
  const cases: [string, number[]][] = [
    ['n_eq=2', [2, 4]],
    ['n_ne=2', [1, 3]], // null matches only ne
    ['n_gt=2', [1]],
    ['n_gte=2', [1, 2, 4]],
    ['n_lt=10', [2, 4]],
    ['n_lte=10', [1, 2, 4]],
    ['n_eq=abc', []], // failed numeric coercion: no match
    ['n_in=2,%2010', [1, 2, 4]], // items trimmed, compared as text
    ['flag_eq=true', [1, 3]],
    ['flag_eq=yes', [1, 3]],
    ['flag_eq=1', [1, 3]],
    ['flag_eq=false', [2]],
    ['name_eq=alpha', [1]],
    ['name_gt=alpha', [2, 3]],
    ['name_starts_with=alph', [1, 3]],
    ['name_contains=ph', [1, 3]],
    ['name_ne=alpha', [2, 3, 4]],
    // ISO timestamps compare as instants: +01:00 and .000Z forms included
    ['at_gt=2024-01-01T00:00:00Z', [2, 3]],
    ['at_eq=2024-01-01T01:00:00Z', [2]],
    ['at_lt=2024-01-01T01:00:00.000Z', [1, 3]],
    ['at_gte=2024-01-01', [1, 2, 3]],
    ['tags_contains=b', [1, 2]],
    ['nested.k_eq=x', [1, 4]],
    ['nested.k_in=y,z', [2]],
    ['n_gt=2&flag_eq=true', [1]], // filters combine with AND
    ['unknown=1', [1, 2, 3, 4]], // undeclared params are ignored unless strict_params
  ]
  it.each(cases)('%s', async (query, expected) => {
    const { url } = await startSimulator({ spec: filterSpec(), corpus: { rows: ROWS } })
    const { body } = await getJson(`${url}/rows?${query}`)
    expect(ids(body)).toEqual(expected)
  })
})

describe('filter values that match everything, and defaults', () => {
  const STATES = [
    { id: 1, state: 'open' },
    { id: 2, state: 'closed' },
    { id: 3, state: 'open' },
    { id: 4, state: null },
  ]
  const spec = (param: Record<string, unknown>): SourceSpec => ({
    endpoints: [{ path: '/items', method: 'GET', corpus: 'items', params: { state: param as any } }],
  })
  const served = async (param: Record<string, unknown>, query: string) => {
    const { url } = await startSimulator({ spec: spec(param), corpus: { items: STATES } })
    return ids((await getJson(`${url}/items${query}`)).body)
  }

  it('match_all: the listed values apply no filter; any other value filters', async () => {
    const param = { role: 'filter', field: 'state', op: 'eq', match_all: ['all', '*'] }
    expect(await served(param, '?state=all')).toEqual([1, 2, 3, 4])
    expect(await served(param, '?state=*')).toEqual([1, 2, 3, 4])
    expect(await served(param, '?state=open')).toEqual([1, 3])
    expect(await served(param, '?state=closed')).toEqual([2])
    expect(await served(param, '?state=ALL')).toEqual([]) // compared exactly
    expect(await served(param, '')).toEqual([1, 2, 3, 4]) // absent, no default: no filter
  })

  it('default: applied when the param is absent, not when it is sent', async () => {
    const param = { role: 'filter', field: 'state', op: 'eq', match_all: ['all'], default: 'open' }
    expect(await served(param, '')).toEqual([1, 3])
    expect(await served(param, '?state=closed')).toEqual([2])
    expect(await served(param, '?state=all')).toEqual([1, 2, 3, 4])
    // A default that is itself a match-all value serves everything.
    expect(await served({ ...param, default: 'all' }, '')).toEqual([1, 2, 3, 4])
  })

  it('without match_all, "all" is just a value (upstream behaviour)', async () => {
    expect(await served({ role: 'filter', field: 'state', op: 'eq' }, '?state=all')).toEqual([])
  })
})

describe('sort', () => {
  it('sort_by from the whitelist, sort_order; nulls last ascending and first descending; stable ties by key', async () => {
    const { url } = await startSimulator({ spec: filterSpec(), corpus: { rows: ROWS } })
    const order = async (query: string) => ids((await getJson(`${url}/rows?${query}`)).body)
    expect(await order('')).toEqual([1, 2, 3, 4]) // storage order without a sort
    expect(await order('sort=n')).toEqual([2, 4, 1, 3])
    expect(await order('sort=n&order=desc')).toEqual([3, 1, 4, 2])
    expect(await order('sort=at')).toEqual([1, 3, 2, 4]) // instants, not text
    expect(await order('sort=flag')).toEqual([1, 2, 3, 4]) // not whitelisted: ignored
    expect(await order('sort=name&order=sideways')).toEqual([1, 3, 2, 4])
  })

  it('sort_by options as a map: the request value names a record field (GitHub sort=updated → updated_at)', async () => {
    const rows = [
      { id: 1, created_at: '2024-01-03T00:00:00Z', updated_at: '2024-01-04T00:00:00Z', name: 'c' },
      { id: 2, created_at: '2024-01-01T00:00:00Z', updated_at: '2024-01-06T00:00:00Z', name: 'a' },
      { id: 3, created_at: '2024-01-02T00:00:00Z', updated_at: '2024-01-05T00:00:00Z', name: 'b' },
    ]
    const spec: SourceSpec = {
      endpoints: [
        {
          path: '/rows',
          method: 'GET',
          corpus: 'rows',
          response: { default_sort: 'created_at desc' },
          params: {
            sort: { role: 'sort_by', options: { created: 'created_at', updated: 'updated_at' } },
            direction: { role: 'sort_order' },
          },
        },
      ],
    }
    const { url } = await startSimulator({ spec, corpus: { rows } })
    const order = async (query: string) => ids((await getJson(`${url}/rows?${query}`)).body)
    expect(await order('')).toEqual([1, 3, 2]) // default: created_at desc
    expect(await order('sort=updated')).toEqual([2, 3, 1]) // the default's direction stays
    expect(await order('sort=updated&direction=asc')).toEqual([1, 3, 2])
    expect(await order('sort=created&direction=asc')).toEqual([2, 3, 1])
    expect(await order('direction=asc')).toEqual([2, 3, 1])
    expect(await order('sort=name')).toEqual([1, 3, 2]) // a field, but not a mapped value: ignored
    expect(await order('sort=updated_at')).toEqual([1, 3, 2]) // the field name itself is not a value
  })

  it('ties on the sort field are broken by primary key, whatever the file order', async () => {
    const rows = [5, 3, 9, 1, 7].map((id) => ({ id, group: id % 2 === 0 ? 'b' : 'a' }))
    const spec: SourceSpec = {
      endpoints: [{ path: '/rows', method: 'GET', corpus: 'rows', response: { default_sort: 'group desc' } }],
      corpora: { rows: { primary_key: ['id'] } },
    }
    const { url } = await startSimulator({ spec, corpus: { rows } })
    expect(ids((await getJson(`${url}/rows`)).body)).toEqual([9, 7, 5, 3, 1])
  })
})

describe('endpoints', () => {
  it('path filters, dotted wrapper with extras, offset pagination', async () => {
    const { url } = await startSimulator()
    const { body } = await getJson(`${url}/v2/accounts/globex/tickets?limit=100&status=open,closed`)
    const oracle = tickets().filter((ticket) => ticket.account === 'globex' && ticket.status !== 'pending')
    expect(Object.keys(body)).toEqual(['data'])
    expect(body.data.has_more).toBe(false)
    expect(ids(body.data.items).sort((a: any, b: any) => a - b)).toEqual(ids(oracle))
  })

  it('single entity: a corpus object, or the record picked by path filters; 404 when absent', async () => {
    const { url } = await startSimulator()
    expect((await getJson(`${url}/v2/me`)).body).toEqual({ id: 7, name: 'Test Agent', role: 'admin' })
    const one = await getJson(`${url}/v2/tickets/12`)
    expect(one.body).toEqual(tickets()[11])
    const missing = await getJson(`${url}/v2/tickets/999`)
    expect(missing.status).toBe(404)
    expect(missing.body).toMatchObject({ error: 'not found', status: 404 })
  })

  it('declared response headers are sent', async () => {
    const { url } = await startSimulator()
    const { headers } = await getJson(`${url}/v2/tickets`, AUTH)
    expect(headers.get('x-ratelimit-remaining')).toBe('4999')
    expect(headers.get('content-type')).toBe('application/json; charset=utf-8')
  })

  it('strict_params rejects undeclared query params with 400', async () => {
    const spec: SourceSpec = {
      endpoints: [
        { path: '/rows', method: 'GET', corpus: 'rows', strict_params: true, params: { q: { role: 'ignore' } } },
      ],
    }
    const { url } = await startSimulator({ spec, corpus: { rows: ROWS } })
    expect((await getJson(`${url}/rows?q=1`)).status).toBe(200)
    const rejected = await getJson(`${url}/rows?q=1&page=2`)
    expect(rejected.status).toBe(400)
    expect(rejected.body.error).toBe('unknown query parameter(s) page; declared: q')
  })

  it('the first matching endpoint in file order wins; methods match exactly', async () => {
    const spec: SourceSpec = {
      endpoints: [
        { path: '/items/special', method: 'GET', corpus: 'special', response: { single_entity: true } },
        {
          path: '/items/{id}',
          method: 'GET',
          corpus: 'rows',
          path_filters: { id: 'id' },
          response: { single_entity: true },
        },
        { path: '/items/{id}', method: 'POST', corpus: 'special', response: { single_entity: true } },
      ],
    }
    const { url } = await startSimulator({ spec, corpus: { rows: ROWS, special: { special: true } } })
    expect((await getJson(`${url}/items/special`)).body).toEqual({ special: true })
    expect((await getJson(`${url}/items/2`)).body.name).toBe('beta')
    const posted = await fetch(`${url}/items/2`, { method: 'POST', body: '{"x":1}' })
    expect(await posted.json()).toEqual({ special: true })
    expect((await fetch(`${url}/items/2`, { method: 'DELETE' })).status).toBe(404)
  })
})

describe('auth', () => {
  it('401 JSON without the header, with a wrong prefix or a wrong value; 200 with the exact value', async () => {
    const { url, simulator } = await startSimulator()
    const statusWith = async (headers: Record<string, string>) => (await fetch(`${url}/v2/tickets`, { headers })).status
    const missing = await getJson(`${url}/v2/tickets`)
    expect(missing.status).toBe(401)
    expect(missing.body).toEqual({ error: 'unauthorized', message: 'missing Authorization header', status: 401 })
    expect(missing.headers.get('www-authenticate')).toBe('Bearer')
    expect(await statusWith({ authorization: 's3cret-token' })).toBe(401)
    expect(await statusWith({ authorization: 'Bearer wrong' })).toBe(401)
    expect(await statusWith({ authorization: 'Bearer ' })).toBe(401)
    expect(await statusWith(AUTH)).toBe(200)
    expect(simulator.requests.map((request) => request.status)).toEqual([401, 401, 401, 401, 200])
  })

  it('without a declared value any non-empty value passes', async () => {
    const spec: SourceSpec = {
      endpoints: [
        { path: '/me', method: 'GET', corpus: 'me', auth: { header: 'X-Api-Key' }, response: { single_entity: true } },
      ],
    }
    const { url } = await startSimulator({ spec, corpus: { me: { id: 1 } } })
    expect((await fetch(`${url}/me`)).status).toBe(401)
    expect((await fetch(`${url}/me`, { headers: { 'x-api-key': 'anything' } })).status).toBe(200)
  })
})

describe('Date header from the simulated clock', () => {
  const dateOf = async (url: string, headers: Record<string, string> = {}) => {
    const response = await fetch(url, { headers })
    await response.arrayBuffer()
    return { status: response.status, date: response.headers.get('date') }
  }

  it('every response (served, 401, 404, injected faults) carries the clock, whatever the real time', async () => {
    const { simulator, url } = await startSimulator({ now: '2021-03-04T05:06:07.890Z' })
    const tickets = `${url}/v2/tickets`
    expect(await dateOf(tickets, AUTH)).toEqual({ status: 200, date: 'Thu, 04 Mar 2021 05:06:07 GMT' })
    expect(await dateOf(tickets)).toEqual({ status: 401, date: 'Thu, 04 Mar 2021 05:06:07 GMT' })
    expect(await dateOf(`${url}/nowhere`)).toEqual({ status: 404, date: 'Thu, 04 Mar 2021 05:06:07 GMT' })
    simulator.clock.advance(3 * 3600)
    expect((await dateOf(tickets, AUTH)).date).toBe('Thu, 04 Mar 2021 08:06:07 GMT')
    simulator.inject({ fault: { kind: 'status', status: 503 }, times: 1 })
    expect(await dateOf(tickets, AUTH)).toEqual({ status: 503, date: 'Thu, 04 Mar 2021 08:06:07 GMT' })
    simulator.clock.set('2030-01-01T00:00:00Z')
    expect((await dateOf(tickets, AUTH)).date).toBe('Tue, 01 Jan 2030 00:00:00 GMT')
  })

  it('a Date set by the spec or by a fault is sent as given', async () => {
    const spec: SourceSpec = {
      endpoints: [
        { path: '/a', method: 'GET', response: { headers: { Date: 'Mon, 01 Jan 2001 00:00:00 GMT' } } },
        { path: '/b', method: 'GET' },
      ],
    }
    const { simulator, url } = await startSimulator({ spec, corpus: {} })
    expect((await dateOf(`${url}/a`)).date).toBe('Mon, 01 Jan 2001 00:00:00 GMT')
    simulator.inject({ fault: { kind: 'status', status: 429, headers: { date: 'Tue, 02 Jan 2001 00:00:00 GMT' } } })
    expect((await dateOf(`${url}/b`)).date).toBe('Tue, 02 Jan 2001 00:00:00 GMT')
  })
})
