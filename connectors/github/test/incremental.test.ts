/**
 * Incremental reads against the simulator: records stream page by page, capped reads split
 * only where the cursor value changes, offsets move whenever records are returned, records
 * updated during a read are not lost, the lookback re-reads only alongside new records,
 * and nothing stamped after the server's clock is read.
 */
import type { RawRecord } from '@lakeflow/core/connector'
import type { Simulator } from '@lakeflow/simulator'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { githubConnector, REPO, readAll, readOnce, startSimulator } from './helpers.ts'

let simulator: Simulator
let baseUrl: string

beforeAll(async () => {
  ;({ simulator, baseUrl } = await startSimulator())
})
beforeEach(() => {
  simulator.reset()
  // Mutations are stamped with the simulator's clock; keep it at the real time the server's Date header reports.
  simulator.clock.set(new Date().toISOString())
})
afterAll(() => simulator.stop())

const ids = (records: RawRecord[]) => records.map((record) => record.id)
const corpusIds = (corpus: string) => new Set(simulator.data.records(corpus).map((record) => record.id))

/** Every call that returned records returned an offset different from its start. */
function expectOffsetsMove(calls: { records: RawRecord[]; start: unknown; end: unknown }[]): void {
  for (const call of calls) if (call.records.length > 0) expect(call.end).not.toEqual(call.start)
}

describe('issues (ascending by updated_at, since)', () => {
  it('streams page by page: the first record arrives before the second page is requested', async () => {
    const read = githubConnector(baseUrl).readTable('issues', {}, { ...REPO, per_page: '30' })
    const first = await read.next()
    expect(first.done).toBe(false)
    expect(simulator.requests.filter((request) => request.path.endsWith('/issues'))).toHaveLength(1)
    await read.return(null)
  })

  it('splits capped reads only where updated_at changes, so 45 issues sharing one time are never cut', async () => {
    const options = { ...REPO, per_page: '30', max_records_per_batch: '10', lookback_seconds: '0' }
    const result = await readAll(githubConnector(baseUrl), 'issues', options)
    expect(new Set(ids(result.records))).toEqual(corpusIds('issues'))
    expect(result.records).toHaveLength(300)
    expect(result.calls.length).toBeGreaterThan(20)
    expectOffsetsMove(result.calls)
    const tieTime = '2024-02-02T16:00:00Z'
    const tied = simulator.data.records('issues').filter((record) => record.updated_at === tieTime).length
    expect(tied).toBeGreaterThan(30) // wider than a page and than the cap
    const tieCalls = result.calls.filter((call) => call.records.some((record) => record.updated_at === tieTime))
    expect(tieCalls).toHaveLength(1)
    expect(tieCalls[0]!.records.filter((record) => record.updated_at === tieTime)).toHaveLength(tied)
  })

  it('loses nothing when records are updated while a read is in progress (keyset paging)', async () => {
    const read = githubConnector(baseUrl).readTable('issues', {}, { ...REPO, per_page: '30' })
    const seen: RawRecord[] = []
    for (;;) {
      const step = await read.next()
      if (step.done) break
      seen.push(step.value)
      // After the first page, an issue already read is updated: it moves to the end of the listing and
      // every later issue moves up one place, which page-number paging would turn into a skipped issue.
      if (seen.length === 31) simulator.data.update('issues', { id: seen[0]!.id }, { title: 'Edited during the read' })
    }
    expect(new Set(ids(seen))).toEqual(corpusIds('issues'))
  })

  it('re-reads the lookback window only together with new records', async () => {
    const github = githubConnector(baseUrl)
    const first = await readAll(github, 'issues', REPO)
    const quiet = await readOnce(githubConnector(baseUrl), 'issues', first.offset, REPO)
    expect(quiet).toEqual({ records: [], offset: first.offset })
    const target = simulator.data.records('issues').find((record) => record.number === 7)!
    simulator.data.update('issues', { id: target.id }, { state: 'closed' })
    const next = await readOnce(githubConnector(baseUrl), 'issues', first.offset, REPO)
    expect(ids(next.records)).toContain(target.id)
    expect(next.offset).not.toEqual(first.offset)
    expect(Date.parse(String(next.offset?.cursor))).toBeGreaterThan(Date.parse(String(first.offset?.cursor)))
  })

  it('finds a new record behind more already-read records at the cursor second than a page holds', async () => {
    simulator.clock.set(new Date(Date.now() - 10_000).toISOString())
    const template = simulator.data.records('issues')[0]!
    const burst = Array.from({ length: 120 }, (_, index) => ({
      ...template,
      id: 6_000_000_000 + index,
      number: 7000 + index,
    }))
    simulator.data.insertMany('issues', burst)
    const first = await readAll(githubConnector(baseUrl), 'issues', REPO)
    expect(String(first.offset?.seen).split(',')).toHaveLength(120)
    simulator.clock.set(new Date().toISOString())
    const target = simulator.data.records('issues').find((record) => record.number === 3)!
    simulator.data.update('issues', { id: target.id }, { locked: true })
    const next = await readOnce(githubConnector(baseUrl), 'issues', first.offset, REPO)
    expect(ids(next.records)).toContain(target.id)
  })

  it('reads nothing stamped after the server clock', async () => {
    const now = Date.parse(simulator.clock.now())
    simulator.clock.set(new Date(now + 3_600_000).toISOString())
    const template = simulator.data.records('issues')[0]!
    simulator.data.insert('issues', { ...template, id: 1, number: 9001 })
    simulator.clock.set(new Date(now).toISOString()) // the server's clock: the record is an hour ahead of it
    const result = await readAll(githubConnector(baseUrl), 'issues', REPO)
    expect(ids(result.records)).not.toContain(1)
    expect(Date.parse(String(result.offset?.cursor))).toBeLessThanOrEqual(now)
  })
})

