import { describe, expect, it } from 'vitest'
import type { SourceSpec } from '../src/types.ts'
import { startSimulator } from './helpers.ts'

/** 25 CRM contacts, modified one hour apart from 2024-03-01, in two lifecycle stages. */
const contacts = Array.from({ length: 25 }, (_, index) => ({
  id: String(501 + index),
  properties: {
    email: `contact${index}@example.com`,
    lifecyclestage: index % 3 === 0 ? 'customer' : 'lead',
    hs_lastmodifieddate: new Date(Date.UTC(2024, 2, 1) + index * 3_600_000).toISOString(),
  },
  archived: false,
}))

/** A CRM search endpoint: filters, sorts and paging all in the POST body. */
const searchSpec: SourceSpec = {
  endpoints: [
    {
      path: '/crm/v3/objects/contacts/search',
      method: 'POST',
      corpus: 'contacts',
      response: {
        pagination_style: 'cursor_token',
        wrapper: { records_key: 'results', next_cursor_key: 'paging.next.after', total_key: 'total' },
      },
      body: {
        filterGroups: { role: 'filter_groups', field_prefix: 'properties.', fields: { hs_object_id: 'id' } },
        sorts: { role: 'sorts', field_prefix: 'properties.' },
        after: { role: 'cursor' },
        limit: { role: 'limit', default: 3, max: 5 },
      },
    },
  ],
  corpora: { contacts: { primary_key: ['id'] } },
}

