import { describe, expect, it } from 'vitest'
import { createSimulator, SimulatorError } from '../src/index.ts'
import type { SourceSpec } from '../src/types.ts'
import { AUTH, getJson, ids, startSimulator, tickets } from './helpers.ts'

describe('clock', () => {
  it('starts at the given time (default 2024-06-01T00:00:00Z), can be set and advanced', async () => {
    const { simulator } = await startSimulator()
    expect(simulator.clock.now()).toBe('2024-06-01T00:00:00Z')
    simulator.clock.advance(90.5)
    expect(simulator.clock.now()).toBe('2024-06-01T00:01:30.500Z')
    simulator.clock.set('2025-01-01T12:00:00+02:00')
    expect(simulator.clock.now()).toBe('2025-01-01T10:00:00Z')
    expect(() => simulator.clock.set('yesterday')).toThrow(/clock.set: expected an ISO-8601 timestamp/)
    const other = await startSimulator({ now: '2030-05-05T05:05:05Z' })
    expect(other.simulator.clock.now()).toBe('2030-05-05T05:05:05Z')
  })
})

describe('mutations', () => {
  it('insert, update and delete stamp the cursor with the clock; records() is in key order', async () => {
    const { simulator, url } = await startSimulator()
    const data = simulator.data
    simulator.clock.set('2024-02-01T00:00:00Z')
    data.insert('tickets', { id: 100, account: 'acme', status: 'open', updated_at: '1999-01-01T00:00:00Z' })
    simulator.clock.advance(60)
    data.update('tickets', { id: 5 }, { status: 'closed', 'requester.name': 'Renamed' })
    simulator.clock.advance(60)
    data.delete('tickets', { id: 6 })

    const records = data.records('tickets')
    expect(ids(records)).toEqual([...ids(tickets()).filter((id) => id !== 6), 100])
    expect(records.find((record) => record.id === 100)!.updated_at).toBe('2024-02-01T00:00:00Z')
    const updated = records.find((record) => record.id === 5)!
    expect(updated).toMatchObject({
      status: 'closed',
      updated_at: '2024-02-01T00:01:00Z',
      requester: { name: 'Renamed', email: 'user5@example.org' },
    })
    const [tombstone] = data.tombstones('tickets')
    expect(tombstone).toEqual({
      id: 6,
      account: 'acme',
      subject: null,
      status: null,
      priority: null,
      tags: null,
      updated_at: '2024-02-01T00:02:00Z',
      requester: null,
    })
    // Served responses see the changes at once.
    const { body } = await getJson(`${url}/v2/tickets?since=2024-02-01T00:00:00Z`, AUTH)
    expect(ids(body)).toEqual([100, 5])
    // Copies: changing what records() returned changes nothing.
    records[0]!.status = 'tampered'
    expect(data.records('tickets')[0]!.status).not.toBe('tampered')
  })

  it('an update that sets the cursor itself is a backdated update and keeps that value', async () => {
    const { simulator } = await startSimulator()
    simulator.data.update('tickets', { id: 1 }, { updated_at: '2023-12-31T00:00:00Z', status: 'late' })
    expect(simulator.data.records('tickets')[0]).toMatchObject({
      id: 1,
      status: 'late',
      updated_at: '2023-12-31T00:00:00Z',
    })
  })

  it('clear errors for unknown tables, missing keys and duplicate inserts', async () => {
    const { simulator } = await startSimulator()
    const data = simulator.data
    expect(() => data.insert('nope', { id: 1 })).toThrow('unknown corpus table "nope"; tables: tickets')
    expect(() => data.records('me')).toThrow(
      'unknown corpus table "me" ("me" is a single object, not a table); tables: tickets',
    )
    expect(() => data.insert('tickets', { id: 1 })).toThrow(SimulatorError)
    expect(() => data.insert('tickets', { id: 1 })).toThrow(
      'insert into "tickets": a record with primary key [1] already exists; use update',
    )
    expect(() => data.update('tickets', { id: 999 }, {})).toThrow(
      'update of "tickets": no record with primary key [999]',
    )
    expect(() => data.delete('tickets', { other: 1 })).toThrow(
      'delete on "tickets": key {"other":1} lacks primary key field(s) id',
    )
    expect(() => data.update('tickets', { id: 1 }, { id: 2 })).toThrow(/primary key fields cannot change/)
  })

  it('insertMany gives every record the same cursor; ties across a page boundary are served by key, deterministically', async () => {
    const { simulator, url } = await startSimulator()
    simulator.clock.set('2024-03-01T00:00:00Z')
    const many = Array.from({ length: 25 }, (_, index) => ({ id: 500 - index, account: 'acme', status: 'open' }))
    simulator.data.insertMany('tickets', many)
    const walk = async () => {
      const pages: number[][] = []
      for (let page = 1; page <= 3; page++) {
        const { body } = await getJson(`${url}/v2/tickets?since=2024-03-01T00:00:00Z&per_page=10&page=${page}`, AUTH)
        pages.push(ids(body) as number[])
      }
      return pages
    }
    const first = await walk()
    expect(first.map((page) => page.length)).toEqual([10, 10, 5])
    expect(first.flat()).toEqual(Array.from({ length: 25 }, (_, index) => 476 + index))
    expect(await walk()).toEqual(first)
    expect(
      new Set(
        simulator.data
          .records('tickets')
          .filter((t) => Number(t.id) > 400)
          .map((t) => t.updated_at),
      ),
    ).toEqual(new Set(['2024-03-01T00:00:00Z']))
  })

  it('reset() restores corpus, clock, faults and log', async () => {
    const { simulator, url } = await startSimulator()
    simulator.clock.advance(3600)
    simulator.data.delete('tickets', { id: 1 })
    simulator.inject({ fault: { kind: 'status', status: 503 } })
    await fetch(`${url}/v2/me`)
    simulator.reset()
    expect(simulator.clock.now()).toBe('2024-06-01T00:00:00Z')
    expect(simulator.data.records('tickets')).toHaveLength(40)
    expect(simulator.data.tombstones('tickets')).toEqual([])
    expect(simulator.requests).toHaveLength(0)
    expect((await fetch(`${url}/v2/me`)).status).toBe(200)
  })
})