describe('records written in the second a read ends on', () => {
  for (const table of ['issues', 'pull_requests']) {
    it(`${table}: are read next time, and the ones already read are not read again`, async () => {
      const at = new Date(Date.now() - 5000).toISOString()
      simulator.clock.set(at)
      const template = simulator.data.records(table)[0]!
      const record = (id: number) => ({ ...template, id, number: id % 100_000 })
      simulator.data.insertMany(table, [record(7_000_000_002), record(7_000_000_003), record(7_000_000_004)])
      const first = await readAll(githubConnector(baseUrl), table, { ...REPO, lookback_seconds: '0' })
      expect(first.offset).toMatchObject({ cursor: at.replace(/\.\d{3}Z$/, 'Z') })
      // Same second again, ids on both sides of the ones read.
      simulator.data.insertMany(table, [record(7_000_000_001), record(7_000_000_009)])
      const next = await readOnce(githubConnector(baseUrl), table, first.offset, { ...REPO, lookback_seconds: '0' })
      expect(ids(next.records).sort()).toEqual([7_000_000_001, 7_000_000_009])
      const quiet = await readOnce(githubConnector(baseUrl), table, next.offset, { ...REPO, lookback_seconds: '0' })
      expect(quiet).toEqual({ records: [], offset: next.offset })
    })
  }
})

describe('comments', () => {
  it('reads every comment in capped batches, 35 sharing one updated_at included', async () => {
    const options = { ...REPO, per_page: '20', max_records_per_batch: '50' }
    const result = await readAll(githubConnector(baseUrl), 'comments', options)
    expect(new Set(ids(result.records))).toEqual(corpusIds('comments'))
    expectOffsetsMove(result.calls)
  })

  it('commits as it goes by default: without max_records_per_batch a call stops after 5,000 records', async () => {
    const template = simulator.data.records('comments')[0]!
    // Inserts are stamped with the simulator's clock: 52 seconds of 100 comments each.
    const start = Date.now() - 120_000
    for (let second = 0; second < 52; second++) {
      simulator.clock.set(new Date(start + second * 1000).toISOString())
      simulator.data.insertMany(
        'comments',
        Array.from({ length: 100 }, (_, index) => ({ ...template, id: 8_000_000_000 + second * 100 + index })),
      )
    }
    simulator.clock.set(new Date().toISOString())
    const result = await readAll(githubConnector(baseUrl), 'comments', REPO)
    expect(new Set(ids(result.records))).toEqual(corpusIds('comments'))
    // the cap is soft: a call finishes the second it reached 5,000 in
    expect(result.calls[0]!.records.length).toBeGreaterThanOrEqual(5_000)
    expect(result.calls[0]!.records.length).toBeLessThan(result.records.length)
    expectOffsetsMove(result.calls)
  })
})

describe('pull_requests (newest first, no since)', () => {
  it('resumes a capped pass by page below the last time read, with no loss and no duplicates', async () => {
    const options = { ...REPO, per_page: '20', max_records_per_batch: '25' }
    const result = await readAll(githubConnector(baseUrl), 'pull_requests', options)
    expect(ids(result.records)).toHaveLength(corpusIds('pull_requests').size)
    expect(new Set(ids(result.records))).toEqual(corpusIds('pull_requests'))
    // A capped pass resumes below the last second it finished, by page.
    expect(result.calls.some((call) => typeof call.end?.page === 'number' && typeof call.end?.below === 'string')).toBe(
      true,
    )
    expectOffsetsMove(result.calls)
  })

  it('stops at the cursor instead of walking the whole history', async () => {
    const first = await readAll(githubConnector(baseUrl), 'pull_requests', REPO)
    const target = simulator.data.records('pull_requests')[3]!
    simulator.data.update('pull_requests', { id: target.id }, { title: 'Retitled' })
    const before = simulator.requests.length
    const next = await readOnce(githubConnector(baseUrl), 'pull_requests', first.offset, REPO)
    expect(ids(next.records)).toContain(target.id)
    // One page (newest first) holds everything updated since the cursor.
    expect(simulator.requests.slice(before).filter((request) => request.path.endsWith('/pulls'))).toHaveLength(1)
  })
})

