import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { allChecks, allPartitionChecks, type CheckResult, createSuite, fileChecks } from '../src/index.ts'
import { ndjsonTestConfig } from './files/ndjson-test-config.ts'

/** Checks a file source cannot run: they need an HTTP simulator (faults, request log, rate) or a secret. */
const HTTP_ONLY = [
  'declared-requests',
  'http-resilience',
  'snapshot-failure-surfaces',
  'shared-rate-budget',
  'simulator-hygiene',
  'canary-secret',
]
/** Checks for capabilities the reference file connector does not have (deletes, partitions, a declared offset). */
const NOT_IMPLEMENTED = [
  'offsets-typed',
  'read-table-deletes',
  'deletable-tables',
  'delete-and-read-deletes',
  ...allPartitionChecks.map((check) => check.id),
]

describe('the whole suite against the reference file connector (file fixture)', () => {
  const suite = createSuite(ndjsonTestConfig, allChecks)
  beforeAll(() => suite.start())
  afterAll(() => suite.stop())

  it('registers the file checks for a file source', () => {
    for (const check of fileChecks) expect(suite.checks).toContain(check)
  })

  it('passes every check that applies; the others skip', async () => {
    const results: CheckResult[] = []
    for (const check of suite.checks) results.push(await suite.run(check))
    console.log(
      `contract suite on the file connector:\n${results.map((result) => `${result.status.padEnd(7)} ${String(result.durationMs).padStart(6)} ms  ${result.id}`).join('\n')}`,
    )
    const skippable = new Set([...HTTP_ONLY, ...NOT_IMPLEMENTED])
    const unexpected = results
      .filter((result) => (skippable.has(result.id) ? result.status === 'failed' : result.status !== 'passed'))
      .map((result) => `${result.id}: ${result.status === 'failed' ? result.error.message : result.status}`)
    expect(unexpected).toEqual([])
    // The HTTP checks skip because the source is files, not because of live mode.
    for (const result of results.filter((candidate) => HTTP_ONLY.includes(candidate.id))) {
      expect(result.status === 'skipped' && /file|secret/.test(result.reason), result.id).toBe(true)
    }
  }, 600_000)
})