describe('deleted endpoints', () => {
  it('serve tombstones through the same filter, sort and cursor-token pagination', async () => {
    const { simulator, url } = await startSimulator()
    simulator.clock.set('2024-04-01T00:00:00Z')
    for (const id of [3, 1, 2]) simulator.data.delete('tickets', { id })
    simulator.clock.advance(10)
    for (const id of [9, 8, 7, 6, 5, 4]) simulator.data.delete('tickets', { id })
    const seen: unknown[] = []
    let next: string | null = ''
    while (next !== null) {
      const { body }: { body: any } = await getJson(`${url}/v2/deleted_tickets${next ? `?cursor=${next}` : ''}`)
      seen.push(...ids(body.results))
      next = body.meta.next_cursor
    }
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]) // updated_at, then id
    const later = await getJson(`${url}/v2/deleted_tickets?since=2024-04-01T00:00:00Z`)
    expect(ids(later.body.results)).toEqual([4, 5, 6, 7, 8])
    expect(later.body.results[0]).toEqual({
      ...Object.fromEntries(Object.keys(tickets()[0]!).map((key) => [key, null])),
      id: 4,
      account: 'globex',
      updated_at: '2024-04-01T00:00:10Z',
    })
  })
})

describe('mutations during a paged read', () => {
  const spec = (style: 'offset_limit' | 'cursor_token'): SourceSpec => ({
    endpoints: [
      {
        path: '/tickets',
        method: 'GET',
        corpus: 'tickets',
        response: {
          pagination_style: style,
          default_sort: 'updated_at',
          ...(style === 'cursor_token' ? { wrapper: { records_key: 'items' } } : {}),
        },
        params: { offset: { role: 'offset' }, limit: { role: 'limit', default: 10 }, cursor: { role: 'cursor' } },
      },
    ],
    corpora: { tickets: { primary_key: ['id'], cursor_field: 'updated_at' } },
  })

  it('offset pagination skips a row when an earlier row is deleted between pages (as real APIs do)', async () => {
    const { simulator, url } = await startSimulator({ spec: spec('offset_limit') })
    const first = ids((await getJson(`${url}/tickets?offset=0`)).body)
    simulator.data.delete('tickets', { id: 1 })
    const second = ids((await getJson(`${url}/tickets?offset=10`)).body)
    expect(first).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(second[0]).toBe(12) // 11 moved to offset 9 and is never served
  })

  it('offset pagination skips a row when an earlier row is updated and re-sorts behind the position', async () => {
    const { simulator, url } = await startSimulator({ spec: spec('offset_limit') })
    const first = ids((await getJson(`${url}/tickets?offset=0`)).body)
    simulator.data.update('tickets', { id: 3 }, { status: 'closed' }) // cursor moves to now: sorts last
    const second = ids((await getJson(`${url}/tickets?offset=10`)).body)
    expect(first).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(second[0]).toBe(12) // 11 moved up to offset 9 and is never served
  })

  it('offset pagination repeats a row when a later row moves ahead of the position (a backdated update)', async () => {
    const { simulator, url } = await startSimulator({ spec: spec('offset_limit') })
    const first = ids((await getJson(`${url}/tickets?offset=0`)).body)
    simulator.data.update('tickets', { id: 30 }, { updated_at: '2023-01-01T00:00:00Z' })
    const second = ids((await getJson(`${url}/tickets?offset=10`)).body)
    expect(first.at(-1)).toBe(10)
    expect(second[0]).toBe(10) // 10 shifted down into the next window and is served again
  })

  it('cursor tokens neither skip nor repeat rows when earlier rows change; moved rows appear at their new place', async () => {
    const { simulator, url } = await startSimulator({ spec: spec('cursor_token') })
    const page = async (token: string | null) =>
      (await getJson(`${url}/tickets${token ? `?cursor=${token}` : ''}`)).body
    const first = await page(null)
    simulator.data.delete('tickets', { id: 1 })
    simulator.data.update('tickets', { id: 2 }, { status: 'closed' })
    simulator.data.insert('tickets', { id: 41, account: 'acme', status: 'open' })
    const seen = ids(first.items)
    let token = first.next_cursor
    while (token) {
      const body = await page(token)
      seen.push(...ids(body.items))
      token = body.next_cursor
    }
    expect(seen).toEqual([...ids(tickets()).slice(0, 10), ...ids(tickets()).slice(10), 2, 41])
  })
})

