import { describe, expect, it } from 'vitest'
import type { SourceSpec } from '../src/types.ts'
import { getJson, parseLink, startSimulator } from './helpers.ts'

/** 23 orders updated 30 minutes apart from 2024-05-01, three of them sharing one time (ties). */
const orders = Array.from({ length: 23 }, (_, index) => ({
  id: 9000 + index,
  name: `#${1000 + index}`,
  financial_status: index % 4 === 0 ? 'refunded' : 'paid',
  updated_at: new Date(Date.UTC(2024, 4, 1) + (index >= 10 && index <= 12 ? 10 : index) * 1_800_000).toISOString(),
}))

describe('Link header with opaque cursors (page_info style)', () => {
  const spec: SourceSpec = {
    endpoints: [
      {
        path: '/admin/api/{version}/orders.json',
        method: 'GET',
        corpus: 'orders',
        response: {
          pagination_style: 'link_header_cursor',
          default_sort: 'updated_at asc',
          wrapper: { records_key: 'orders' },
        },
        params: {
          updated_at_min: { role: 'filter', field: 'updated_at', op: 'gte' },
          financial_status: { role: 'filter', field: 'financial_status', op: 'eq' },
          limit: { role: 'limit', default: 50, max: 250 },
          page_info: { role: 'cursor' },
          fields: { role: 'ignore' },
        },
      },
    ],
    corpora: { orders: { primary_key: ['id'], cursor_field: 'updated_at' } },
  }

  async function walk(first: string) {
    const pages: number[][] = []
    const links: Record<string, string>[] = []
    let url: string | undefined = first
    while (url) {
      const { status, body, headers } = await getJson(url)
      expect(status).toBe(200)
      pages.push(body.orders.map((order: { id: number }) => order.id))
      const link = parseLink(headers.get('link'))
      links.push(link)
      url = link.next
      expect(pages.length).toBeLessThan(20)
    }
    return { pages, links }
  }

  it('walks every page through rel="next"; next URLs carry only limit and the token, which keeps the filters', async () => {
    const { url } = await startSimulator({ spec, corpus: { orders } })
    const since = orders[4]!.updated_at
    const { pages, links } = await walk(
      `${url}/admin/api/2024-01/orders.json?updated_at_min=${since}&financial_status=paid&limit=4`,
    )
    const expected = orders
      .filter((order, index) => index >= 4 && order.financial_status === 'paid')
      .map((order) => order.id)
    expect(pages.flat()).toEqual(expected)
    expect(pages.map((page) => page.length)).toEqual([4, 4, 4, 2])
    const next = new URL(links[0]!.next!)
    expect([...next.searchParams.keys()].sort()).toEqual(['limit', 'page_info'])
    expect(next.searchParams.get('limit')).toBe('4')
    expect(next.searchParams.get('page_info')).toMatch(/^[\w-]+$/)
    expect(links[0]!.previous).toBeUndefined()
    expect(links.at(-1)!.next).toBeUndefined()
  })

  it('rel="previous" goes back one page', async () => {
    const { url } = await startSimulator({ spec, corpus: { orders } })
    const first = await getJson(`${url}/admin/api/2024-01/orders.json?limit=5`)
    const second = await getJson(parseLink(first.headers.get('link')).next!)
    const third = await getJson(parseLink(second.headers.get('link')).next!)
    const back = await getJson(parseLink(third.headers.get('link')).previous!)
    expect(back.body.orders).toEqual(second.body.orders)
    const backAgain = await getJson(parseLink(back.headers.get('link')).previous!)
    expect(backAgain.body.orders).toEqual(first.body.orders)
  })

  it('a token with filter params is a 400, as the real API refuses it; a bad token is a 400', async () => {
    const { url } = await startSimulator({ spec, corpus: { orders } })
    const first = await getJson(`${url}/admin/api/2024-01/orders.json?limit=5&financial_status=paid`)
    const next = new URL(parseLink(first.headers.get('link')).next!)
    next.searchParams.set('financial_status', 'refunded')
    const mixed = await getJson(next.toString())
    expect(mixed.status).toBe(400)
    expect(mixed.body.error).toContain('page_info cannot be combined with financial_status')
    const bad = await getJson(`${url}/admin/api/2024-01/orders.json?page_info=not-a-token`)
    expect(bad.status).toBe(400)
    expect(bad.body.error).toContain('invalid cursor token')
  })

  it('a record inserted before the position shifts nothing: the next page starts after the last one served', async () => {
    const { url, simulator } = await startSimulator({ spec, corpus: { orders }, now: '2024-05-01T00:00:00Z' })
    const first = await getJson(`${url}/admin/api/2024-01/orders.json?limit=5`)
    simulator.data.update('orders', { id: 9001 }, { updated_at: '2024-04-30T00:00:00Z' })
    const second = await getJson(parseLink(first.headers.get('link')).next!)
    expect(second.body.orders.map((order: { id: number }) => order.id)).toEqual([9005, 9006, 9007, 9008, 9009])
  })
})

