/**
 * GitHub Enterprise Server serves the REST API under `/api/v3`. The simulator here serves
 * every endpoint under that prefix only, so a request that dropped it (a relative path
 * joined wrongly, a Link header resolved against the host) would match nothing and fail.
 */
import type { Simulator } from '@lakeflow/simulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { githubConnector, githubSpec, REPO, readAll, startSimulator } from './helpers.ts'

let simulator: Simulator
let baseUrl: string

beforeAll(async () => {
  const spec = githubSpec((source) => {
    for (const endpoint of source.endpoints) endpoint.path = `/api/v3${endpoint.path}`
  })
  ;({ simulator, baseUrl } = await startSimulator(spec))
})
afterAll(() => simulator.stop())

describe('GitHub Enterprise Server base URLs', () => {
  for (const suffix of ['/api/v3', '/api/v3/']) {
    it(`reads every page through ${suffix}, following Link headers under the prefix`, async () => {
      simulator.reset()
      const github = githubConnector(`${baseUrl}${suffix}`)
      const issues = await readAll(github, 'issues', { ...REPO, per_page: '25' })
      expect(new Set(issues.records.map((record) => record.id)).size).toBe(300)
      const events = await readAll(github, 'issue_events', { ...REPO, per_page: '50' })
      expect(events.records.length).toBeGreaterThan(400)
      const { records: branches } = await readAll(github, 'branches', { ...REPO, per_page: '30' })
      expect(branches).toHaveLength(120)
      const coverage = simulator.coverage()
      expect(coverage.unmatched).toEqual([])
      expect(simulator.requests.every((request) => request.path.startsWith('/api/v3/'))).toBe(true)
      // Pagination really happened: several pages of branches were requested.
      expect(simulator.requests.filter((request) => request.path.endsWith('/branches')).length).toBe(4)
    })
  }

  it('without the prefix nothing matches: the check above can fail', async () => {
    simulator.reset()
    const github = githubConnector(baseUrl)
    await expect(readAll(github, 'branches', REPO)).rejects.toThrow(/404/)
  })
})
