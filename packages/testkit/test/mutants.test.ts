import type { ConnectorDefinition } from '@lakeflow/core/connector'
import { describe, expect, it } from 'vitest'
import { exampleTestConfig } from '../../../connectors/example/test/example-test-config.ts'
import { allChecks, CheckFailure, checkById, createSuite } from '../src/index.ts'
import { ndjsonTestConfig } from './files/ndjson-test-config.ts'
import * as mutants from './mutants/index.ts'
import { gallery } from './mutants/index.ts'

const mutantsModule = new URL('./mutants/index.ts', import.meta.url).href

describe('the mutant gallery', () => {
  it('has a mutant for every check, and only for checks that exist', () => {
    const ids = allChecks.map((check) => check.id)
    expect(ids.filter((id) => !gallery.some((entry) => entry.check === id))).toEqual([])
    expect(gallery.map((entry) => entry.check).filter((id) => !ids.includes(id))).toEqual([])
  })

  for (const entry of gallery) {
    const check = checkById(entry.check)
    it(
      `${entry.check} fails on ${entry.mutant}: ${entry.defect}`,
      async () => {
        const connector = (mutants as unknown as Record<string, ConnectorDefinition>)[entry.mutant]
        expect(connector, `mutant ${entry.mutant} is exported`).toBeDefined()
        const suite = createSuite(
          {
            ...(entry.files ? ndjsonTestConfig : exampleTestConfig),
            connector: connector!,
            module: mutantsModule,
            exportName: entry.mutant,
            checks: [check],
          },
          allChecks,
        )
        await suite.start()
        try {
          const result = await suite.run(check)
          if (result.status !== 'failed')
            throw new Error(`${entry.check} ${result.status} on ${entry.mutant}; it must fail`)
          // A failure must be a finding with guidance, not an incidental crash of the check.
          expect(CheckFailure.isInstance(result.error), result.error.stack).toBe(true)
          expect(result.error.message).toMatch(/expected: .+\n\s+received: .+\n\s+fix: .+/)
          // And it fails for the defect this mutant carries.
          expect(result.error.message).toMatch(entry.reason)
        } finally {
          await suite.stop()
        }
      },
      (check.timeoutMs ?? 60_000) + 30_000,
    )
  }
})
