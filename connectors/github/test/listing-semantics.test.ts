/**
 * The simulated GitHub's listing parameters as GitHub documents them, and the connector's
 * use of them: `state` on issues and pulls (`open` when absent, `closed`, `all`).
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
