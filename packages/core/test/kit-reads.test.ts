/**
 * Declared tables against the simulator: fan-out with parent keys and encoded path
 * placeholders, newest-first passes resumed below a value, keyset paging with a lookback
 * that re-reads only alongside new records, the server clock as the cap, jumping and tiled
 * windows, snapshot markers, and the requests a table declares.
 */

import type { TObject } from 'typebox'
import { describe, expect, it } from 'vitest'
import { collectRead, createTableConnector, type LakeflowConnector, type Offset } from '../src/connector/index.ts'
import { localClock, type RestTableDeclaration, restTable, serverClock, streamedRecords } from '../src/kit/index.ts'
import { Type } from '../src/options/index.ts'
import { Spark } from '../src/schema/index.ts'
import { itemsEndpoint, type SourceSpec, startKitSimulator } from './support/kit-simulator.ts'

const schema = Spark.table({ id: Spark.long({ nullable: false }), updated_at: Spark.timestamp() })
const minute = (index: number) => new Date(Date.parse('2024-05-01T00:00:00Z') + index * 60_000).toISOString()
const CAP = new Date('2024-06-01T00:00:00Z')

/** A table over the simulator's `/items` (records under `data`, page numbers in the body), changed by `declaration`. */
function itemsTable(declaration: Partial<RestTableDeclaration<TObject>>, size = 3) {
  return restTable({
    name: 'items',
    schema,
    metadata: { primary_keys: ['id'], cursor_field: 'updated_at', ingestion_type: 'cdc' },
    request: { path: '/items' },
    records: 'data',
    paginator: { type: 'page_number', nextPage: 'next_page', size, sizeParam: 'limit' },
    ...declaration,
  })
}

async function readToEnd(connector: LakeflowConnector, table: string, options = {}, start: Offset = {}) {
  const calls: { ids: unknown[]; end: Offset | null }[] = []
  let offset: Offset | null = start
  for (let call = 0; call < 50; call++) {
    const result = await collectRead(connector.readTable(table, offset, options))
    calls.push({ ids: result.records.map((record) => record.id), end: result.offset ?? null })
    if (JSON.stringify(result.offset) === JSON.stringify(offset)) return calls
    offset = result.offset ?? null
  }
  throw new Error('no fixed point')
}

describe('fan-out', () => {
  const spec: SourceSpec = {
    endpoints: [
      {
        path: '/lists',
        method: 'GET' as const,
        corpus: 'lists',
        response: { pagination_style: 'page_number_with_link_header', default_sort: 'id asc' },
        params: { page: { role: 'page' }, per_page: { role: 'per_page', default: 1, max: 1 } },
      },
      {
        path: '/lists/{list_id}/members',
        method: 'GET' as const,
        corpus: 'members',
        path_filters: { list_id: 'list_id' },
        response: { pagination_style: 'page_number_with_link_header', default_sort: 'id asc' },
        params: { page: { role: 'page' }, per_page: { role: 'per_page', default: 2, max: 2 } },
      },
    ],
  }
  const corpus = {
    lists: [{ id: 'north/east' }, { id: 'south west' }],
    members: [1, 2, 3, 4, 5].map((id) => ({
      id,
      list_id: id <= 3 ? 'north/east' : 'south west',
      email: `m${id}@example.com`,
    })),
  }
  const lists = restTable({
    name: 'lists',
    schema: Spark.table({ id: Spark.string({ nullable: false }) }),
    metadata: { ingestion_type: 'snapshot', primary_keys: ['id'] },
    request: { path: '/lists' },
    paginator: 'link_header',
  })
  const members = restTable({
    name: 'members',
    schema: Spark.table({ id: Spark.long(), list: Spark.string(), email: Spark.string() }),
    metadata: { primary_keys: ['id'], ingestion_type: 'snapshot' },
    request: { path: '/lists/{list_id}/members' },
    paginator: 'link_header',
    parent: { table: lists.declaration, fields: { list_id: 'id' } },
    map: (record) => ({ id: record.id, list: record.list_id, email: record.email }),
  })

  it('reads every child of every parent, the parent key filling the encoded path and copied into rows', async () => {
    const { context, simulator } = await startKitSimulator(spec, corpus, () => localClock(CAP))
    const connector = createTableConnector({ name: 'lists', context, tables: [lists, members] })
    const { records, offset } = await collectRead(connector.readTable('members', {}, {}))
    expect(records).toEqual(
      corpus.members.map((member) => ({ id: member.id, list: member.list_id, email: member.email })),
    )
    expect(offset).toEqual({})
    expect(simulator.requests.map((request) => request.path)).toContain('/lists/north%2Feast/members')
    const described = await connector.describeTable('members', {})
    expect(described.requests?.map((request) => request.path)).toEqual(['/lists/{list_id}/members', '/lists'])
  })
})