async function search(url: string, body: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}/crm/v3/objects/contacts/search`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  return { status: response.status, body: await response.json() }
}

/** Walks every page, sending `paging.next.after` back in the body. */
async function walk(url: string, query: Record<string, unknown>): Promise<{ pages: string[][]; total: number }> {
  const pages: string[][] = []
  let after: string | undefined
  let total = -1
  for (;;) {
    const { status, body } = await search(url, { ...query, ...(after ? { after } : {}) })
    expect(status).toBe(200)
    pages.push(body.results.map((record: { id: string }) => record.id))
    total = body.total
    after = body.paging.next.after ?? undefined
    if (!after) return { pages, total }
    expect(pages.length).toBeLessThan(20)
  }
}

const modified = (index: number) => contacts[index]!.properties.hs_lastmodifieddate

describe('POST search bodies (CRM search style)', () => {
  it('filters by epoch-millisecond GTE against ISO dates, sorts descending, pages with after', async () => {
    const { url } = await startSimulator({ spec: searchSpec, corpus: { contacts } })
    const since = Date.parse(modified(5))
    const { pages, total } = await walk(url, {
      filterGroups: [{ filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: String(since) }] }],
      sorts: [{ propertyName: 'hs_lastmodifieddate', direction: 'DESCENDING' }],
      limit: 100,
    })
    const expected = contacts
      .slice(5)
      .map((contact) => contact.id)
      .reverse()
    expect(pages.map((page) => page.length)).toEqual([5, 5, 5, 5])
    expect(pages.flat()).toEqual(expected)
    expect(total).toBe(20)
  })

  it('filter groups are alternatives; filters in a group all apply; GT, LT, EQ, IN, BETWEEN', async () => {
    const { url } = await startSimulator({ spec: searchSpec, corpus: { contacts } })
    const ids = async (filterGroups: unknown) => (await walk(url, { filterGroups })).pages.flat()
    expect(
      await ids([
        {
          filters: [
            { propertyName: 'lifecyclestage', operator: 'EQ', value: 'customer' },
            { propertyName: 'hs_lastmodifieddate', operator: 'LT', value: modified(10) },
          ],
        },
        { filters: [{ propertyName: 'hs_object_id', operator: 'IN', values: ['524', '525'] }] },
      ]),
    ).toEqual(['501', '504', '507', '510', '524', '525'])
    expect(
      await ids([
        {
          filters: [
            {
              propertyName: 'hs_lastmodifieddate',
              operator: 'BETWEEN',
              value: Date.parse(modified(2)),
              highValue: modified(4),
            },
          ],
        },
      ]),
    ).toEqual(['503', '504', '505'])
    expect(
      await ids([{ filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GT', value: modified(23) }] }]),
    ).toEqual(['525'])
  })

  it('without filters or sorts: every record once, in key order', async () => {
    const { url } = await startSimulator({ spec: searchSpec, corpus: { contacts } })
    const { pages, total } = await walk(url, {})
    expect(pages.flat()).toEqual(contacts.map((contact) => contact.id))
    expect(total).toBe(25)
  })

  it.each([
    [
      { filterGroups: [{ filters: [{ propertyName: 'x', operator: 'NEARLY', value: 1 }] }] },
      'filterGroups[0].filters[0].operator: unknown operator "NEARLY"; expected one of EQ, NEQ, GT, GTE, LT, LTE, IN, CONTAINS_TOKEN, HAS_PROPERTY, NOT_HAS_PROPERTY, BETWEEN',
    ],
    [{ filterGroups: [{ nope: [] }] }, 'filterGroups[0]: expected {filters: [...]}'],
    [
      { sorts: [{ propertyName: 'x', direction: 'UP' }] },
      'sorts[0].direction: expected ASCENDING or DESCENDING, got "UP"',
    ],
    ['{"filterGroups": [', 'request body is not valid JSON'],
  ])('a malformed body is a 400 that says what is wrong (%#)', async (body, message) => {
    const { url, simulator } = await startSimulator({ spec: searchSpec, corpus: { contacts } })
    const { status, body: answer } = await search(url, body)
    expect(status).toBe(400)
    expect(answer.error).toContain(message)
    expect(simulator.requests.at(-1)!.body).toBe(typeof body === 'string' ? body : JSON.stringify(body))
  })
})

describe('offset and limit in the body (report style)', () => {
  const rows = Array.from({ length: 12 }, (_, index) => ({
    dimensionValues: [{ value: `2024010${(index % 9) + 1}` }],
    metricValues: [{ value: String(index * 10) }],
    row: index,
  }))
  const spec: SourceSpec = {
    endpoints: [
      {
        path: '/v1beta/properties/{property}:runReport',
        method: 'POST',
        corpus: 'rows',
        response: {
          pagination_style: 'offset_limit',
          wrapper: { records_key: 'rows', total_key: 'rowCount', extras: { kind: 'analyticsData#runReport' } },
        },
        body: {
          offset: { role: 'offset' },
          limit: { role: 'limit', default: 5, max: 100 },
          'dimensionFilter.value': { role: 'filter', field: 'dimensionValues.0.value', op: 'eq' },
        },
      },
    ],
    corpora: { rows: { primary_key: ['row'] } },
  }

  it('pages by offset and limit read from the body, with the row count', async () => {
    const { url } = await startSimulator({ spec, corpus: { rows } })
    const seen: number[] = []
    for (let offset = 0; ; offset += 5) {
      const response = await fetch(`${url}/v1beta/properties/123:runReport`, {
        method: 'POST',
        body: JSON.stringify({ dateRanges: [{ startDate: '2024-01-01', endDate: 'today' }], offset, limit: 5 }),
      })
      const body = (await response.json()) as { rows?: { row: number }[]; rowCount: number; kind: string }
      expect(body.rowCount).toBe(12)
      expect(body.kind).toBe('analyticsData#runReport')
      if (!body.rows?.length) break
      seen.push(...body.rows.map((row) => row.row))
    }
    expect(seen).toEqual(rows.map((row) => row.row))
    const filtered = await fetch(`${url}/v1beta/properties/123:runReport`, {
      method: 'POST',
      body: JSON.stringify({ dimensionFilter: { value: '20240103' } }),
    })
    expect(((await filtered.json()) as { rows: { row: number }[] }).rows.map((row) => row.row)).toEqual([2, 11])
  })
})
