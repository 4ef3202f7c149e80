import type { LakeflowConnector, Offset } from '@lakeflow/core/connector'
import { defineCheck, Findings, show } from '../check.ts'
import { randomInt } from '../random.ts'
import { readCall } from '../reads.ts'
import { canonical } from '../records.ts'
import { withBatch } from '../table-options.ts'
import type { Check, CheckContext, SourceFixture } from '../types.ts'

const ROUNDS = 4
const MAX_CALLS_PER_ROUND = 200

/** The fixture's `append` and `identity`, or a skip saying what is missing. */
function appendable(context: CheckContext): Required<Pick<SourceFixture, 'append' | 'identity'>> {
  const source = context.source
  if (!source?.append || !source.identity) context.skip('needs a source fixture with append() and identity()')
  return { append: source.append.bind(source), identity: source.identity.bind(source) }
}

/** Tables ingested as `append`: the ones a stream fixture produces to. */
async function appendTables(context: CheckContext): Promise<string[]> {
  const out: string[] = []
  for (const table of await context.tables()) {
    if ((await context.metadata(table)).ingestion_type === 'append') out.push(table)
  }
  return out
}

/**
 * Reads to a fixed point from `offset` in calls of random size, some of them crashing part
 * way (their records are dropped and a fresh instance resumes from the last committed
 * offset, as after a SIGKILL). Returns the committed records' identities and the end.
 */
async function readRound(
  context: CheckContext,
  table: string,
  start: Offset,
  identity: (record: Record<string, unknown>) => string,
): Promise<{ identities: string[]; offset: Offset; converged: boolean; crashes: number }> {
  let connector: LakeflowConnector = context.connect()
  let offset = start
  let crashes = 0
  const identities: string[] = []
  for (let call = 0; call < MAX_CALLS_PER_ROUND; call++) {
    const size = randomInt(context.random, 1, 25)
    const crash = context.random() < 0.25 ? randomInt(context.random, 0, size) : undefined
    const result = await readCall(
      connector,
      table,
      offset,
      await withBatch(context, table, size),
      'records',
      crash === undefined ? {} : { limit: crash },
    )
    if (result.end === undefined) {
      crashes++
      connector = context.connect()
      continue
    }
    for (const record of result.records) identities.push(identity(record))
    if (result.end === null || canonical(result.end) === canonical(offset))
      return { identities, offset, converged: true, crashes }
    offset = result.end
  }
  return { identities, offset, converged: false, crashes }
}

/**
 * Appends records between incremental reads split at random sizes, with crashes, and proves
 * each appended record is committed exactly once: none lost, none twice.
 */
const streamExactlyOnce = defineCheck({
  id: 'stream-exactly-once',
  title: 'records appended between reads split at random, with crashes, are each read exactly once (fixture)',
  source: 'contract-checks §4.5 B15–B16 for streams',
  timeoutMs: 180_000,
  async run(context) {
    const { append, identity } = appendable(context)
    const findings = new Findings('stream-exactly-once', context.seed)
    const tables = await appendTables(context)
    if (tables.length === 0) context.skip('no append tables')
    for (const table of tables) {
      const appended: string[] = []
      const seen = new Map<string, number>()
      let offset: Offset = {}
      let crashes = 0
      for (let round = 0; round < ROUNDS; round++) {
        appended.push(...(await append(table, randomInt(context.random, 5, 40))))
        const result = await readRound(context, table, offset, (record) => identity(table, record))
        crashes += result.crashes
        for (const id of result.identities) seen.set(id, (seen.get(id) ?? 0) + 1)
        if (!result.converged) {
          findings.add({
            where: `table ${table}`,
            problem: `the read did not reach a fixed point within ${MAX_CALLS_PER_ROUND} calls`,
            expected: 'a call that returns the offset it was given',
            received: `last offset ${show(result.offset)}`,
            fix: 'cap each read at the end the stream had when the instance started',
          })
          break
        }
        offset = result.offset
      }
      context.log(`table ${table}: ${appended.length} appended, ${crashes} crashed calls`)
      const lost = appended.filter((id) => !seen.has(id))
      const twice = [...seen].filter(([, count]) => count > 1).map(([id]) => id)
      if (lost.length > 0 || twice.length > 0) {
        findings.add({
          where: `table ${table}`,
          problem: `${lost.length} appended records never committed, ${twice.length} committed more than once`,
          expected: `each of the ${appended.length} appended records exactly once`,
          received: `lost e.g. ${show(lost.slice(0, 3))}; duplicated e.g. ${show(twice.slice(0, 3))}`,
          fix: 'return, as the offset, exactly the next position after the last record yielded, per partition, and resume from exactly that offset',
        })
      }
    }
    findings.throwIfAny()
  },
})

/** Checks for stream sources run against a source fixture (a broker); they need `source.append`. */
export const streamChecks: readonly Check[] = [streamExactlyOnce]
