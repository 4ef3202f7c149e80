import type { RawRecord } from '@lakeflow/core/connector'
import { LakeflowError } from '@lakeflow/core/errors'
import type { Fault, Simulator } from '@lakeflow/simulator'
import { defineCheck, describeError, Findings, fail } from '../check.ts'
import { readCall, readUntilConverged, recordsOf } from '../reads.ts'
import { canonical } from '../records.ts'
import { endpointFor, pathPattern } from '../spec-helpers.ts'
import type { CheckContext } from '../types.ts'

/**
 * The transient faults every read must survive (retried), or fail on with a classified error.
 * `serverNow` is the simulator's clock (epoch ms): it sends that time as `Date`, so an HTTP
 * date in `Retry-After` is a time on that clock, as a real server's would be on its own.
 */
export const TRANSIENT_FAULTS: readonly { label: string; fault: (serverNow: number) => Fault }[] = [
  { label: '429 with Retry-After: 0', fault: () => ({ kind: 'status', status: 429, retryAfter: '0' }) },
  { label: '429 with Retry-After: 1 (seconds)', fault: () => ({ kind: 'status', status: 429, retryAfter: '1' }) },
  {
    label: '429 with Retry-After as an HTTP date',
    // Two seconds after the Date the fault carries (HTTP dates have whole seconds).
    fault: (serverNow) => ({ kind: 'status', status: 429, retryAfter: httpDate(serverNow, 2000) }),
  },
  {
    label: '429 with Retry-After as a past HTTP date',
    fault: (serverNow) => ({ kind: 'status', status: 429, retryAfter: httpDate(serverNow, -60_000) }),
  },
  { label: '429 without Retry-After', fault: () => ({ kind: 'status', status: 429 }) },
  { label: '503 Service Unavailable', fault: () => ({ kind: 'status', status: 503 }) },
  { label: 'connection reset mid-body', fault: () => ({ kind: 'reset' }) },
  { label: 'truncated JSON body', fault: () => ({ kind: 'truncate' }) },
]

/** The HTTP date `offsetMs` after the whole second of `epochMs`. */
function httpDate(epochMs: number, offsetMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000 + offsetMs).toUTCString()
}

/** A configured table with a simulator endpoint to aim faults at, incremental ones first. */
async function faultTarget(context: CheckContext, wantSnapshot: boolean): Promise<{ table: string; path: RegExp }[]> {
  const plain = await context.plainTables()
  const out: { table: string; path: RegExp }[] = []
  for (const [table, settings] of Object.entries(context.config.tables ?? {})) {
    if (!plain.includes(table)) continue
    const isSnapshot = (await context.metadata(table)).ingestion_type === 'snapshot'
    const endpoint = endpointFor(context.spec, settings.corpus)
    if (endpoint && isSnapshot === wantSnapshot) out.push({ table, path: pathPattern(endpoint) })
  }
  return out
}

/** Whether the simulator served a fault of this kind since `since` requests. */
function faultServed(simulator: Simulator, kind: Fault['kind'], since: number): boolean {
  return simulator.requests.slice(since).some((request) => request.fault === kind)
}

function classified(error: unknown): boolean {
  return LakeflowError.isInstance(error) && typeof (error as LakeflowError).category === 'string'
}

/** Requests a 401 may take: the first, and one retry after renewing the credentials. */
const MAX_AUTH_ATTEMPTS = 2

const multiset = (records: readonly RawRecord[]) => records.map(canonical).sort().join('\n')

