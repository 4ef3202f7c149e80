import { describe, expect, it } from 'vitest'
import type { EndpointSpec, PaginationStyle, SourceSpec } from '../src/types.ts'
import { getJson, ids, parseLink, startSimulator, tickets } from './helpers.ts'

const SINCE = '2024-01-03T10:00:00Z'
/** The oracle: tickets updated after SINCE, by updated_at then id. */
const expected = () =>
  ids(
    tickets()
      .filter((ticket) => ticket.updated_at > SINCE)
      .sort((left, right) => left.updated_at.localeCompare(right.updated_at) || left.id - right.id),
  )

function spec(style: PaginationStyle, extra: Partial<EndpointSpec> = {}): SourceSpec {
  const bodyStyle = ['page_number_in_body', 'cursor_token', 'next_url'].includes(style)
  return {
    endpoints: [
      {
        path: '/tickets',
        method: 'GET',
        corpus: 'tickets',
        response: {
          pagination_style: style,
          default_sort: 'updated_at',
          ...(bodyStyle ? { wrapper: { records_key: 'data', extras: { kind: 'tickets' } } } : {}),
        },
        params: {
          since: { role: 'filter', field: 'updated_at', op: 'gt' },
          page: { role: 'page' },
          per_page: { role: 'per_page', default: 7, max: 9 },
          ...(style === 'cursor_token' ? { cursor: { role: 'cursor' } } : {}),
        },
        ...extra,
      },
    ],
    corpora: { tickets: { primary_key: ['id'], cursor_field: 'updated_at' } },
  }
}

/** Follows pages until the style says there are no more; returns ids per page. */
async function walk(first: string, next: (body: any, headers: Headers, url: string) => string | undefined) {
  const pages: unknown[][] = []
  let url: string | undefined = first
  while (url) {
    const { status, body, headers } = await getJson(url)
    expect(status).toBe(200)
    const records = Array.isArray(body) ? body : body.data
    pages.push(ids(records))
    url = next(body, headers, url)
    expect(pages.length).toBeLessThan(50)
  }
  return pages
}

function expectComplete(pages: unknown[][], size: number) {
  const all = pages.flat()
  expect(all).toEqual(expected())
  expect(new Set(all).size).toBe(all.length)
  for (const page of pages.slice(0, -1)) expect(page).toHaveLength(size)
}