describe('incremental export (start_time / end_time / end_of_stream)', () => {
  const spec = (perPage: number): SourceSpec => ({
    endpoints: [
      {
        path: '/api/v2/incremental/tickets.json',
        method: 'GET',
        corpus: 'tickets',
        response: {
          pagination_style: 'incremental_export',
          wrapper: { records_key: 'tickets', next_url_key: 'next_page', count_key: 'count' },
        },
        params: {
          start_time: { role: 'since', field: 'updated_at', format: 'seconds' },
          per_page: { role: 'per_page', default: perPage, max: 1000 },
        },
      },
    ],
    corpora: { tickets: { primary_key: ['id'], cursor_field: 'updated_at' } },
  })
  const tickets = orders.map((order) => ({ id: order.id, subject: order.name, updated_at: order.updated_at }))
  const epoch = (iso: string) => Date.parse(iso) / 1000

  it('serves records at or after start_time oldest first, with end_time, count and next_page', async () => {
    const { url } = await startSimulator({ spec: spec(100), corpus: { tickets } })
    const start = epoch(tickets[20]!.updated_at)
    const { status, body } = await getJson(`${url}/api/v2/incremental/tickets.json?start_time=${start}`)
    expect(status).toBe(200)
    expect(body.tickets.map((ticket: { id: number }) => ticket.id)).toEqual([9020, 9021, 9022])
    expect(body.count).toBe(3)
    expect(body.end_time).toBe(epoch(tickets[22]!.updated_at))
    expect(body.end_of_stream).toBe(true)
    expect(new URL(body.next_page).searchParams.get('start_time')).toBe(String(body.end_time))
  })

  async function exportAll(url: string): Promise<{ pages: number[][]; seen: number[] }> {
    const pages: number[][] = []
    let next: string | undefined = `${url}/api/v2/incremental/tickets.json?start_time=${epoch('2024-01-01T00:00:00Z')}`
    while (next) {
      const { body } = await getJson(next)
      pages.push(body.tickets.map((ticket: { id: number }) => ticket.id))
      next = body.end_of_stream ? undefined : body.next_page
      expect(pages.length).toBeLessThan(30)
    }
    return { pages, seen: [...new Set(pages.flat())].sort() }
  }

  it('a page runs on through the records tied at its last second; following next_page reads everything', async () => {
    const { url } = await startSimulator({ spec: spec(6), corpus: { tickets } })
    const { pages, seen } = await exportAll(url)
    expect(seen).toEqual(tickets.map((ticket) => ticket.id))
    // Records 9010, 9011, 9012 share one second: page 2 ends at 9010 and runs on through the
    // other two; each page starts again at its start_time, repeating the boundary records.
    expect(pages).toEqual([
      [9000, 9001, 9002, 9003, 9004, 9005],
      [9005, 9006, 9007, 9008, 9009, 9010, 9011, 9012],
      [9010, 9011, 9012, 9013, 9014, 9015],
      [9015, 9016, 9017, 9018, 9019, 9020],
      [9020, 9021, 9022],
    ])
  })

  it('more ties than a page: the page holds the whole group and the next one starts after it', async () => {
    const { url } = await startSimulator({ spec: spec(2), corpus: { tickets } })
    const { pages, seen } = await exportAll(url)
    expect(seen).toEqual(tickets.map((ticket) => ticket.id))
    expect(pages).toContainEqual([9010, 9011, 9012])
    expect(pages[pages.indexOf(pages.find((page) => page[0] === 9010 && page.length === 3)!) + 1]).toEqual([9013, 9014])
  })

  it('start_time is required and must be epoch seconds', async () => {
    const { url } = await startSimulator({ spec: spec(5), corpus: { tickets } })
    const missing = await getJson(`${url}/api/v2/incremental/tickets.json`)
    expect(missing.status).toBe(400)
    expect(missing.body.error).toBe('start_time is required: the export starts at that time')
    const iso = await getJson(`${url}/api/v2/incremental/tickets.json?start_time=2024-01-01`)
    expect(iso.status).toBe(400)
    expect(iso.body.error).toBe('start_time must be an epoch time in seconds, got "2024-01-01"')
  })
})

describe('filters reading epoch parameters against ISO record fields', () => {
  it('format: seconds and millis compare as instants; ISO values still work', async () => {
    const spec: SourceSpec = {
      endpoints: [
        {
          path: '/orders',
          method: 'GET',
          corpus: 'orders',
          params: {
            updated_since: { role: 'filter', field: 'updated_at', op: 'gt', format: 'seconds' },
            updated_before_ms: { role: 'filter', field: 'updated_at', op: 'lt', format: 'millis' },
          },
        },
      ],
    }
    const { url } = await startSimulator({ spec, corpus: { orders } })
    const seconds = Date.parse(orders[20]!.updated_at) / 1000
    const after = await getJson(`${url}/orders?updated_since=${seconds}`)
    expect(after.body.map((order: { id: number }) => order.id)).toEqual([9021, 9022])
    const before = await getJson(`${url}/orders?updated_before_ms=${Date.parse(orders[2]!.updated_at)}`)
    expect(before.body.map((order: { id: number }) => order.id)).toEqual([9000, 9001])
    const iso = await getJson(`${url}/orders?updated_since=${orders[21]!.updated_at}`)
    expect(iso.body.map((order: { id: number }) => order.id)).toEqual([9022])
  })
})
