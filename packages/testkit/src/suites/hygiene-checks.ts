import {
  type LakeflowConnector,
  type Offset,
  supportsPartitionedStream,
  supportsPartitions,
} from '@lakeflow/core/connector'
import { type HttpEvent, withHttpScope } from '@lakeflow/core/http'
import { secretKeys } from '@lakeflow/core/options'
import { defineCheck, describeError, Findings } from '../check.ts'
import { readCall, readUntilConverged } from '../reads.ts'
import { canonical } from '../records.ts'
import { captureOutput, errorTexts, leaksCanary, newCanary } from '../secrets.ts'
import type { CheckContext } from '../types.ts'
import { BAD_TABLE } from '../unknown-table.ts'

/** Reads every table through every flow the connector has, as a sync would. */
async function exerciseEverything(
  context: CheckContext,
  connector: LakeflowConnector,
  onError: (error: unknown) => void,
  onOffset: (offset: Offset | null) => void = () => {},
): Promise<void> {
  const maxIterations = context.config.readTerminationMaxIterations ?? 50
  const partitioned = new Set(await context.partitionedTables())
  for (const table of await context.tables()) {
    const options = context.tableOptions(table)
    try {
      const metadata = await context.metadata(table)
      const flows =
        metadata.ingestion_type === 'cdc_with_deletes' ? (['records', 'deletes'] as const) : (['records'] as const)
      for (const flow of flows) {
        const result = await readUntilConverged({
          connector,
          table,
          start: {},
          tableOptions: options,
          flow,
          maxIterations,
        })
        for (const call of result.calls) onOffset(call.end ?? null)
      }
    } catch (error) {
      if (!partitioned.has(table)) onError(error)
    }
    if (!partitioned.has(table) || !supportsPartitions(connector)) continue
    try {
      for (const partition of await connector.getPartitions(table, options)) {
        for await (const _record of connector.readPartition(table, partition, options)) {
          // Consumed for its requests.
        }
      }
      if (supportsPartitionedStream(connector)) {
        const latest = await connector.latestOffset(table, options, {})
        onOffset(latest)
        await connector.getPartitions(table, options, {}, latest)
      }
    } catch (error) {
      onError(error)
    }
  }
}

const simulatorHygiene = defineCheck({
  id: 'simulator-hygiene',
  title: 'every request matches a simulator endpoint, and every endpoint is used',
  source: 'contract-checks §4.5 C24',
  simulatorOnly: true,
  timeoutMs: 120_000,
  async run(context) {
    const simulator = context.requireSimulator()
    const findings = new Findings(this.id)
    await exerciseEverything(context, context.connect(), (error) => context.log(`read failed: ${describeError(error)}`))
    const coverage = simulator.coverage()
    if (coverage.unmatched.length > 0) {
      const requests = [...new Set(coverage.unmatched.map((request) => `${request.method} ${request.path}`))]
      findings.add({
        where: 'simulator',
        problem: `${coverage.unmatched.length} request(s) matched no endpoint (answered 404)`,
        expected: 'every request the connector makes described in endpoints.yaml',
        received: requests.slice(0, 5).join(', '),
        fix: 'model the endpoint in the spec, or stop calling it (a connector that ignores 404s hides missing data)',
      })
    }
    const allowed = new Set(context.config.allowUnusedEndpoints ?? [])
    const unused = coverage.unused.filter((endpoint) => !allowed.has(endpoint))
    if (unused.length > 0) {
      findings.add({
        where: 'simulator',
        problem: `endpoint(s) never requested while reading every table: ${unused.join(', ')}`,
        expected: 'every endpoint of the spec used by some read',
        received: `unused: ${unused.join(', ')}`,
        fix: 'a read that never reaches an endpoint skips its data (a delete flow or a later page); remove dead endpoints or list them in allowUnusedEndpoints',
      })
    }
    findings.throwIfAny()
  },
})

const canarySecret = defineCheck({
  id: 'canary-secret',
  title: 'a canary secret never appears in records, offsets, errors, HTTP events or output',
  source: 'contract-checks §4.5 A6',
  timeoutMs: 120_000,
  async run(context) {
    const secrets = secretKeys(context.config.connector.options).filter((key) => context.options[key] !== undefined)
    if (secrets.length === 0) return context.skip('no secret option is set in the test options')
    const canary = newCanary()
    const options = { ...context.options, ...Object.fromEntries(secrets.map((key) => [key, canary])) }
    const findings = new Findings(this.id)
    const texts: { where: string; text: string }[] = []
    const errors: unknown[] = []
    const httpEvents: HttpEvent[] = []
    const { output } = await captureOutput(() =>
      withHttpScope({ onEvent: (event) => httpEvents.push(event) }, async () => {
        const connector = context.connect(options)
        const tables = await context.tables()
        for (const table of tables) {
          try {
            const call = await readCall(connector, table, {}, context.tableOptions(table), 'records', {
              limit: context.config.sampleRecords ?? 200,
            })
            texts.push({ where: `records of ${table}`, text: JSON.stringify(call.records) })
            texts.push({ where: `offset of ${table}`, text: canonical(call.end) })
          } catch (error) {
            errors.push(error)
          }
        }
        await exerciseEverything(
          context,
          connector,
          (error) => errors.push(error),
          (offset) => texts.push({ where: 'an offset', text: canonical(offset) }),
        )
        // Errors on purpose: an unknown table, a bad offset, a bad option, and a rejected request.
        for (const attempt of [
          () => readCall(connector, BAD_TABLE, {}, {}),
          () =>
            readCall(
              connector,
              tables[0] ?? BAD_TABLE,
              { cursor: 'not-a-cursor', page: -1 },
              context.tableOptions(tables[0] ?? ''),
            ),
          async () => context.connect({ ...options, not_an_option_canary: canary }),
        ]) {
          try {
            await attempt()
          } catch (error) {
            errors.push(error)
          }
        }
        if (context.simulator && tables[0] !== undefined) {
          const remove = context.simulator.inject({
            fault: { kind: 'status', status: 401, body: '{"error":"bad credentials"}' },
            times: 1000,
          })
          try {
            await readCall(context.connect(options), tables[0], {}, context.tableOptions(tables[0]))
          } catch (error) {
            errors.push(error)
          } finally {
            remove()
          }
        }
      }),
    )
    texts.push({ where: 'an HTTP event (request, retry, rate-limit wait)', text: JSON.stringify(httpEvents) })
    for (const error of errors)
      for (const text of errorTexts(error))
        texts.push({ where: `an error (${describeError(error).slice(0, 80)})`, text })
    texts.push({ where: 'stdout, stderr or the console', text: output })
    for (const { where, text } of texts) {
      if (leaksCanary(text, canary)) {
        findings.add({
          where: 'connector',
          problem: `the secret option value appeared in ${where}`,
          expected: 'secrets redacted everywhere ([REDACTED])',
          received: `a text containing the canary: ${text.replaceAll(canary, '<CANARY>').slice(0, 200)}`,
          fix: "mark secret options with secret(...), build errors with core's LakeflowError (it redacts), never log headers or options",
        })
        break
      }
    }
    if (errors.length === 0) context.log('no error was raised; only records, offsets and output were scanned')
    findings.throwIfAny()
  },
})

/** Simulator hygiene and secret hygiene (contract-checks §4.5 A6, C24). */
export const hygieneChecks = [simulatorHygiene, canarySecret] as const