const eventsCorpus = Array.from({ length: 23 }, (_, index) => ({ id: index + 1, updated_at: minute(index % 20) }))

describe('newest-first passes', () => {
  const spec: SourceSpec = {
    corpora: { events: { primary_key: ['id'], cursor_field: 'updated_at', cursor_format: 'iso' } },
    endpoints: [
      {
        path: '/events',
        method: 'GET' as const,
        corpus: 'events',
        response: { pagination_style: 'page_number_with_link_header', default_sort: 'updated_at desc' },
        params: { page: { role: 'page' }, per_page: { role: 'per_page', default: 4, max: 4 } },
      },
    ],
  }
  const events = restTable({
    name: 'events',
    schema,
    metadata: { primary_keys: ['id'], cursor_field: 'updated_at', ingestion_type: 'cdc' },
    request: { path: '/events' },
    paginator: { type: 'link_header', size: 4, sizeParam: 'per_page' },
    incremental: { order: 'descending', ties: {}, batch: () => 5 },
  })

  it('reads every record once across capped calls; a pending pass resumes below its last value', async () => {
    const { context } = await startKitSimulator(spec, { events: eventsCorpus }, () => localClock(CAP))
    const connector = createTableConnector({ name: 'events', context, tables: [events] })
    const calls = await readToEnd(connector, 'events')
    const ids = calls.flatMap((call) => call.ids)
    expect([...ids].sort((left, right) => Number(left) - Number(right))).toEqual(eventsCorpus.map((event) => event.id))
    const pending = calls.map((call) => call.end).filter((end) => end && 'below' in end) as Offset[]
    expect(pending.length).toBeGreaterThan(1)
    // Within a pass `high` stays and `below` only decreases (their declared order).
    expect(new Set(pending.map((end) => end.high)).size).toBe(1)
    const belows = pending.map((end) => Date.parse(String(end.below)))
    expect(belows).toEqual([...belows].sort((left, right) => right - left))
    expect(calls.at(-1)!.end).toMatchObject({ cursor: minute(19).replace('.000Z', 'Z') })
    expect((await connector.describeTable('events', {})).offset?.ordered).toMatchObject({ below: 'descending' })
  })
})

