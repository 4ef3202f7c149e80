/**
 * The simulated GitHub's listing parameters as GitHub documents them, and the connector's
 * use of them: `state` on issues and pulls (`open` when absent, `closed`, `all`), `sort`
 * (`created`, `updated`, ... mapped to record fields) with `direction`.
 */
import type { RawRecord } from '@lakeflow/core/connector'
import type { Simulator } from '@lakeflow/simulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { githubConnector, REPO, readAll, startSimulator, TOKEN } from './helpers.ts'

let simulator: Simulator
let baseUrl: string

beforeAll(async () => {
  ;({ simulator, baseUrl } = await startSimulator())
})
afterAll(() => simulator.stop())

/** GETs a listing straight from the simulator, as GitHub would answer it. */
async function listing(path: string, query: Record<string, string>): Promise<RawRecord[]> {
  const url = new URL(`${baseUrl}${path}`)
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value)
  const response = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } })
  expect(response.status).toBe(200)
  return (await response.json()) as RawRecord[]
}

const ids = (records: RawRecord[]) => new Set(records.map((record) => record.id))
const corpusIds = (corpus: string, state?: string) =>
  new Set(
    simulator.data
      .records(corpus)
      .filter((record) => state === undefined || record.state === state)
      .map((record) => record.id),
  )

describe('state', () => {
  for (const path of ['/repos/octo-org/hello-world/issues', '/repos/octo-org/hello-world/pulls']) {
    it(`${path}: open when absent (GitHub's default), closed, or all`, async () => {
      const page = { per_page: '100' }
      const absent = await listing(path, page)
      expect(absent.length).toBeGreaterThan(0)
      expect(absent.every((record) => record.state === 'open')).toBe(true)
      expect((await listing(path, { ...page, state: 'closed' })).every((record) => record.state === 'closed')).toBe(
        true,
      )
      const all = await listing(path, { ...page, state: 'all' })
      expect(new Set(all.map((record) => record.state))).toEqual(new Set(['open', 'closed']))
    })
  }

  for (const table of ['issues', 'pull_requests'] as const) {
    it(`${table}: the table option state: open reads exactly the open ones; the default (all) reads every one`, async () => {
      const connector = githubConnector(baseUrl)
      const open = await readAll(connector, table, { ...REPO, state: 'open' })
      expect(open.records.length).toBeGreaterThan(0)
      expect(ids(open.records)).toEqual(corpusIds(table, 'open'))
      const closed = await readAll(connector, table, { ...REPO, state: 'closed' })
      expect(ids(closed.records)).toEqual(corpusIds(table, 'closed'))
      const every = await readAll(connector, table, REPO)
      expect(ids(every.records)).toEqual(corpusIds(table))
    })
  }

  it('reviews: state: open reads the reviews of open pull requests only', async () => {
    const openPulls = new Set(
      simulator.data
        .records('pull_requests')
        .filter((pull) => pull.state === 'open')
        .map((pull) => pull.number),
    )
    const submitted = simulator.data.records('reviews').filter((review) => typeof review.submitted_at === 'string')
    const expected = new Set(submitted.filter((review) => openPulls.has(review.pull_number)).map((review) => review.id))
    expect(expected.size).toBeGreaterThan(0)
    expect(expected.size).toBeLessThan(submitted.length)
    const result = await readAll(githubConnector(baseUrl), 'reviews', { ...REPO, state: 'open' })
    expect(ids(result.records)).toEqual(expected)
  })
})

/** The value of a time field as epoch ms. */
const timeOf = (record: RawRecord, field: string) => Date.parse(String(record[field]))

/** Whether `records` are ordered by `field` in `direction` (ties allowed). */
function ordered(records: RawRecord[], field: string, direction: 'asc' | 'desc'): boolean {
  return records.every((record, index) => {
    if (index === 0) return true
    const step = timeOf(record, field) - timeOf(records[index - 1]!, field)
    return direction === 'asc' ? step >= 0 : step <= 0
  })
}

describe('sort and direction', () => {
  const cases = [
    ['/repos/octo-org/hello-world/issues', { state: 'all' }, 'created_at', 'desc'],
    ['/repos/octo-org/hello-world/pulls', { state: 'all' }, 'created_at', 'desc'],
    ['/repos/octo-org/hello-world/issues/comments', {}, 'created_at', 'asc'],
    ['/orgs/octo-org/repos', {}, 'created_at', 'desc'],
  ] as const
  for (const [path, query, field, direction] of cases) {
    it(`${path}: GitHub's default order (${field} ${direction}), and every sort value in both directions`, async () => {
      const page = { ...query, per_page: '100' }
      const byDefault = await listing(path, page)
      expect(byDefault.length).toBeGreaterThan(20)
      expect(ordered(byDefault, field, direction)).toBe(true)
      for (const [sort, sortField] of [
        ['created', 'created_at'],
        ['updated', 'updated_at'],
      ] as const) {
        for (const order of ['asc', 'desc'] as const) {
          const records = await listing(path, { ...page, sort, direction: order })
          expect(records).toHaveLength(byDefault.length)
          expect(ordered(records, sortField, order), `${path}?sort=${sort}&direction=${order}`).toBe(true)
          // Not the default order in disguise: the other field is out of order somewhere.
          const otherField = sortField === 'created_at' ? 'updated_at' : 'created_at'
          expect(ordered(records, otherField, order)).toBe(false)
        }
      }
    })
  }

  it('pull_requests: capped reads walk the updated order (newest first) and read every pull request once', async () => {
    const result = await readAll(githubConnector(baseUrl), 'pull_requests', {
      ...REPO,
      per_page: '20',
      max_records_per_batch: '15',
      lookback_seconds: '0',
    })
    expect(result.calls.length).toBeGreaterThan(5)
    expect(result.records).toHaveLength(simulator.data.records('pull_requests').length)
    expect(ids(result.records)).toEqual(corpusIds('pull_requests'))
    for (const call of result.calls) expect(ordered(call.records, 'updated_at', 'desc')).toBe(true)
  })

  it('issues and comments: each call reads oldest update first (sort=updated&direction=asc)', async () => {
    for (const table of ['issues', 'comments'] as const) {
      const result = await readAll(githubConnector(baseUrl), table, {
        ...REPO,
        per_page: '25',
        max_records_per_batch: '40',
      })
      expect(ids(result.records)).toEqual(corpusIds(table))
      for (const call of result.calls) expect(ordered(call.records, 'updated_at', 'asc')).toBe(true)
    }
  })
})
