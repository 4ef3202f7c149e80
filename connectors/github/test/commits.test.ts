/**
 * The commits table reads half-open windows `[since, since + window_seconds)`. The Python
 * original sent GitHub's inclusive `since` and `until` for both ends, so a commit exactly on
 * a window boundary came back twice. The corpus puts commits on midnight boundaries; these
 * tests align windows to them.
 */
import type { RawRecord } from '@lakeflow/core/connector'
import type { Simulator } from '@lakeflow/simulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { githubConnector, REPO, readAll, readOnce, startSimulator } from './helpers.ts'

const DAY = 86_400_000
let simulator: Simulator
let baseUrl: string

beforeAll(async () => {
  ;({ simulator, baseUrl } = await startSimulator())
})
afterAll(() => simulator.stop())

const commitTime = (commit: Record<string, any>) => Date.parse(commit.commit.committer.date)

/** A corpus commit exactly on a midnight, two weeks after the start of a week-aligned window grid. */
function boundaryCommit(): { sha: string; at: number } {
  const commits = simulator.data.records('commits')
  const onMidnight = commits.filter(
    (commit) => commitTime(commit) % DAY === 0 && commitTime(commit) > Date.parse('2023-06-01T00:00:00Z'),
  )
  expect(onMidnight.length).toBeGreaterThan(0)
  const chosen = onMidnight[0]!
  return { sha: chosen.sha as string, at: commitTime(chosen) }
}

function shas(records: RawRecord[]): string[] {
  return records.map((record) => record.sha as string)
}

describe('commits', () => {
  it('reads a commit on a window boundary once (half-open windows)', async () => {
    const boundary = boundaryCommit()
    const start = new Date(boundary.at - 14 * DAY).toISOString().slice(0, 10)
    const options = { ...REPO, start_date: start, window_seconds: String(7 * 24 * 3600), per_page: '100' }
    const result = await readAll(githubConnector(baseUrl), 'commits', options)
    const read = shas(result.records)
    expect(read.filter((sha) => sha === boundary.sha)).toHaveLength(1)
    expect(new Set(read).size).toBe(read.length)
    const expected = simulator.data
      .records('commits')
      .filter(
        (commit) =>
          commitTime(commit) >= Date.parse(`${start}T00:00:00Z`) &&
          commitTime(commit) < Date.parse('2024-06-02T00:00:00Z'),
      )
    expect(new Set(read)).toEqual(new Set(expected.map((commit) => commit.sha)))
    // The windows really met at the boundary: one request ended just before it, the next started on it.
    const iso = new Date(boundary.at).toISOString().replace('.000', '')
    const windows = simulator.requests
      .filter((request) => request.path.endsWith('/commits'))
      .map((request) => request.query)
    expect(windows.some((query) => query.since === iso)).toBe(true)
    expect(
      windows.some((query) => query.until === new Date(boundary.at - 1000).toISOString().replace('.000', '')),
    ).toBe(true)
  })

  it('resumes inside a window by page when max_records_per_batch cuts it, without loss or duplicates', async () => {
    const options = {
      ...REPO,
      start_date: '2023-01-01',
      window_seconds: String(60 * 24 * 3600),
      per_page: '10',
      max_records_per_batch: '15',
    }
    const result = await readAll(githubConnector(baseUrl), 'commits', options)
    const read = shas(result.records)
    expect(new Set(read).size).toBe(read.length)
    const expected = simulator.data
      .records('commits')
      .filter(
        (commit) =>
          commitTime(commit) >= Date.parse('2023-01-01T00:00:00Z') &&
          commitTime(commit) < Date.parse('2024-06-02T00:00:00Z'),
      )
    expect(read.length).toBe(expected.length)
    // Calls were cut mid-window (page offsets), and every call that returned records moved the offset.
    expect(result.calls.some((call) => typeof call.end?.page === 'number')).toBe(true)
    for (const call of result.calls) {
      if (call.records.length > 0) expect(call.end).not.toEqual(call.start)
    }
  })

  it('finds the oldest commit when there is no start_date, and stops at the server clock', async () => {
    // A commit dated an hour ahead of the server's clock (the simulator stamps inserts with its clock).
    const before = Date.parse(simulator.clock.now())
    simulator.clock.set(new Date(before + 3_600_000).toISOString())
    const template = simulator.data.records('commits')[0]!
    simulator.data.insert('commits', { ...template, sha: 'f'.repeat(40) })
    simulator.clock.set(new Date(before).toISOString())
    const github = githubConnector(baseUrl)
    const options = { ...REPO, window_seconds: String(90 * 24 * 3600) }
    const result = await readAll(github, 'commits', options)
    const everything = simulator.data.records('commits').filter((commit) => commitTime(commit) < before)
    expect(new Set(shas(result.records))).toEqual(new Set(everything.map((commit) => commit.sha)))
    expect(shas(result.records)).not.toContain('f'.repeat(40))
    // The offset stops at the server's clock (its Date header), not past it.
    const cursor = Date.parse(String(result.offset?.cursor))
    expect(cursor).toBe(Math.floor(before / 1000) * 1000)
    // Once caught up, a read returns its start offset and nothing else.
    const again = await readOnce(github, 'commits', result.offset, options)
    expect(again).toEqual({ records: [], offset: result.offset })
  })

  it('reads once each of many commits pushed in the second a read ends on, across page-cut calls', async () => {
    const first = await readAll(githubConnector(baseUrl), 'commits', { ...REPO, start_date: '2024-01-01' })
    // 65 commits in one second (more than two pages), at the server clock the next reads stop at.
    const at = Math.floor(Date.parse(simulator.clock.now()) / 1000) * 1000 + 5000
    simulator.clock.set(new Date(at).toISOString())
    const template = simulator.data.records('commits')[0]!
    const pushed = Array.from({ length: 65 }, (_, index) => ({ ...template, sha: `${index}`.padStart(40, 'e') }))
    simulator.data.insertMany('commits', pushed)
    const options = { ...REPO, start_date: '2024-01-01', per_page: '30', max_records_per_batch: '7' }
    const next = await readAll(githubConnector(baseUrl), 'commits', options, first.offset)
    const read = shas(next.records)
    expect(read.filter((sha) => sha.startsWith('e')).sort()).toEqual(pushed.map((commit) => commit.sha).sort())
    expect(new Set(read).size).toBe(read.length)
    expect(next.calls.length).toBeGreaterThan(3) // cut into pages, then one call that finds nothing new
    expect(next.offset).toMatchObject({ cursor: new Date(at).toISOString().replace('.000', '') })
  })

  it('maps unmatched commit authors ({} and null) to null and flattens the git commit', async () => {
    const { records } = await readAll(githubConnector(baseUrl), 'commits', {
      ...REPO,
      start_date: '2022-06-01',
      window_seconds: String(400 * 24 * 3600),
    })
    const raw = new Map(simulator.data.records('commits').map((commit) => [commit.sha, commit]))
    const emptyAuthor = records.find((record) => JSON.stringify(raw.get(record.sha as string)?.author) === '{}')
    expect(emptyAuthor).toBeDefined()
    expect(emptyAuthor!.author).toBeNull()
    const sample = records[0]!
    const source = raw.get(sample.sha as string) as Record<string, any>
    expect(sample.commit_message).toBe(source.commit.message)
    expect(sample.commit_committer_date).toBe(source.commit.committer.date)
    expect(sample.repository_owner).toBe('octo-org')
  })
})
