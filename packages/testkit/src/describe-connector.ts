import { afterAll, beforeAll, describe, it } from 'vitest'
import { createSuite } from './suite.ts'
import { allChecks, streamChecks } from './suites/index.ts'
import type { ConnectorTestConfig } from './types.ts'

/**
 * Registers the contract suite for a connector with vitest: one test per check, the
 * simulator (or the `source` fixture) started before the first and stopped after the last.
 * Simulator-only checks are skipped (with the reason) when `LAKEFLOW_TEST_MODE=live` or
 * against a source fixture, which runs the stream checks instead.
 * @example
 * // connectors/acme/test/contract.test.ts
 * describeConnector({
 *   connector,
 *   module: new URL('../src/index.ts', import.meta.url).href,
 *   options: ({ baseUrl }) => ({ base_url: baseUrl, token: 'sim-token' }),
 *   simulator: { spec: specPath, corpus: corpusDir },
 *   tables: { tickets: { corpus: 'tickets', newRecord: (i) => ({ id: 9000 + i, title: `t${i}` }) } },
 * })
 */
export function describeConnector(config: ConnectorTestConfig): void {
  // A source fixture (a broker) also runs the stream checks, which produce through it.
  const suite = createSuite(config, config.source ? [...allChecks, ...streamChecks] : allChecks)
  describe(`contract: ${config.connector.packageName} (${suite.mode})`, () => {
    beforeAll(() => suite.start(), 120_000)
    afterAll(() => suite.stop())
    for (const check of suite.checks) {
      it(
        `${check.id}: ${check.title}`,
        async (context) => {
          const result = await suite.run(check)
          if (result.status === 'skipped') context.skip(result.reason)
          if (result.status === 'failed') {
            if (result.log.length > 0) result.error.message += `\nlog:\n${result.log.join('\n')}`
            throw result.error
          }
        },
        check.timeoutMs ?? 60_000,
      )
    }
  })
}
