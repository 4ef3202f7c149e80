import { afterEach, describe, expect, it } from 'vitest'
import { ApiCallError } from '../src/errors/index.ts'
import {
  apiKeyAuth,
  createHttpClient,
  createPaginator,
  type HttpClient,
  nextLinkFromHeader,
  type Page,
  paginateCursor,
  paginateLinkHeader,
  paginateNextUrl,
  paginateOffset,
  paginatePageNumber,
  paginateWith,
  selectPath,
} from '../src/http/index.ts'
import { type RecordedRequest, type ScriptedServer, send, startScriptedServer } from './support/scripted-server.ts'

let server: ScriptedServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

/** Seven records served in pages of three: [1,2,3] [4,5,6] [7]. */
const ALL = [1, 2, 3, 4, 5, 6, 7].map((id) => ({ id }))
const slice = (from: number, size = 3) => ALL.slice(from, from + size)

async function collect<Item>(pages: AsyncIterable<Page<Item>>): Promise<{ pages: number; records: Item[] }> {
  let count = 0
  const records: Item[] = []
  for await (const page of pages) {
    count++
    records.push(...page.records)
  }
  return { pages: count, records }
}

/** Proves laziness: page 2 is requested only after the consumer asks for it. */
async function expectLazy(pages: AsyncGenerator<Page>, path: string): Promise<void> {
  const first = await pages.next()
  expect(first.done).toBe(false)
  await new Promise((resolve) => setTimeout(resolve, 50))
  expect(server!.hits(path)).toHaveLength(1)
  await pages.next()
  expect(server!.hits(path)).toHaveLength(2)
  await pages.return(undefined)
  expect(server!.hits(path)).toHaveLength(2)
}

function client(): HttpClient {
  return createHttpClient({ baseUrl: server!.url, retry: { backoffBaseMs: 5 } })
}

describe('Link header', () => {
  function linkPages(request: RecordedRequest, response: Parameters<typeof send>[0]): void {
    const page = Number(request.url.searchParams.get('page') ?? '1')
    const headers: Record<string, string> = {}
    const links = []
    if (page < 3) links.push(`<${server!.url}/issues?per_page=3&page=${page + 1}>; rel="next"`)
    links.push(`<${server!.url}/issues?per_page=3&page=3>; rel="last"`)
    headers.link = links.join(', ')
    send(response, { headers, body: slice((page - 1) * 3) })
  }

  it('follows rel="next" to the end', async () => {
    server = await startScriptedServer({ '/issues': linkPages })
    const result = await collect(
      paginateLinkHeader(client(), { path: '/issues', searchParams: { per_page: 3 }, records: '' }),
    )
    expect(result.pages).toBe(3)
    expect(result.records).toEqual(ALL)
    expect(server.hits('/issues').map((request) => request.url.search)).toEqual([
      '?per_page=3',
      '?per_page=3&page=2',
      '?per_page=3&page=3',
    ])
  })

  it('is lazy', async () => {
    server = await startScriptedServer({ '/issues': linkPages })
    await expectLazy(paginateLinkHeader(client(), { path: '/issues', records: '' }), '/issues')
  })

  it('stops at maxPages', async () => {
    server = await startScriptedServer({ '/issues': linkPages })
    const result = await collect(paginateLinkHeader(client(), { path: '/issues', records: '', maxPages: 2 }))
    expect(result).toEqual({ pages: 2, records: ALL.slice(0, 6) })
  })

  it('parses Link headers with several relations, spaces and relative URLs', () => {
    const base = 'https://api.example.com/v1/items?page=1'
    expect(
      nextLinkFromHeader('<https://x.test/a?page=2>; rel="next", <https://x.test/a?page=9>; rel="last"', base),
    ).toBe('https://x.test/a?page=2')
    expect(nextLinkFromHeader('<https://x.test/a?p=9>; rel="last", <https://x.test/a?p=2>; rel=next', base)).toBe(
      'https://x.test/a?p=2',
    )
    expect(nextLinkFromHeader('</v1/items?page=2>; title="x, y"; rel="prev next"', base)).toBe(
      'https://api.example.com/v1/items?page=2',
    )
    expect(nextLinkFromHeader('<https://x.test/a?p=1>; rel="prev"', base)).toBeUndefined()
    expect(nextLinkFromHeader(null, base)).toBeUndefined()
  })

  it('keeps auth query parameters out of page URLs while re-applying them', async () => {
    server = await startScriptedServer({ '/issues': linkPages })
    const keyed = createHttpClient({ baseUrl: server.url, auth: apiKeyAuth('key-1234', { query: 'api_key' }) })
    const urls: string[] = []
    for await (const page of paginateLinkHeader(keyed, { path: '/issues', records: '' })) urls.push(page.url)
    expect(urls.every((url) => !url.includes('api_key'))).toBe(true)
    expect(server.hits('/issues').every((request) => request.url.searchParams.get('api_key') === 'key-1234')).toBe(true)
  })
})