describe('keyset paging, lookback and the server clock', () => {
  const spec: SourceSpec = {
    corpora: { items: { primary_key: ['id'], cursor_field: 'updated_at', cursor_format: 'iso_millis' } },
    endpoints: [itemsEndpoint('/items', 'items')],
  }
  const items = (clock: 'server' | 'local') =>
    itemsTable({
      incremental: {
        format: 'iso-ms',
        since: { param: 'from', inclusive: true },
        ...(clock === 'local' ? { until: { param: 'until' } } : {}),
        ties: {},
        keyset: true,
        lookbackSeconds: () => 120,
      },
    })
  const corpus = { items: Array.from({ length: 10 }, (_, index) => ({ id: index + 1, updated_at: minute(index) })) }

  it('restarts each page from the last cursor, and re-reads the lookback only alongside something new', async () => {
    const { context, simulator } = await startKitSimulator(spec, corpus, () => localClock(CAP))
    const connector = createTableConnector({ name: 'items', context, tables: [items('local')] })
    const first = await collectRead(connector.readTable('items', {}, {}))
    expect(first.records.map((record) => record.id)).toEqual(corpus.items.map((item) => item.id))
    expect(simulator.requests.filter((request) => request.query.from !== undefined).length).toBeGreaterThan(2)
    const quiet = await collectRead(connector.readTable('items', first.offset!, {}))
    expect(quiet).toMatchObject({ records: [], offset: first.offset })
    simulator.clock.set(minute(30))
    simulator.data.insert('items', { id: 11 })
    const later = createTableConnector({
      name: 'items',
      context: { ...context, clock: localClock(CAP) },
      tables: [items('local')],
    })
    const next = await collectRead(later.readTable('items', first.offset!, {}))
    // The two minutes before the position come back with the new record.
    expect(next.records.map((record) => record.id)).toEqual([8, 9, 10, 11])
  })

  it('caps reads at the server clock: sent as until after one probe, or applied to what the first page says', async () => {
    const { context, simulator } = await startKitSimulator(spec, corpus, () => localClock(CAP), minute(5))
    let probes = 0
    const probe = async () => {
      probes++
      return context.http.getJson('/items', { searchParams: { limit: 1 } })
    }
    // With an until parameter the cap is needed before the first request: one probe asks the server's Date.
    const sent = createTableConnector({
      name: 'items',
      context: { ...context, clock: serverClock({ probe }) },
      tables: [items('local')],
    })
    const capped = await collectRead(sent.readTable('items', {}, {}))
    expect(capped.records.map((record) => record.id)).toEqual([1, 2, 3, 4, 5, 6])
    expect(probes).toBe(1)
    expect(simulator.requests.at(-1)?.query.until).toBe(minute(5))
    // Without one, the first page's Date is the cap and later records are left for a later instance.
    const filtered = createTableConnector({
      name: 'items',
      context: { ...context, clock: serverClock({ probe }) },
      tables: [items('server')],
    })
    expect((await collectRead(filtered.readTable('items', {}, {}))).records.map((record) => record.id)).toEqual([
      1, 2, 3, 4, 5, 6,
    ])
    expect(probes).toBe(1)
  })
})

describe('windows', () => {
  const spec: SourceSpec = {
    corpora: { items: { primary_key: ['id'], cursor_field: 'updated_at', cursor_format: 'iso_millis' } },
    endpoints: [itemsEndpoint('/items', 'items')],
  }
  // Two bursts an hour apart: a window jumps over the empty hour.
  const corpus = {
    items: [0, 1, 2, 63, 64].map((at, index) => ({ id: index + 1, updated_at: minute(at) })),
  }

  it('jumping windows: one window per call from the next record, the offset the window end', async () => {
    const { context } = await startKitSimulator(spec, corpus, () => localClock(CAP))
    const table = itemsTable({
      incremental: {
        format: 'iso-ms',
        since: { param: 'since' },
        until: { param: 'until' },
        window: { seconds: () => 600 },
      },
    })
    const connector = createTableConnector({ name: 'items', context, tables: [table] })
    const calls = await readToEnd(connector, 'items')
    expect(calls.map((call) => call.ids)).toEqual([[1, 2, 3], [4, 5], []])
    expect(calls[0]!.end).toEqual({ cursor: minute(10) })
  })

  it('tiled windows: consecutive windows to the cap, a cut window resumed by page', async () => {
    const { context } = await startKitSimulator(
      {
        ...spec,
        endpoints: [
          itemsEndpoint('/items', 'items', {
            response: {
              pagination_style: 'page_number_in_body',
              default_sort: 'updated_at desc',
              wrapper: { records_key: 'data', next_page_key: 'next_page' },
            },
          }),
        ],
      },
      corpus,
      () => localClock(new Date(minute(70))),
    )
    const table = itemsTable(
      {
        incremental: {
          format: 'iso-ms',
          since: { param: 'from', inclusive: true },
          until: { param: 'until' },
          ties: {},
          batch: () => 2,
          window: { seconds: () => 1800, mode: 'tile', discoverStart: async () => Date.parse(minute(0)) },
        },
      },
      2,
    )
    const connector = createTableConnector({ name: 'items', context, tables: [table] })
    const calls = await readToEnd(connector, 'items')
    expect(calls.flatMap((call) => call.ids).sort()).toEqual([1, 2, 3, 4, 5])
    expect(calls.some((call) => call.end && typeof call.end.page === 'number')).toBe(true)
    expect(calls.at(-1)!.end).toEqual({ cursor: minute(70) })
  })
})