const httpResilience = defineCheck({
  id: 'http-resilience',
  title:
    'injected 429s, 503s, resets and truncated bodies are retried (same result) or fail classified, never skipped; a 401 fails as auth',
  source: 'contract-checks §4.5 C20–C22',
  simulatorOnly: true,
  timeoutMs: 120_000,
  async run(context) {
    const simulator = context.requireSimulator()
    const targets = await faultTarget(context, false)
    const target = targets[0] ?? (await faultTarget(context, true))[0]
    if (!target) return context.skip('no configured table with a simulator endpoint')
    const { table, path } = target
    const findings = new Findings(this.id)
    const maxIterations = context.config.readTerminationMaxIterations ?? 50
    const options = context.tableOptions(table)
    const clean = recordsOf(
      (
        await readUntilConverged({
          connector: context.connect(),
          table,
          start: {},
          tableOptions: options,
          maxIterations,
        })
      ).calls,
    )
    const cases: { label: string; fault: (serverNow: number) => Fault; times: number; category?: string }[] = [
      ...TRANSIENT_FAULTS.map((item) => ({ ...item, times: 1 })),
      { label: '503 on every attempt', fault: (): Fault => ({ kind: 'status', status: 503 }), times: 1000 },
      {
        label: '401 on every attempt (credentials revoked mid-read)',
        fault: (): Fault => ({ kind: 'status', status: 401, body: '{"error":"bad credentials"}' }),
        times: 1000,
        category: 'auth',
      },
    ]
    for (const item of cases) {
      const fault = item.fault(Date.parse(simulator.clock.now()))
      const before = simulator.requests.length
      let remove: (() => void) | undefined
      const inject = () => {
        remove ??= simulator.inject({ fault, match: { method: 'GET', path }, times: item.times })
      }
      let outcome: { records: RawRecord[] } | { error: unknown }
      try {
        const result = await readUntilConverged({
          connector: context.connect(),
          table,
          start: {},
          tableOptions: options,
          maxIterations,
          // Strike mid-read: after the first record, so pages already read are at stake.
          callSettings: () => ({ onRecord: inject }),
        })
        outcome = { records: recordsOf(result.calls) }
      } catch (error) {
        outcome = { error }
      } finally {
        remove?.()
      }
      if (!faultServed(simulator, fault.kind, before)) {
        findings.add({
          where: `table ${table}`,
          problem: `the fault "${item.label}" never reached a request`,
          expected: `a request to ${path} after the first record`,
          received: `${simulator.requests.length - before} requests, none faulted`,
          fix: 'the read made no request after its first record; check the tables setting points at the right corpus',
        })
        continue
      }
      if ('error' in outcome) {
        const faulted = simulator.requests.slice(before).filter((request) => request.fault === fault.kind).length
        if (item.category === 'auth' && faulted > MAX_AUTH_ATTEMPTS) {
          findings.add({
            where: `table ${table}`,
            problem: `under "${item.label}" the read asked ${faulted} times before failing`,
            expected: `at most ${MAX_AUTH_ATTEMPTS} requests (one, and one more after renewing the credentials)`,
            received: `${faulted} requests answered 401`,
            fix: "do not retry a 401 beyond one credential refresh; core's client stops by itself",
          })
        }
        if (item.category !== undefined && classified(outcome.error)) {
          const category = (outcome.error as LakeflowError).category
          if (category !== item.category) {
            findings.add({
              where: `table ${table}`,
              problem: `under "${item.label}" the read failed with category ${category}`,
              expected: `a LakeflowError of category ${item.category} (runners tell users to fix credentials by it)`,
              received: describeError(outcome.error),
              fix: "let core's client raise the ApiCallError; do not wrap it in an error of another category",
            })
          }
        }
        if (!classified(outcome.error)) {
          findings.add({
            where: `table ${table}`,
            problem: `under "${item.label}" the read failed with an unclassified error`,
            expected: "a retry, or a LakeflowError with a category (ApiCallError from core's client)",
            received: describeError(outcome.error),
            fix: "make every request through core's HTTP client, which retries and classifies",
          })
        }
        continue
      }
      if (item.times > 1) {
        findings.add({
          where: `table ${table}`,
          problem: `under "${item.label}" the read completed`,
          expected: 'an error once retries are exhausted',
          received: `${outcome.records.length} records and a normal end (of ${clean.length})`,
          fix: 'never catch and drop request errors: a silent partial read loses data for good',
        })
      } else if (multiset(outcome.records) !== multiset(clean)) {
        findings.add({
          where: `table ${table}`,
          problem: `under "${item.label}" the read returned different records`,
          expected: `the ${clean.length} records of a clean read`,
          received: `${outcome.records.length} records`,
          fix: "retry the failed request (core's client does); never skip the page",
        })
      }
    }
    findings.throwIfAny()
  },
})

const snapshotFailureSurfaces = defineCheck({
  id: 'snapshot-failure-surfaces',
  title: 'a snapshot read that fails midway throws, never ends as a partial snapshot',
  source: 'contract-checks §4.5 B19',
  simulatorOnly: true,
  timeoutMs: 120_000,
  async run(context) {
    const simulator = context.requireSimulator()
    const targets = await faultTarget(context, true)
    if (targets.length === 0) return context.skip('no configured snapshot table with a simulator endpoint')
    const findings = new Findings(this.id)
    for (const { table, path } of targets) {
      let tested = false
      for (const strike of ['after-first-record', 'first-request'] as const) {
        const before = simulator.requests.length
        let remove: (() => void) | undefined
        const inject = () => {
          remove ??= simulator.inject({
            fault: { kind: 'status', status: 503 },
            match: { method: 'GET', path },
            times: 1000,
          })
        }
        if (strike === 'first-request') inject()
        let completed: number | undefined
        let error: unknown
        try {
          completed = (
            await readCall(
              context.connect(),
              table,
              null,
              context.tableOptions(table),
              'records',
              strike === 'after-first-record' ? { onRecord: inject } : {},
            )
          ).records.length
        } catch (thrown) {
          error = thrown
        } finally {
          remove?.()
        }
        // A one-page snapshot makes no request after its first record: strike the first request instead.
        if (!faultServed(simulator, 'status', before)) continue
        tested = true
        if (completed !== undefined) {
          fail(this.id, {
            where: `table ${table}`,
            problem: 'the snapshot read ended normally although a page failed',
            expected: 'the error thrown (a runner then keeps the old snapshot)',
            received: `a normal end after ${completed} records`,
            fix: 'let request errors propagate out of the read; a partial snapshot would delete every row not read',
          })
        }
        if (!classified(error)) {
          findings.add({
            where: `table ${table}`,
            problem: 'the failed snapshot threw an unclassified error',
            expected: 'a LakeflowError with a category',
            received: describeError(error),
            fix: "use core's HTTP client",
          })
        }
        break
      }
      if (!tested) {
        findings.add({
          where: `table ${table}`,
          problem: 'no request of the snapshot read could be failed',
          expected: `requests to ${path}`,
          received: 'none faulted',
          fix: 'check the tables setting points at the corpus this table reads',
        })
      }
    }
    findings.throwIfAny()
  },
})

/** HTTP resilience and failure surfacing under injected faults (contract-checks §4.5 B19, C20–C21). */
export const faultChecks = [httpResilience, snapshotFailureSurfaces] as const
