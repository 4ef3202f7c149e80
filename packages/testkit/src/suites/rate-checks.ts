import { type LakeflowConnector, type Offset, supportsPartitions } from '@lakeflow/core/connector'
import { withHttpScope } from '@lakeflow/core/http'
import type { LoggedRequest } from '@lakeflow/simulator'
import { defineCheck, describeError, Findings } from '../check.ts'
import { canonical } from '../records.ts'
import type { CheckContext, RequestRateConfig } from '../types.ts'

/**
 * What the simulator cannot tell apart from the connector's own pace. It runs in the
 * connector's process, so on a busy machine it may read a request late and the next on
 * time, and a new connection delays one request: windows look shorter than they were. Each
 * window gets this much extra time and one extra request, plus the longest delay measured
 * between a client sending a request and the simulator logging it.
 */
const SLACK_MS = 50
const SLACK_REQUESTS = 1
/** Calls of one plain table in a row, at most, while too few requests were seen. */
const MAX_CALLS = 20
/** Most concurrent copies of each read, when one of each makes too few requests to judge. */
const MAX_COPIES = 32

/** The worst window: the most requests over what `burst + rate × window` allows, and where. */
export function worstWindow(
  times: readonly number[],
  perSecond: number,
  burst: number,
  slackMs = SLACK_MS,
): { excess: number; count: number; windowMs: number } {
  const sorted = [...times].sort((left, right) => left - right)
  let worst = { excess: Number.NEGATIVE_INFINITY, count: 0, windowMs: 0 }
  for (let first = 0; first < sorted.length; first++) {
    for (let last = first; last < sorted.length; last++) {
      const windowMs = sorted[last]! - sorted[first]!
      const count = last - first + 1
      const excess = count - (burst + SLACK_REQUESTS + ((windowMs + slackMs) * perSecond) / 1000)
      if (excess > worst.excess) worst = { excess, count, windowMs }
    }
  }
  return worst
}

/** A request's identity as the simulator logs it and as a client's event names it: path and sorted query. */
function requestKey(path: string, query: Iterable<[string, string]>): string {
  return `${path}?${[...query]
    .map(([name, value]) => `${name}=${value}`)
    .sort()
    .join('&')}`
}

/**
 * The longest delay from a client's `request` event to the simulator logging that request
 * (matched by path and query, in order), or 0 when none matched.
 */
function longestLogDelay(sent: ReadonlyMap<string, number[]>, seen: readonly LoggedRequest[]): number {
  const pending = new Map([...sent].map(([key, times]) => [key, [...times]]))
  let longest = 0
  for (const request of seen) {
    const sentAt = pending.get(requestKey(request.path, Object.entries(request.query)))?.shift()
    if (sentAt !== undefined) longest = Math.max(longest, request.at - sentAt)
  }
  return longest
}

/** One unit of concurrent work: a partition or a plain table's first call, with the instance to use. */
interface Job {
  label: string
  /** Reads until done, or until `enough()` says the check has seen enough requests. */
  run: (connector: LakeflowConnector, enough: () => boolean) => Promise<void>
}

/** Every partition of every partitioned table, and one call of every plain table. */
async function jobs(context: CheckContext, probe: LakeflowConnector): Promise<Job[]> {
  const out: Job[] = []
  const limit = context.config.sampleRecords ?? 200
  if (supportsPartitions(probe)) {
    for (const table of await context.partitionedTables()) {
      const options = context.tableOptions(table)
      for (const [index, partition] of (await probe.getPartitions(table, options)).entries()) {
        out.push({
          label: `${table} partition ${index}`,
          run: async (connector, enough) => {
            if (!supportsPartitions(connector)) return
            for await (const _record of connector.readPartition(table, partition, options)) {
              if (enough()) return
            }
          },
        })
      }
    }
  }
  for (const table of await context.plainTables()) {
    out.push({
      label: `${table} (readTable)`,
      run: async (connector, enough) => {
        // Calls in a row (each at most `limit` records) until the check has seen enough requests.
        let offset: Offset | null = {}
        for (let call = 0; call < MAX_CALLS && !enough(); call++) {
          const read = connector.readTable(table, offset, context.tableOptions(table))
          let count = 0
          let step = await read.next()
          for (; !step.done; step = await read.next()) {
            if (++count >= limit || enough()) return void (await read.return(null))
          }
          const end = step.value
          if (end === null || canonical(end) === canonical(offset)) return
          offset = end
        }
      },
    })
  }
  return out
}

