/**
 * Offsets saved by the previous release keep working. A pending newest-first walk used to
 * say where it resumes as a distance below its newest record (`{high, depth, page}`), the
 * reviews walk named its cap `pass_cap`/`pass_seen`, and `issue_events` carried the newest
 * event's time as `cursor` next to `last_id`. Each old form, read now, resumes exactly as
 * its current form does: same records, same end offset. Offsets the previous release wrote
 * for the other tables (`{cursor, seen}`, the commits window) have not changed.
 */
import type { Offset } from '@lakeflow/core/connector'
import { InvalidOffsetError } from '@lakeflow/core/errors'
import { formatCursor, parseCursor } from '@lakeflow/core/kit'
import type { Simulator } from '@lakeflow/simulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { githubConnector, REPO, readAll, readOnce, startSimulator } from './helpers.ts'

let simulator: Simulator
let baseUrl: string

beforeAll(async () => {
  ;({ simulator, baseUrl } = await startSimulator())
})
afterAll(() => simulator.stop())

/** The first offset of a capped read that is part way through a walk. */
async function pendingOffset(table: string, options: Record<string, string>): Promise<Offset> {
  const { calls } = await readAll(githubConnector(baseUrl), table, options)
  const pending = calls.find((call) => call.end && 'below' in call.end)?.end
  expect(pending, `${table} had a capped walk`).toBeDefined()
  return pending!
}

/** Time text minus epoch ms (the old `depth` of a time-keyed walk). */
const depthBelow = (high: unknown, below: unknown) => parseCursor(high, 'iso')! - parseCursor(below, 'iso')!

async function expectSameResume(table: string, current: Offset, legacy: Offset, options: Record<string, string>) {
  const fromCurrent = await readOnce(githubConnector(baseUrl), table, current, options)
  const fromLegacy = await readOnce(githubConnector(baseUrl), table, legacy, options)
  expect(fromLegacy.records.map((record) => record.id)).toEqual(fromCurrent.records.map((record) => record.id))
  expect(fromLegacy.records.length).toBeGreaterThan(0)
  expect(fromLegacy.offset).toEqual(fromCurrent.offset)
}

describe('offsets saved by the previous release', () => {
  it('pull_requests: a pending walk {high, high_seen, depth, page} resumes as {high, high_seen, below, page}', async () => {
    const options = { ...REPO, per_page: '20', max_records_per_batch: '25' }
    const current = await pendingOffset('pull_requests', options)
    const { below, ...rest } = current
    const legacy = { ...rest, depth: depthBelow(current.high, below) }
    expect(legacy).toMatchObject({ high: expect.any(String), depth: expect.any(Number), page: expect.any(Number) })
    await expectSameResume('pull_requests', current, legacy, options)
  })

  it('reviews: a pending walk {pass_cap, pass_seen, depth, page} resumes as {high, high_seen, below, page}', async () => {
    const options = { ...REPO, per_page: '30', max_records_per_batch: '40' }
    const current = await pendingOffset('reviews', options)
    const { high, high_seen: seen, below, ...rest } = current
    const legacy = { ...rest, pass_cap: high!, ...(seen ? { pass_seen: seen } : {}), depth: depthBelow(high, below) }
    await expectSameResume('reviews', current, legacy, options)
  })

  it('issue_events: {last_id, cursor} and a pending {high, high_time, depth, page} are read as today', async () => {
    const options = { ...REPO, per_page: '50', max_records_per_batch: '120' }
    const current = await pendingOffset('issue_events', options)
    const time = formatCursor(Date.parse('2024-05-01T00:00:00Z'), 'iso')
    const legacyPending = {
      high: current.high!,
      high_time: time,
      depth: Number(current.high) - Number(current.below),
      page: current.page!,
    }
    await expectSameResume('issue_events', current, legacyPending, options)
    const done = (await readAll(githubConnector(baseUrl), 'issue_events', options)).offset!
    expect(Object.keys(done)).toEqual(['last_id'])
    const quiet = await readOnce(githubConnector(baseUrl), 'issue_events', { ...done, cursor: time }, options)
    expect(quiet).toEqual({ records: [], offset: done })
  })

  it('issues, comments, commits: the offsets the previous release wrote are unchanged', async () => {
    const issue = await readAll(githubConnector(baseUrl), 'issues', { ...REPO, max_records_per_batch: '50' })
    expect(Object.keys(issue.calls[0]!.end ?? {}).sort()).toEqual(expect.arrayContaining(['cursor']))
    const saved = { cursor: '2024-02-02T16:00:00Z', seen: '17,42' }
    const resumed = await readOnce(githubConnector(baseUrl), 'issues', saved, REPO)
    expect(resumed.records.length).toBeGreaterThan(0)
    const commits = { cursor: '2024-01-01T00:00:00Z', page: 2, until: '2024-01-07T23:59:59Z', until_seen: 'abc' }
    await expect(readOnce(githubConnector(baseUrl), 'commits', commits, REPO)).resolves.toBeDefined()
  })

  it('an offset of neither form fails naming the key', async () => {
    for (const [table, offset, key] of [
      ['pull_requests', { cursor: '2024-01-01T00:00:00Z', deepness: 3 }, 'deepness'],
      ['issue_events', { last_id: 'latest' }, 'last_id'],
      ['issues', { cursor: 17 }, 'cursor'],
    ] as const) {
      const error = await readOnce(githubConnector(baseUrl), table, offset, REPO).catch((caught: unknown) => caught)
      expect(InvalidOffsetError.isInstance(error), `${table}: ${String(error)}`).toBe(true)
      expect((error as InvalidOffsetError).key).toBe(key)
      expect((error as InvalidOffsetError).table).toBe(table)
    }
  })
})