describe('issue_events (newest first, id cursor)', () => {
  it('reads every event across capped calls, then only events created since', async () => {
    const options = { ...REPO, per_page: '50', max_records_per_batch: '120' }
    const result = await readAll(githubConnector(baseUrl), 'issue_events', options)
    expect(ids(result.records)).toHaveLength(corpusIds('issue_events').size)
    expect(new Set(ids(result.records))).toEqual(corpusIds('issue_events'))
    expectOffsetsMove(result.calls)
    const template = simulator.data.records('issue_events')[0]!
    simulator.data.insert('issue_events', { ...template, id: 9_999_999_999, event: 'reopened' })
    const next = await readOnce(githubConnector(baseUrl), 'issue_events', result.offset, options)
    expect(ids(next.records)).toEqual([9_999_999_999])
    expect(next.offset).toMatchObject({ last_id: 9_999_999_999 })
  })
})

describe('reviews', () => {
  const submitted = () =>
    new Set(
      simulator.data
        .records('reviews')
        .filter((review) => review.submitted_at)
        .map((review) => review.id),
    )

  it('makes incremental progress: capped calls with real offsets, every submitted review once', async () => {
    const options = { ...REPO, per_page: '30', max_records_per_batch: '40' }
    const result = await readAll(githubConnector(baseUrl), 'reviews', options)
    expect(ids(result.records)).toHaveLength(submitted().size)
    expect(new Set(ids(result.records))).toEqual(submitted())
    expect(result.calls.length).toBeGreaterThan(5)
    expectOffsetsMove(result.calls)
    expect(result.records.every((review) => typeof review.pull_number === 'number')).toBe(true)
  })

  it('reads a new review on a later run, and only it', async () => {
    const first = await readAll(githubConnector(baseUrl), 'reviews', REPO)
    const pull = simulator.data.records('pull_requests')[5]!
    const template = simulator.data.records('reviews')[0]!
    // A minute later on the server's clock; submitting it updates its pull request (the spec's `touches`).
    simulator.clock.advance(60)
    simulator.data.insert('reviews', { ...template, id: 77, pull_number: pull.number, state: 'APPROVED' })
    expect(simulator.data.records('pull_requests')[5]!.updated_at).toBe(simulator.clock.now().replace(/\.\d{3}Z$/, 'Z'))
    const next = await readOnce(githubConnector(baseUrl), 'reviews', first.offset, REPO)
    expect(ids(next.records)).toEqual([77])
    expect(next.offset).not.toEqual(first.offset)
    const quiet = await readOnce(githubConnector(baseUrl), 'reviews', next.offset, REPO)
    expect(quiet).toEqual({ records: [], offset: next.offset })
  })

  it('reads once each review submitted in the second a read ends on, before and after that read', async () => {
    const pulls = simulator.data.records('pull_requests')
    const template = simulator.data.records('reviews')[0]!
    const review = (id: number, pull: number) => ({
      ...template,
      id,
      pull_number: pulls[pull]!.number,
      state: 'APPROVED',
    })
    simulator.data.insertMany('reviews', [review(81, 3), review(82, 7)])
    const first = await readAll(githubConnector(baseUrl), 'reviews', { ...REPO, max_records_per_batch: '25' })
    expect(ids(first.records)).toEqual(expect.arrayContaining([81, 82]))
    // The server's clock has not moved: the read ended in the second the reviews were submitted.
    expect(first.offset).toMatchObject({ cursor: simulator.clock.now().replace(/\.\d{3}Z$/, 'Z') })
    simulator.data.insertMany('reviews', [review(83, 3), review(84, 11)])
    const next = await readAll(githubConnector(baseUrl), 'reviews', REPO, first.offset)
    expect(ids(next.records).sort()).toEqual([83, 84])
    expect(next.offset).toMatchObject({ cursor: first.offset?.cursor })
  })

  it('with pull_number reads that pull request only, incrementally', async () => {
    const number = simulator.data.records('reviews').find((review) => review.submitted_at)!.pull_number as number
    const options = { ...REPO, pull_number: String(number) }
    const result = await readAll(githubConnector(baseUrl), 'reviews', options)
    const expected = simulator.data
      .records('reviews')
      .filter((review) => review.pull_number === number && review.submitted_at)
    expect(new Set(ids(result.records))).toEqual(new Set(expected.map((review) => review.id)))
    expect(result.calls).toHaveLength(2)
  })
})