const sharedRateBudget = defineCheck({
  id: 'shared-rate-budget',
  title: 'concurrent partitions, tables and instances together keep the declared request rate',
  source: 'contract-checks §4.5 C23',
  simulatorOnly: true,
  timeoutMs: 120_000,
  async run(context) {
    const simulator = context.requireSimulator()
    const declared: RequestRateConfig | undefined = context.config.requestRate
    if (!declared) return context.skip('no request rate declared (requestRate: { perSecond, burst })')
    const burst = declared.burst ?? 1
    const options = { ...context.options, ...declared.options }
    const findings = new Findings(this.id)
    const work = await jobs(context, context.connect(options))
    if (work.length === 0) return context.skip('no table to read')
    const shared = context.connect(options)
    const phases: { label: string; instance: () => LakeflowConnector }[] = [
      { label: 'one instance', instance: () => shared },
      { label: 'one instance per read', instance: () => context.connect(options) },
    ]
    // Enough requests that a breach of the burst and the pace both show past the slack; the
    // reads stop a burst past that (a breach shows in the first window it happens in, and
    // more requests only cost time at the declared rate).
    const wanted = 2 * burst + 4
    const plenty = wanted + burst
    // The second phase starts with as many copies as the first needed.
    let startCopies = 1
    for (const phase of phases) {
      let seen: LoggedRequest[] = []
      let sent = new Map<string, number[]>()
      let copies = startCopies
      // Too few requests: the next round runs enough copies for the requests wanted, judging
      // by this round's count per copy (at least twice as many).
      for (
        ;
        copies <= MAX_COPIES;
        copies = Math.max(copies * 2, Math.ceil((copies * wanted) / Math.max(1, seen.length)))
      ) {
        const before = simulator.requests.length
        const runs = work.flatMap((job) => Array.from({ length: copies }, () => job))
        const enough = () => simulator.requests.length - before >= plenty
        const sentNow = new Map<string, number[]>()
        sent = sentNow
        const onEvent = (event: { type: string; url?: string }) => {
          if (event.type !== 'request' || !event.url) return
          const url = new URL(event.url)
          const key = requestKey(url.pathname, url.searchParams)
          sentNow.set(key, [...(sentNow.get(key) ?? []), Date.now()])
        }
        const outcomes = await withHttpScope({ onEvent }, () =>
          Promise.allSettled(runs.map((job) => job.run(phase.instance(), enough))),
        )
        seen = simulator.requests.slice(before)
        outcomes.forEach((outcome, index) => {
          if (outcome.status === 'rejected')
            context.log(`${phase.label}: ${runs[index]!.label}: ${describeError(outcome.reason)}`)
        })
        if (seen.length >= wanted) break
      }
      copies = Math.min(copies, MAX_COPIES)
      startCopies = copies
      const reads = `${work.length * copies} concurrent reads`
      if (seen.length < wanted) {
        findings.add({
          where: 'connector',
          problem: `${phase.label}: ${seen.length} request(s) from ${reads}, too few to observe a rate`,
          expected: `at least 2 × burst + 4 = ${wanted} requests`,
          received: `${seen.length}`,
          fix: 'check the reads reach the simulator (see the log), or declare a smaller requestRate.burst',
        })
        continue
      }
      const slackMs = SLACK_MS + longestLogDelay(sent, seen)
      const worst = worstWindow(
        seen.map((request) => request.at),
        declared.perSecond,
        burst,
        slackMs,
      )
      if (worst.excess > 0) {
        const allowed = Math.floor(burst + SLACK_REQUESTS + ((worst.windowMs + slackMs) * declared.perSecond) / 1000)
        findings.add({
          where: 'connector',
          problem: `${phase.label}: ${reads} sent requests faster than the declared rate`,
          expected: `at most ${declared.perSecond} requests/s in bursts of ${burst}: ${allowed} in ${worst.windowMs} ms (with ${slackMs} ms (${SLACK_MS} plus the longest measured logging delay) and ${SLACK_REQUESTS} request of measuring slack)`,
          received: `${worst.count} requests in ${worst.windowMs} ms (${seen.length} in all)`,
          fix: 'pace every request with one budget per source account: createRateBudget({ requestsPerSecond, burst, key }) from @lakeflow/core/http, given to each client as rateLimit.budget (the key shares it across instances)',
        })
      }
    }
    findings.throwIfAny()
  },
})

/** Request-rate checks (contract-checks §4.5 C23). */
export const rateChecks = [sharedRateBudget] as const
