/**
 * The request budget (`max_requests_per_second`, default 10/s in bursts of 10): one per
 * token and GitHub host, shared by every connector instance in the process, measured by the
 * simulator's arrival times.
 */
import type { LoggedRequest, Simulator } from '@lakeflow/simulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { githubConnector, REPO, readOnce, startSimulator } from './helpers.ts'

let simulator: Simulator
let baseUrl: string

beforeAll(async () => {
  ;({ simulator, baseUrl } = await startSimulator())
})
afterAll(() => simulator.stop())

/** 24 requests: the 120 branches, 5 a page. */
const BRANCHES = { ...REPO, per_page: '5' }
const BURST = 10

/** Reads branches with each connector at once; returns the requests the simulator saw. */
async function readAtOnce(connectors: ReturnType<typeof githubConnector>[]): Promise<LoggedRequest[]> {
  const before = simulator.requests.length
  const results = await Promise.all(connectors.map((connector) => readOnce(connector, 'branches', {}, BRANCHES)))
  for (const result of results) expect(result.records).toHaveLength(120)
  return simulator.requests.slice(before)
}

/** Milliseconds from the first request to the last. */
const span = (requests: LoggedRequest[]) => requests.at(-1)!.at - requests[0]!.at

describe('request budget', () => {
  it('defaults to 10 requests/s in bursts of 10', async () => {
    const requests = await readAtOnce([githubConnector(baseUrl, { max_requests_per_second: undefined })])
    expect(requests).toHaveLength(24)
    // After the burst, one request per 100 ms: the 24th at least 1.4 s after the first.
    expect(span(requests)).toBeGreaterThanOrEqual(((24 - BURST) / 10) * 1000 - 50)
  })

  it('is shared by every instance with the same token and host', async () => {
    const options = { max_requests_per_second: 20 }
    const requests = await readAtOnce([githubConnector(baseUrl, options), githubConnector(baseUrl, options)])
    expect(requests).toHaveLength(48)
    // One budget for both: (48 - 10) / 20 s at least; two budgets would take about 0.7 s.
    expect(span(requests)).toBeGreaterThanOrEqual(((48 - BURST) / 20) * 1000 - 50)
  })

  it('is not shared between tokens (each account has its own limits)', async () => {
    const requests = await readAtOnce([
      githubConnector(baseUrl, { max_requests_per_second: 20, token: 'ghp_firstAccountToken000000000000000000' }),
      githubConnector(baseUrl, { max_requests_per_second: 20, token: 'ghp_secondAccountToken00000000000000000' }),
    ])
    expect(requests).toHaveLength(48)
    // Each budget paces its own 24 requests: (24 - 10) / 20 s = 0.7 s, well under one shared budget's 1.9 s.
    expect(span(requests)).toBeLessThan(1600)
  })
})