describe('synthesize_future_records (upstream §5.5)', () => {
  const spec = (count?: number): SourceSpec => ({
    endpoints: [
      {
        path: '/tickets',
        method: 'GET',
        corpus: 'tickets',
        synthesize_future_records: { cursor_field: 'updated_at', ...(count ? { count } : {}) },
      },
    ],
  })

  it('appends clones of the last record at now + 1 h, + 2 h, ... with fresh keys', async () => {
    const { simulator, url } = await startSimulator({ spec: spec(2), now: '2024-02-10T00:00:00Z' })
    const body = (await getJson(`${url}/tickets`)).body
    expect(body).toHaveLength(42)
    expect(body.slice(-2)).toEqual([
      { ...tickets()[39], id: 41, updated_at: '2024-02-10T01:00:00Z' },
      { ...tickets()[39], id: 42, updated_at: '2024-02-10T02:00:00Z' },
    ])
    simulator.reset()
    expect(simulator.data.records('tickets')).toHaveLength(42)
  })

  it('adds nothing when a record already has a future cursor; default count is 3', async () => {
    const past = await startSimulator({ spec: spec(), now: '2024-01-14T10:00:00Z' })
    expect(past.simulator.data.records('tickets')).toHaveLength(43)
    const future = await startSimulator({ spec: spec(), now: '2024-01-14T09:59:59Z' })
    expect(future.simulator.data.records('tickets')).toHaveLength(40)
  })
})