describe('next URL in the body', () => {
  function nextPages(request: RecordedRequest, response: Parameters<typeof send>[0]): void {
    const from = Number(request.url.searchParams.get('from') ?? '0')
    const next = from + 3 < ALL.length ? `/v1/items?from=${from + 3}` : null
    send(response, { body: { results: slice(from), links: { next } } })
  }

  it('follows a relative next URL given at a JSON path', async () => {
    server = await startScriptedServer({ '/v1/items': nextPages })
    const result = await collect(
      paginateNextUrl(client(), { path: '/v1/items', records: 'results', nextUrl: 'links.next' }),
    )
    expect(result).toEqual({ pages: 3, records: ALL })
  })

  it('takes a function for the next URL, and is lazy', async () => {
    server = await startScriptedServer({ '/v1/items': nextPages })
    const pages = paginateNextUrl<unknown, { links: { next: string | null } }>(client(), {
      path: '/v1/items',
      records: (body) => (body as unknown as { results: unknown[] }).results,
      nextUrl: (body) => body.links.next,
    })
    await expectLazy(pages, '/v1/items')
  })

  it('refuses a next URL that points back to a page already read', async () => {
    server = await startScriptedServer({ '/v1/items': { body: { results: [1], next: '/v1/items' } } })
    const error = await collect(
      paginateNextUrl(client(), { path: '/v1/items', records: 'results', nextUrl: 'next' }),
    ).catch((thrown: unknown) => thrown)
    expect(ApiCallError.isInstance(error)).toBe(true)
    expect((error as ApiCallError).message).toMatch(/already read/)
    expect(server.hits('/v1/items')).toHaveLength(1)
  })

  it('reports records that are not an array, naming the path', async () => {
    server = await startScriptedServer({ '/v1/items': { body: { results: { not: 'an array' } } } })
    const error = await collect(
      paginateNextUrl(client(), { path: '/v1/items', records: 'results', nextUrl: 'next' }),
    ).catch((thrown: unknown) => thrown)
    expect(ApiCallError.isInstance(error)).toBe(true)
    expect((error as ApiCallError).message).toMatch(/expected an array of records at "results"/)
    expect((error as ApiCallError).category).toBe('source')
  })
})

