import { describe, expect, it } from 'vitest'
import { generatedCorpus } from '../src/index.ts'
import type { SourceSpec } from '../src/types.ts'
import { getJson, ids, parseLink, startSimulator } from './helpers.ts'

const BASE = Date.parse('2024-01-01T00:00:00Z')
/** Record i: three records share each second (cursor ties), ids ascending. */
const issue = (index: number) => ({
  id: index + 1,
  updated_at: new Date(BASE + Math.floor(index / 3) * 1000).toISOString().replace('.000Z', 'Z'),
  state: index % 5 === 0 ? 'closed' : 'open',
  title: `Issue ${index + 1}`,
})

function spec(): SourceSpec {
  const params = {
    since: { role: 'filter', field: 'updated_at', op: 'gt' },
    until: { role: 'filter', field: 'updated_at', op: 'lte' },
    id: { role: 'filter', field: 'id', op: 'eq' },
    state: { role: 'filter', field: 'state', op: 'eq' },
    sort: { role: 'sort_by' },
    direction: { role: 'sort_order' },
    page: { role: 'page' },
    per_page: { role: 'per_page', default: 100, max: 100 },
  } as const
  return {
    endpoints: [
      {
        path: '/issues',
        method: 'GET',
        corpus: 'issues',
        response: { pagination_style: 'page_number_with_link_header', default_sort: 'updated_at' },
        params,
      },
      {
        path: '/stream',
        method: 'GET',
        corpus: 'issues',
        response: { pagination_style: 'cursor_token', default_sort: 'updated_at', wrapper: { records_key: 'items' } },
        params: { since: params.since, cursor: { role: 'cursor' }, limit: { role: 'limit', default: 100 } },
      },
    ],
    corpora: { issues: { primary_key: ['id'], cursor_field: 'updated_at' } },
  }
}

function counted(count: number) {
  const calls = { value: 0 }
  const corpus = generatedCorpus({
    count,
    template: (index) => {
      calls.value++
      return issue(index)
    },
  })
  return { corpus, calls }
}

describe('generated corpus', () => {
  it('serves a million records by index math: a filtered page costs a few dozen template calls', async () => {
    const { corpus, calls } = counted(1_000_000)
    const { url } = await startSimulator({ spec: spec(), corpus: { issues: corpus } })
    const since = issue(600_000).updated_at // records 600000..600002 share it
    const first = await getJson(`${url}/issues?since=${since}`)
    expect(ids(first.body)).toEqual(Array.from({ length: 100 }, (_, index) => 600_004 + index))
    expect(calls.value).toBeLessThan(200)
    const last = parseLink(first.headers.get('link')).last!
    expect(new URL(last).searchParams.get('page')).toBe(String(Math.ceil(399_997 / 100)))
    const lastPage = await getJson(last)
    expect(ids(lastPage.body).at(-1)).toBe(1_000_000)
    expect(lastPage.body).toHaveLength(399_997 % 100)
    const window = await getJson(`${url}/issues?since=${issue(10).updated_at}&until=${issue(20).updated_at}`)
    expect(ids(window.body)).toEqual([13, 14, 15, 16, 17, 18, 19, 20, 21])
    expect(ids((await getJson(`${url}/issues?id=777777`)).body)).toEqual([777_777])
    expect(ids((await getJson(`${url}/issues?direction=desc&per_page=3`)).body)).toEqual([1_000_000, 999_999, 999_998])
  })

  it('cursor tokens resume by binary search, across cursor ties at page boundaries', async () => {
    const { corpus, calls } = counted(1_000_000)
    const { url } = await startSimulator({ spec: spec(), corpus: { issues: corpus } })
    const seen: number[] = []
    let next: string | null = ''
    for (let page = 0; page < 5; page++) {
      const { body }: { body: any } = await getJson(
        `${url}/stream?since=${issue(499_999).updated_at}&limit=7${next ? `&cursor=${next}` : ''}`,
      )
      seen.push(...(ids(body.items) as number[]))
      next = body.next_cursor
    }
    expect(seen).toEqual(Array.from({ length: 35 }, (_, index) => 500_002 + index))
    expect(calls.value).toBeLessThan(500)
  })

  it('other filters and sorts scan but agree with a brute-force oracle', async () => {
    const count = 2_000
    const all = Array.from({ length: count }, (_, index) => issue(index))
    const { url } = await startSimulator({
      spec: spec(),
      corpus: { issues: generatedCorpus({ count, template: issue }) },
    })
    const closed = all.filter((record) => record.state === 'closed' && record.updated_at > all[100]!.updated_at)
    const served: number[] = []
    for (let page = 1; page <= 5; page++) {
      served.push(
        ...(ids(
          (await getJson(`${url}/issues?state=closed&since=${all[100]!.updated_at}&page=${page}`)).body,
        ) as number[]),
      )
    }
    expect(served).toEqual(ids(closed))
    const byTitle = [...all].sort((left, right) => (left.title < right.title ? -1 : left.title > right.title ? 1 : 0))
    expect(ids((await getJson(`${url}/issues?sort=title&per_page=20`)).body)).toEqual(ids(byTitle.slice(0, 20)))
  })

  it('is read-only, with a clear error', async () => {
    const { simulator } = await startSimulator({
      spec: spec(),
      corpus: { issues: generatedCorpus({ count: 3, template: issue }) },
    })
    expect(() => simulator.data.insert('issues', { id: 9 })).toThrow(
      'insert on "issues": generated corpora are read-only; use an in-memory corpus to mutate',
    )
    expect(ids(simulator.data.records('issues'))).toEqual([1, 2, 3])
    expect(() => generatedCorpus({ count: -1, template: issue })).toThrow(
      'generatedCorpus: count must be a non-negative integer, got -1',
    )
  })
})