describe('snapshots', () => {
  it('a snapshot marker: the same instance reads nothing more, a later one takes a new snapshot', async () => {
    const spec: SourceSpec = { endpoints: [itemsEndpoint('/items', 'items')] }
    const corpus = { items: [1, 2, 3, 4].map((id) => ({ id, updated_at: minute(id) })) }
    const { context } = await startKitSimulator(spec, corpus, () => localClock(CAP))
    const table = itemsTable({
      metadata: { primary_keys: ['id'], ingestion_type: 'snapshot' },
      snapshot: { marker: 'taken_at' },
    })
    const connector = createTableConnector({ name: 'items', context, tables: [table] })
    const first = await collectRead(connector.readTable('items', null, {}))
    expect(first).toMatchObject({ offset: { taken_at: CAP.toISOString() } })
    expect(first.records).toHaveLength(4)
    expect(await collectRead(connector.readTable('items', first.offset!, {}))).toMatchObject({ records: [] })
    const later = createTableConnector({
      name: 'items',
      context: { ...context, clock: localClock(new Date('2024-07-01T00:00:00Z')) },
      tables: [table],
    })
    expect((await collectRead(later.readTable('items', first.offset!, {}))).records).toHaveLength(4)
  })
})

describe('exports and streamed bodies', () => {
  const second = (index: number) =>
    new Date(Date.parse('2024-05-01T00:00:00Z') + index * 1000).toISOString().replace('.000Z', 'Z')
  // 12 tickets, 5 of them in one second: an export page runs on through a tie, then repeats it.
  const tickets = Array.from({ length: 12 }, (_, index) => ({
    id: index + 1,
    updated_at: second(index < 5 ? 0 : index),
  }))

  it('an incremental export (epoch-second since, next URL, end_of_stream): every record once across capped calls', async () => {
    const spec: SourceSpec = {
      corpora: { tickets: { primary_key: ['id'], cursor_field: 'updated_at', cursor_format: 'iso' } },
      endpoints: [
        {
          path: '/incremental/tickets.json',
          method: 'GET' as const,
          corpus: 'tickets',
          response: {
            pagination_style: 'incremental_export',
            wrapper: { records_key: 'tickets', next_url_key: 'next_page' },
          },
          params: {
            start_time: { role: 'since', field: 'updated_at', format: 'seconds' },
            per_page: { role: 'per_page', default: 3, max: 3 },
          },
        },
      ],
    }
    const { context, simulator } = await startKitSimulator(spec, { tickets }, () => localClock(CAP))
    const table = restTable({
      name: 'tickets',
      schema,
      metadata: { primary_keys: ['id'], cursor_field: 'updated_at', ingestion_type: 'cdc' },
      request: { path: '/incremental/tickets.json' },
      records: 'tickets',
      paginator: { type: 'next_url', next: 'next_page', stop: 'end_of_stream' },
      incremental: {
        since: { param: 'start_time', inclusive: true, format: 'epoch-s' },
        ties: {},
        start: () => 0,
        batch: () => 4,
      },
    })
    const connector = createTableConnector({ name: 'desk', context, tables: [table] })
    const calls = await readToEnd(connector, 'tickets')
    expect(calls.flatMap((call) => call.ids)).toEqual(tickets.map((ticket) => ticket.id))
    expect(calls[0]).toEqual({ ids: [1, 2, 3, 4], end: { cursor: second(0), seen: '1,2,3,4' } })
    expect(simulator.requests[0]?.query.start_time).toBe('0')
  })

  it('NDJSON through gzip, decoded as it arrives, filtered by an epoch-second parameter', async () => {
    const spec: SourceSpec = {
      corpora: { events: { primary_key: ['id'], cursor_field: 'updated_at', cursor_format: 'iso' } },
      endpoints: [
        {
          path: '/export',
          method: 'GET' as const,
          corpus: 'events',
          response: { format: 'ndjson', encoding: 'gzip', default_sort: 'updated_at asc' },
          params: { from_date: { role: 'filter', field: 'updated_at', op: 'gt', format: 'seconds' } },
        },
      ],
    }
    const { context } = await startKitSimulator(spec, { events: tickets }, () => localClock(CAP))
    const table = restTable({
      name: 'events',
      schema,
      metadata: { primary_keys: ['id'], cursor_field: 'updated_at', ingestion_type: 'append' },
      request: { path: '/export' },
      decode: streamedRecords({ format: 'ndjson' }),
      incremental: { since: { param: 'from_date', format: 'epoch-s' } },
    })
    const connector = createTableConnector({ name: 'desk', context, tables: [table] })
    const first = await collectRead(connector.readTable('events', {}, {}))
    expect(first.records.map((record) => record.id)).toEqual(tickets.map((ticket) => ticket.id))
    expect(first.offset).toEqual({ cursor: second(11) })
    const again = await collectRead(connector.readTable('events', { cursor: second(6) }, {}))
    expect(again.records.map((record) => record.id)).toEqual([8, 9, 10, 11, 12])
  })
})