describe('touches: a mutation that also updates related records, as the source does', () => {
  const spec = (touches: unknown): SourceSpec => ({
    endpoints: [
      { path: '/pulls', method: 'GET', corpus: 'pulls' },
      { path: '/reviews', method: 'GET', corpus: 'reviews' },
    ],
    corpora: {
      pulls: { primary_key: ['id'], cursor_field: 'updated_at' },
      reviews: { primary_key: ['id'], cursor_field: 'submitted_at', touches: touches as any },
    },
  })
  const corpus = () => ({
    pulls: [
      { id: 1, number: 10, updated_at: '2024-01-01T00:00:00Z' },
      { id: 2, number: 11, updated_at: '2024-01-01T00:00:00Z' },
      { id: 3, number: null, updated_at: '2024-01-01T00:00:00Z' },
    ],
    reviews: [{ id: 100, pull_number: 10, state: 'COMMENTED', submitted_at: '2024-01-01T00:00:00Z' }],
  })
  const pullTimes = (records: Record<string, unknown>[]) =>
    Object.fromEntries(records.map((record) => [record.id, record.updated_at]))

  it('insert, insertMany and update move the cursor of the matched records only', async () => {
    const { simulator } = await startSimulator({
      spec: spec([{ corpus: 'pulls', match: { number: 'pull_number' } }]),
      corpus: corpus(),
    })
    const data = simulator.data
    simulator.clock.set('2024-02-01T00:00:00Z')
    data.insert('reviews', { id: 101, pull_number: 11, state: 'APPROVED' })
    expect(pullTimes(data.records('pulls'))).toEqual({
      1: '2024-01-01T00:00:00Z',
      2: '2024-02-01T00:00:00Z',
      3: '2024-01-01T00:00:00Z',
    })
    simulator.clock.set('2024-03-01T00:00:00Z')
    data.update('reviews', { id: 100 }, { state: 'DISMISSED' })
    expect(pullTimes(data.records('pulls'))[1]).toBe('2024-03-01T00:00:00Z')
    simulator.clock.set('2024-04-01T00:00:00Z')
    // Matched as text ("10" finds 10); a review without pull_number touches nothing.
    data.insertMany('reviews', [
      { id: 102, pull_number: '10', state: 'APPROVED' },
      { id: 103, pull_number: null, state: 'PENDING' },
    ])
    expect(pullTimes(data.records('pulls'))).toEqual({
      1: '2024-04-01T00:00:00Z',
      2: '2024-02-01T00:00:00Z',
      3: '2024-01-01T00:00:00Z',
    })
  })

  it('without touches, related records stay as they are', async () => {
    const { simulator } = await startSimulator({ spec: spec(undefined), corpus: corpus() })
    simulator.clock.set('2024-02-01T00:00:00Z')
    simulator.data.insert('reviews', { id: 101, pull_number: 11, state: 'APPROVED' })
    expect(new Set(Object.values(pullTimes(simulator.data.records('pulls'))))).toEqual(
      new Set(['2024-01-01T00:00:00Z']),
    )
  })

  it('rules are validated: a declared target with a cursor, and a non-empty match', async () => {
    const problems = (touches: unknown) => {
      try {
        createSimulator({ spec: spec(touches), corpus: corpus() })
      } catch (error) {
        return (error as { issues: { path: string; message: string }[] }).issues.map(
          (issue) => `${issue.path}: ${issue.message}`,
        )
      }
      return []
    }
    expect(problems([{ corpus: 'issues', match: { number: 'pull_number' } }])).toEqual([
      'corpora.reviews.touches[0].corpus: "issues" is not declared under corpora; declared: pulls, reviews',
    ])
    expect(problems([{ corpus: 'pulls', match: {}, when: 'always' }])).toEqual([
      'corpora.reviews.touches[0].when: unknown key "when"; expected one of corpus, match',
      'corpora.reviews.touches[0].match: expected a mapping of target field to a field of this corpus, such as {number: pull_number}, got {}',
    ])
    expect(problems({ corpus: 'pulls' })).toEqual([
      'corpora.reviews.touches: expected a list of {corpus, match}, got {"corpus":"pulls"}',
    ])
  })
})
