/**
 * Live mode: the suite runs against a source it does not control, with credentials from
 * LAKEFLOW_TEST_CONFIG_JSON. Here the "live source" is a simulator this test starts itself
 * (the suite cannot see it), so every check that needs the simulator must skip, with the
 * reason, and the rest must pass.
 */
import { createSimulator, type Simulator } from '@lakeflow/simulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exampleSimulator, exampleTestConfig } from '../../../connectors/example/test/example-test-config.ts'
import { allChecks, type CheckResult, createSuite } from '../src/index.ts'

let source: Simulator
let saved: string | undefined

beforeAll(async () => {
  source = createSimulator({ ...exampleSimulator, now: new Date().toISOString() })
  const baseUrl = await source.start()
  saved = process.env.LAKEFLOW_TEST_CONFIG_JSON
  process.env.LAKEFLOW_TEST_CONFIG_JSON = JSON.stringify({
    options: { base_url: baseUrl, username: 'live-user', password: 'live-password' },
    tableOptions: { metrics: { window_seconds: '7200' } },
  })
})
afterAll(async () => {
  if (saved === undefined) delete process.env.LAKEFLOW_TEST_CONFIG_JSON
  else process.env.LAKEFLOW_TEST_CONFIG_JSON = saved
  await source.stop()
})

describe('live mode', () => {
  it('runs every check that does not need the simulator, and skips the others with a reason', async () => {
    const suite = createSuite({ ...exampleTestConfig, mode: 'live' }, allChecks)
    await suite.start()
    const results: CheckResult[] = []
    try {
      for (const check of allChecks) results.push(await suite.run(check))
    } finally {
      await suite.stop()
    }
    expect(suite.simulator).toBeUndefined()
    const failed = results
      .filter((result) => result.status === 'failed')
      .map((result) => `${result.id}: ${(result as { error: Error }).error.message}`)
    expect(failed).toEqual([])
    const skipped = results.filter((result) => result.status === 'skipped')
    expect(skipped.map((result) => result.id).sort()).toEqual(
      allChecks
        .filter((check) => check.simulatorOnly)
        .map((check) => check.id)
        .sort(),
    )
    for (const result of skipped) expect((result as { reason: string }).reason).toMatch(/needs the simulator/)
    expect(source.requests.length).toBeGreaterThan(0)
  }, 120_000)
})