describe('validated bodies', () => {
  it('a page that does not match the declared body schema fails naming the JSON path', async () => {
    const spec: SourceSpec = { endpoints: [itemsEndpoint('/items', 'items')] }
    const { context } = await startKitSimulator(spec, { items: [{ id: 'seven', updated_at: minute(1) }] }, () =>
      localClock(CAP),
    )
    const table = itemsTable({
      metadata: { primary_keys: ['id'], ingestion_type: 'snapshot' },
      bodySchema: Type.Object({ data: Type.Array(Type.Object({ id: Type.Integer() })) }),
    })
    const connector = createTableConnector({ name: 'items', context, tables: [table] })
    const error = await collectRead(connector.readTable('items', null, {})).catch((caught: unknown) => caught)
    expect(String(error)).toMatch(/data\[0\]\.id: expected an integer, got "seven"/)
  })
})

describe('tables discovered from the source', () => {
  it('builds a declared table per custom object from a metadata endpoint, asked once per instance', async () => {
    const spec: SourceSpec = {
      endpoints: [
        {
          path: '/schemas',
          method: 'GET' as const,
          corpus: 'schemas',
          response: { wrapper: { records_key: 'results' } },
        },
        {
          path: '/objects/{object}',
          method: 'GET' as const,
          corpus: 'records',
          path_filters: { object: 'object' },
          response: {
            pagination_style: 'page_number_in_body',
            default_sort: 'id asc',
            wrapper: { records_key: 'results', next_page_key: 'next_page' },
          },
          params: { page: { role: 'page' }, limit: { role: 'per_page', default: 2, max: 2 } },
        },
      ],
    }
    const corpus = {
      schemas: [
        {
          name: 'pets',
          properties: [
            { name: 'species', type: 'string' },
            { name: 'age', type: 'number' },
          ],
        },
        { name: 'cars', properties: [{ name: 'plate', type: 'string' }] },
      ],
      records: [
        { id: 1, object: 'pets', species: 'cat', age: 3 },
        { id: 2, object: 'pets', species: 'dog', age: 5 },
        { id: 3, object: 'pets', species: 'eel', age: 1 },
        { id: 4, object: 'cars', plate: 'AB-123' },
      ],
    }
    const { context, simulator } = await startKitSimulator(spec, corpus, () => localClock(CAP))
    const discover = async () => {
      const { data } = await context.http.getJson<{
        results: { name: string; properties: { name: string; type: string }[] }[]
      }>('/schemas')
      return data.results.map((object) =>
        restTable({
          name: object.name,
          schema: Spark.table({
            id: Spark.long({ nullable: false }),
            ...Object.fromEntries(
              object.properties.map((property) => [
                property.name,
                property.type === 'number' ? Spark.double() : Spark.string(),
              ]),
            ),
          }),
          metadata: { primary_keys: ['id'], ingestion_type: 'snapshot' },
          request: { path: `/objects/${encodeURIComponent(object.name)}` },
          records: 'results',
          paginator: { type: 'page_number', nextPage: 'next_page', size: 2, sizeParam: 'limit' },
          map: ({ object: _object, ...record }) => record,
        }),
      )
    }
    const connector = createTableConnector({ name: 'crm', context, tables: discover })
    expect(await connector.listTables()).toEqual(['pets', 'cars'])
    expect(Object.keys((await connector.getTableSchema('pets', {})).fields)).toEqual(['id', 'species', 'age'])
    const pets = await collectRead(connector.readTable('pets', null, {}))
    expect(pets.records).toEqual([
      { id: 1, species: 'cat', age: 3 },
      { id: 2, species: 'dog', age: 5 },
      { id: 3, species: 'eel', age: 1 },
    ])
    expect((await collectRead(connector.readTable('cars', null, {}))).records).toEqual([{ id: 4, plate: 'AB-123' }])
    expect(simulator.requests.filter((request) => request.path === '/schemas')).toHaveLength(1)
  })
})