describe('cursor token', () => {
  function cursorPages(request: RecordedRequest, response: Parameters<typeof send>[0]): void {
    const cursor = request.url.searchParams.get('cursor') ?? JSON.parse(request.body || '{}').cursor
    const from = cursor ? Number(String(cursor).replace('c', '')) : 0
    const next = from + 3 < ALL.length ? `c${from + 3}` : ''
    send(response, { body: { data: slice(from), meta: { next_cursor: next } } })
  }

  it('sends the cursor as a query parameter until it runs out', async () => {
    server = await startScriptedServer({ '/list': cursorPages })
    const pages = paginateCursor(client(), {
      path: '/list',
      searchParams: { limit: 3 },
      records: 'data',
      cursorParam: 'cursor',
      nextCursor: 'meta.next_cursor',
    })
    expect(await collect(pages)).toEqual({ pages: 3, records: ALL })
    expect(server.hits('/list').map((request) => request.url.search)).toEqual([
      '?limit=3',
      '?limit=3&cursor=c3',
      '?limit=3&cursor=c6',
    ])
  })

  it('sends the cursor in a JSON body, and is lazy', async () => {
    server = await startScriptedServer({ 'POST /list': cursorPages })
    const pages = paginateCursor(client(), {
      path: '/list',
      request: { method: 'POST', json: { page_size: 3 } },
      records: 'data',
      cursorParam: 'cursor',
      nextCursor: 'meta.next_cursor',
      cursorIn: 'json',
    })
    await expectLazy(pages, '/list')
    expect(server.hits('/list').map((request) => JSON.parse(request.body))).toEqual([
      { page_size: 3 },
      { page_size: 3, cursor: 'c3' },
    ])
  })

  it('stops when hasMore is false even if a cursor came back', async () => {
    server = await startScriptedServer({ '/list': { body: { data: [1, 2], has_more: false, next: 'x' } } })
    const pages = paginateCursor(client(), {
      path: '/list',
      records: 'data',
      cursorParam: 'starting_after',
      nextCursor: 'next',
      hasMore: 'has_more',
    })
    expect(await collect(pages)).toEqual({ pages: 1, records: [1, 2] })
  })
})

describe('page number', () => {
  function numbered(total: boolean) {
    return (request: RecordedRequest, response: Parameters<typeof send>[0]): void => {
      const page = Number(request.url.searchParams.get('page'))
      const size = Number(request.url.searchParams.get('per_page') ?? '3')
      send(response, {
        body: { items: ALL.slice((page - 1) * size, page * size), ...(total ? { total_pages: 3 } : {}) },
      })
    }
  }

  it('stops at a short page', async () => {
    server = await startScriptedServer({ '/tickets': numbered(false) })
    const pages = paginatePageNumber(client(), {
      path: '/tickets',
      records: 'items',
      pageSize: 3,
      pageSizeParam: 'per_page',
    })
    expect(await collect(pages)).toEqual({ pages: 3, records: ALL })
    expect(server.hits('/tickets').map((request) => request.url.search)).toEqual([
      '?per_page=3&page=1',
      '?per_page=3&page=2',
      '?per_page=3&page=3',
    ])
  })

  it('stops at an empty page when no page size is known', async () => {
    server = await startScriptedServer({ '/tickets': numbered(false) })
    const pages = paginatePageNumber(client(), { path: '/tickets', records: 'items' })
    expect(await collect(pages)).toEqual({ pages: 4, records: ALL })
  })

  it('stops at a body-provided page count, and is lazy', async () => {
    server = await startScriptedServer({ '/tickets': numbered(true) })
    expect(
      await collect(paginatePageNumber(client(), { path: '/tickets', records: 'items', totalPages: 'total_pages' })),
    ).toEqual({
      pages: 3,
      records: ALL,
    })
    server.requests.length = 0
    await expectLazy(paginatePageNumber(client(), { path: '/tickets', records: 'items' }), '/tickets')
  })
})

describe('offset and limit', () => {
  function offsets(request: RecordedRequest, response: Parameters<typeof send>[0]): void {
    const offset = Number(request.url.searchParams.get('offset'))
    const limit = Number(request.url.searchParams.get('limit'))
    send(response, { body: { results: ALL.slice(offset, offset + limit), total: ALL.length } })
  }

  it('stops at a short page', async () => {
    server = await startScriptedServer({ '/contacts': offsets })
    const pages = paginateOffset(client(), { path: '/contacts', records: 'results', limit: 3 })
    expect(await collect(pages)).toEqual({ pages: 3, records: ALL })
    expect(server.hits('/contacts').map((request) => request.url.search)).toEqual([
      '?offset=0&limit=3',
      '?offset=3&limit=3',
      '?offset=6&limit=3',
    ])
  })

  it('stops at the body-provided total without requesting an empty page', async () => {
    server = await startScriptedServer({ '/contacts': offsets })
    const pages = paginateOffset(client(), { path: '/contacts', records: 'results', limit: 7, total: 'total' })
    expect(await collect(pages)).toEqual({ pages: 1, records: ALL })
    expect(server.hits('/contacts')).toHaveLength(1)
  })

  it('is lazy', async () => {
    server = await startScriptedServer({ '/contacts': offsets })
    await expectLazy(paginateOffset(client(), { path: '/contacts', records: 'results', limit: 3 }), '/contacts')
  })
})

