import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exampleTestConfig } from '../../../connectors/example/test/example-test-config.ts'
import { allChecks, type CheckResult, createSuite } from '../src/index.ts'

describe('the whole suite against the example connector', () => {
  const suite = createSuite(exampleTestConfig, allChecks)
  beforeAll(() => suite.start())
  afterAll(() => suite.stop())

  it('passes every check, none skipped', async () => {
    const results: CheckResult[] = []
    for (const check of suite.checks) results.push(await suite.run(check))
    const lines = results.map(
      (result) => `${result.status.padEnd(7)} ${String(result.durationMs).padStart(6)} ms  ${result.id}`,
    )
    console.log(`contract suite on the example connector:\n${lines.join('\n')}`)
    const notPassed = results
      .filter((result) => result.status !== 'passed')
      .map((result) => `${result.id}: ${result.status === 'failed' ? result.error.message : result.reason}`)
    expect(notPassed).toEqual([])
  }, 600_000)
})