describe('pagination styles walk the whole filtered corpus exactly once', () => {
  it('none: everything in one response', async () => {
    const { url } = await startSimulator({ spec: spec('none') })
    const { body } = await getJson(`${url}/tickets?since=${SINCE}&per_page=2`)
    expect(ids(body)).toEqual(expected())
  })

  it('page_number: pages until an empty page', async () => {
    const { url } = await startSimulator({ spec: spec('page_number') })
    let page = 1
    const pages = await walk(`${url}/tickets?since=${SINCE}&page=1`, (body) =>
      body.length === 0 ? undefined : `${url}/tickets?since=${SINCE}&page=${++page}`,
    )
    expect(pages.at(-1)).toEqual([])
    expectComplete(pages.slice(0, -1), 7)
  })

  it('page_number_with_link_header: next/last/first/prev links with absolute URLs', async () => {
    const { url } = await startSimulator({ spec: spec('page_number_with_link_header') })
    const seen: Record<string, string>[] = []
    const pages = await walk(`${url}/tickets?since=${SINCE}&per_page=5`, (_, headers) => {
      const links = parseLink(headers.get('link'))
      seen.push(links)
      return links.next
    })
    expectComplete(pages, 5)
    expect(pages).toHaveLength(7) // 31 records / 5
    expect(Object.keys(seen[0]!).sort()).toEqual(['last', 'next'])
    expect(seen[0]!.next).toBe(`${url}/tickets?since=${encodeURIComponent(SINCE)}&per_page=5&page=2`)
    expect(seen[0]!.last).toBe(`${url}/tickets?since=${encodeURIComponent(SINCE)}&per_page=5&page=7`)
    expect(Object.keys(seen[3]!).sort()).toEqual(['first', 'last', 'next', 'prev'])
    expect(new URL(seen[3]!.prev!).searchParams.get('page')).toBe('3')
    expect(new URL(seen[3]!.first!).searchParams.get('page')).toBe('1')
    expect(Object.keys(seen[6]!).sort()).toEqual(['first', 'prev'])
  })

  it('page_number_in_body: next page number or null in the body, extras kept', async () => {
    const { url } = await startSimulator({ spec: spec('page_number_in_body') })
    const bodies: any[] = []
    const pages = await walk(`${url}/tickets?since=${SINCE}`, (body) => {
      bodies.push(body)
      return body.next_page === null ? undefined : `${url}/tickets?since=${SINCE}&page=${body.next_page}`
    })
    expectComplete(pages, 7)
    expect(bodies[0]).toMatchObject({ kind: 'tickets', next_page: 2 })
    expect(bodies.at(-1).next_page).toBeNull()
  })

  it('offset_limit: offset and limit with declared default and max', async () => {
    const endpoint = spec('offset_limit').endpoints[0]!
    endpoint.params = {
      since: { role: 'filter', field: 'updated_at', op: 'gt' },
      offset: { role: 'offset' },
      limit: { role: 'limit', default: 4, max: 6 },
    }
    const { url } = await startSimulator({ spec: { endpoints: [endpoint] } })
    let offset = 0
    const pages = await walk(`${url}/tickets?since=${SINCE}&limit=6`, (body) => {
      offset += 6
      return body.length < 6 ? undefined : `${url}/tickets?since=${SINCE}&limit=6&offset=${offset}`
    })
    expectComplete(pages, 6)
    expect(ids((await getJson(`${url}/tickets?since=${SINCE}`)).body)).toHaveLength(4) // default
    expect(ids((await getJson(`${url}/tickets?since=${SINCE}&limit=500`)).body)).toHaveLength(6) // clamped to max
    expect(ids((await getJson(`${url}/tickets?since=${SINCE}&limit=0`)).body)).toHaveLength(1) // clamped to 1
    expect(ids((await getJson(`${url}/tickets?since=${SINCE}&offset=-3&limit=x`)).body)).toEqual(expected().slice(0, 4))
  })

  it('cursor_token: opaque token in the body until null', async () => {
    const { url } = await startSimulator({ spec: spec('cursor_token') })
    const tokens: unknown[] = []
    const pages = await walk(`${url}/tickets?since=${SINCE}&per_page=8`, (body) => {
      tokens.push(body.next_cursor)
      return body.next_cursor === null
        ? undefined
        : `${url}/tickets?since=${SINCE}&per_page=8&cursor=${body.next_cursor}`
    })
    expectComplete(pages, 8)
    expect(tokens.at(-1)).toBeNull()
    expect(typeof tokens[0]).toBe('string')
    const bad = await getJson(`${url}/tickets?cursor=not-a-token`)
    expect(bad.status).toBe(400)
    expect(bad.body.error).toMatch(/invalid cursor token/)
  })

  it.each([
    ['cursor', { cursor: { role: 'cursor' }, per_page: { role: 'per_page', default: 7 } }],
    ['page', {}],
    ['offset', { offset: { role: 'offset' }, limit: { role: 'limit', default: 7 } }],
  ] as const)('next_url (%s based): full URL in the body until null', async (kind, params) => {
    const base = spec('next_url').endpoints[0]!
    base.params = {
      since: { role: 'filter', field: 'updated_at', op: 'gt' },
      ...(kind === 'page' ? base.params : params),
    }
    const { url } = await startSimulator({ spec: { endpoints: [base], corpora: spec('none').corpora } })
    const nexts: (string | null)[] = []
    const pages = await walk(`${url}/tickets?since=${SINCE}`, (body) => {
      nexts.push(body.next)
      return body.next ?? undefined
    })
    expectComplete(pages, 7)
    expect(nexts[0]).toMatch(new RegExp(`^${url}/tickets\\?since=`))
    expect(nexts.at(-1)).toBeNull()
  })

  it('per_page: declared default, clamped to [1, max], invalid values give the default', async () => {
    const { url } = await startSimulator({ spec: spec('page_number') })
    const count = async (query: string) => (await getJson(`${url}/tickets?${query}`)).body.length
    expect(await count('')).toBe(7)
    expect(await count('per_page=100')).toBe(9)
    expect(await count('per_page=0')).toBe(1)
    expect(await count('per_page=abc')).toBe(7)
    expect(await count('page=0&per_page=3')).toBe(3) // page < 1 means page 1
    expect(await count('page=999')).toBe(0)
  })

  it('without a declared per_page the page size is 30 (upstream default)', async () => {
    const endpoint = spec('page_number').endpoints[0]!
    endpoint.params = {}
    const { url } = await startSimulator({ spec: { endpoints: [endpoint] } })
    expect((await getJson(`${url}/tickets`)).body).toHaveLength(30)
    expect((await getJson(`${url}/tickets?page=2`)).body).toHaveLength(10)
  })
})