describe('POST search endpoints', () => {
  it('sends the since bound inside the body filters, the cursor and page size in the body, every record once', async () => {
    const spec: SourceSpec = {
      corpora: { contacts: { primary_key: ['id'], cursor_field: 'properties.updated', cursor_format: 'iso_millis' } },
      endpoints: [
        {
          path: '/crm/v3/objects/contacts/search',
          method: 'POST' as const,
          corpus: 'contacts',
          response: {
            pagination_style: 'cursor_token',
            wrapper: { records_key: 'results', next_cursor_key: 'paging.next.after' },
          },
          body: {
            filterGroups: { role: 'filter_groups', field_prefix: 'properties.' },
            sorts: { role: 'sorts', field_prefix: 'properties.' },
            after: { role: 'cursor' },
            limit: { role: 'limit', default: 2, max: 2 },
          },
        },
      ],
    }
    const contacts = Array.from({ length: 7 }, (_, index) => ({
      id: index + 1,
      properties: { updated: minute(index), email: `c${index}@example.com` },
    }))
    const { context, simulator } = await startKitSimulator(spec, { contacts }, () => localClock(CAP))
    const table = restTable({
      name: 'contacts',
      schema,
      metadata: { primary_keys: ['id'], cursor_field: 'properties.updated', ingestion_type: 'cdc' },
      request: {
        method: 'POST',
        path: '/crm/v3/objects/contacts/search',
        body: (_options, { since }) => ({
          filterGroups:
            since === undefined ? [] : [{ filters: [{ propertyName: 'updated', operator: 'GT', value: since }] }],
          sorts: [{ propertyName: 'updated', direction: 'ASCENDING' }],
        }),
      },
      records: 'results',
      paginator: { type: 'cursor', param: 'after', next: 'paging.next.after', in: 'json', sizeParam: 'limit', size: 2 },
      incremental: { format: 'iso-ms', since: { param: 'updated', in: 'body', format: 'epoch-ms' }, batch: () => 3 },
    })
    const connector = createTableConnector({ name: 'crm', context, tables: [table] })
    const calls = await readToEnd(connector, 'contacts')
    expect(calls.flatMap((call) => call.ids)).toEqual(contacts.map((contact) => contact.id))
    expect(calls[0]).toMatchObject({ ids: [1, 2, 3], end: { cursor: minute(2) } })
    expect(simulator.requests.every((request) => request.method === 'POST')).toBe(true)
  })
})