describe('paginators by name, config or object', () => {
  it('follows an @odata.nextLink (a key with a dot) to the last page; a split path would stop after page 1', async () => {
    server = await startScriptedServer({
      '/odata/Items': (request, response) => {
        const skip = Number(request.url.searchParams.get('$skip') ?? '0')
        const next = skip + 3 < ALL.length ? `${server!.url}/odata/Items?$skip=${skip + 3}` : undefined
        send(response, { body: { value: slice(skip), ...(next ? { '@odata.nextLink': next } : {}) } })
      },
    })
    const pages = paginateWith(
      client(),
      { type: 'next_url', next: '@odata.nextLink' },
      { path: '/odata/Items', records: 'value' },
    )
    expect(await collect(pages)).toEqual({ pages: 3, records: ALL })
    expect(selectPath({ meta: { '@odata.count': 7 } }, 'meta.@odata.count')).toBe(7)
    expect(selectPath({ 'a.b': { c: 1 }, a: { b: { c: 2 } } }, 'a.b.c')).toBe(1)
    expect(selectPath({ 'a.b': 1 }, ['a', 'b'])).toBeUndefined()
  })

  it('a POST search: the cursor goes back in the JSON body, other body fields kept', async () => {
    server = await startScriptedServer({
      'POST /search': (request, response) => {
        const body = JSON.parse(request.body) as { after?: number; filter: string }
        expect(body.filter).toBe('open')
        const from = body.after ?? 0
        send(response, {
          body: { results: slice(from), paging: from + 3 < ALL.length ? { next: { after: from + 3 } } : {} },
        })
      },
    })
    const pages = paginateWith(
      client(),
      { type: 'cursor', param: 'after', next: 'paging.next.after', in: 'json' },
      {
        path: '/search',
        records: 'results',
        request: { method: 'POST', json: { filter: 'open' } },
      },
    )
    expect(await collect(pages)).toEqual({ pages: 3, records: ALL })
    expect(server.hits('/search').map((request) => JSON.parse(request.body).after)).toEqual([undefined, 3, 6])
  })

  it('a stop flag ends the listing even when a next page is named (end_of_stream)', async () => {
    server = await startScriptedServer({
      '/export': (request, response) => {
        const page = Number(request.url.searchParams.get('page') ?? '1')
        send(response, { body: { tickets: slice((page - 1) * 3), next_page: page + 1, end_of_stream: page === 2 } })
      },
    })
    const pages = paginateWith(
      client(),
      { type: 'page_number', nextPage: 'next_page', stop: 'end_of_stream' },
      { path: '/export', records: 'tickets' },
    )
    expect(await collect(pages)).toEqual({ pages: 2, records: ALL.slice(0, 6) })
  })

  it('a page number from the body must move forward', async () => {
    server = await startScriptedServer({ '/records': { body: { records: [{ id: 1 }], next_page: 1 } } })
    const error = await collect(
      paginateWith(client(), { type: 'page_number', nextPage: 'next_page' }, { path: '/records', records: 'records' }),
    ).catch((thrown: unknown) => thrown)
    expect(String(error)).toMatch(/expected the next page number after 1, got 1/)
  })

  it('describes itself, and refuses an unknown name', () => {
    expect(
      createPaginator({ type: 'page_number', nextPage: 'next_page', sizeParam: 'limit', size: 20 }).description,
    ).toEqual({
      type: 'page_number',
      pageSize: { param: 'limit', value: 20 },
      nextFromBody: true,
    })
    expect(createPaginator('link_header').description.type).toBe('link_header')
    expect(() => createPaginator('pages' as never)).toThrow(/unknown paginator "pages"/)
  })
})
