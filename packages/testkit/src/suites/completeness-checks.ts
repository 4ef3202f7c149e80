import type { LakeflowConnector, Offset, RawRecord } from '@lakeflow/core/connector'
import { compileConverter } from '@lakeflow/core/convert'
import { seededRandom } from '@lakeflow/core/internal'
import { defineCheck, type Finding, Findings, fail, show } from '../check.ts'
import { hashText, randomInt } from '../random.ts'
import { type Flow, readCall, readUntilConverged, recordsOf } from '../reads.ts'
import { canonical, keyOf, valueAt } from '../records.ts'
import { endpointFor, pageSizeOf } from '../spec-helpers.ts'
import { incrementalTables, withBatch } from '../table-options.ts'
import type { CheckContext, TableTestConfig } from '../types.ts'
import { configuredTables, corpusKey, keyObject, rowOf } from './write-back-checks.ts'

const ROUNDS = 6
const MAX_CALLS_PER_ROUND = 400

interface OracleState {
  readonly context: CheckContext
  readonly table: string
  readonly settings: TableTestConfig
  readonly random: () => number
  readonly journal: string[]
}

/**
 * Reads one flow from `start` to a fixed point in calls of random size, crashing some
 * calls part-way (their records are dropped, as an uncommitted batch would be, and a fresh
 * instance resumes from the last committed offset). Applies committed records to `apply`.
 */
async function incrementalRound(
  state: OracleState,
  flow: Flow,
  start: Offset | null,
  apply: (record: RawRecord) => void,
): Promise<Offset | null> {
  const { context, table, random } = state
  let connector: LakeflowConnector = context.connect()
  let offset = start
  for (let call = 0; call < MAX_CALLS_PER_ROUND; call++) {
    const size = randomInt(random, 1, 40)
    const crash = random() < 0.2 ? randomInt(random, 0, size) : undefined
    const result = await readCall(
      connector,
      table,
      offset,
      await withBatch(context, table, size),
      flow,
      crash === undefined ? {} : { limit: crash },
    )
    if (result.end === undefined) {
      state.journal.push(`${flow}: crash after ${result.records.length} records from ${show(offset, 60)}`)
      connector = context.connect()
      continue
    }
    for (const record of result.records) apply(record)
    if (result.end === null || canonical(result.end) === canonical(offset)) return result.end
    offset = result.end
  }
  fail('completeness-oracle', {
    where: `table ${table}`,
    problem: `the ${flow} flow did not converge within ${MAX_CALLS_PER_ROUND} calls`,
    expected: 'a fixed point',
    received: `last offset ${show(offset)}`,
    fix: 'see read-terminates',
  })
}

function mutate(state: OracleState, type: string, count: number, nextIndex: () => number): void {
  const { context, settings, random, journal } = state
  const simulator = context.requireSource()
  const key = corpusKey(context, settings.corpus)
  const canDelete = settings.deletes ?? (type === 'cdc_with_deletes' || type === 'snapshot')
  const canUpdate = type !== 'append'
  for (let step = 0; step < count; step++) {
    context.syncClock()
    const existing = simulator.data.records(settings.corpus)
    const roll = random()
    if (canDelete && roll < 0.25 && existing.length > 0) {
      const victim = existing[randomInt(random, 0, existing.length - 1)]!
      simulator.data.delete(settings.corpus, keyObject(victim, key))
      journal.push(`delete ${keyOf(victim, key)}`)
    } else if (canUpdate && roll < 0.6 && existing.length > 0) {
      const target = existing[randomInt(random, 0, existing.length - 1)]!
      simulator.data.update(settings.corpus, keyObject(target, key), settings.update?.(target, random) ?? {})
      journal.push(`update ${keyOf(target, key)}`)
    } else if (settings.newRecord) {
      const record = settings.newRecord(nextIndex())
      simulator.data.insert(settings.corpus, record)
      journal.push(`insert ${keyOf(record, key)}`)
    }
  }
}

/**
 * Whether a record's cursor (the corpus's `cursor_field`) lies after the simulator's clock.
 * Tables without a cursor field have none.
 */
function afterClock(context: CheckContext, corpus: string): (record: RawRecord) => boolean {
  const declared = context.spec?.corpora?.[corpus]
  const simulator = context.requireSource()
  const field = declared?.cursor_field
  if (!field) return () => false
  const now = Date.parse(simulator.clock.now())
  return (record) => {
    const value = valueAt(record, field)
    const time =
      typeof value === 'number'
        ? declared.cursor_format === 'seconds'
          ? value * 1000
          : value
        : typeof value === 'string'
          ? Date.parse(value)
          : Number.NaN
    return Number.isFinite(time) && time > now
  }
}

async function oracleForTable(
  context: CheckContext,
  table: string,
  settings: TableTestConfig,
): Promise<Finding | undefined> {
  const simulator = context.requireSource()
  const random = seededRandom((context.seed ^ hashText(table)) >>> 0)
  const state: OracleState = { context, table, settings, random, journal: [] }
  const metadata = await context.metadata(table)
  const type = metadata.ingestion_type
  const schema = await context.schema(table)
  const convert = compileConverter(schema, { table })
  const keys = metadata.primary_keys?.length ? [...metadata.primary_keys] : corpusKey(context, settings.corpus)
  const row = (record: RawRecord) => canonical(convert(record))
  const model = new Map<string, string>()
  let offset: Offset | null = {}
  let deleteOffset: Offset | null = {}
  let inserted = 0
  for (let round = 0; round < ROUNDS; round++) {
    if (round > 0) mutate(state, type, randomInt(random, 1, 6), () => 50_000 + inserted++)
    state.journal.push(`round ${round + 1}: read`)
    if (type === 'snapshot') {
      const snapshot = await readCall(context.connect(), table, null, context.tableOptions(table))
      model.clear()
      for (const record of snapshot.records) model.set(keyOf(record, keys), row(record))
      continue
    }
    offset = await incrementalRound(state, 'records', offset, (record) => model.set(keyOf(record, keys), row(record)))
    if (type === 'cdc_with_deletes') {
      deleteOffset = await incrementalRound(state, 'deletes', deleteOffset, (record) =>
        model.delete(keyOf(record, keys)),
      )
    }
  }
  // Records stamped after the source's clock (upstream's synthesized future records) are not
  // written yet as far as a reader can tell: a connector keeping its init-time cap never reads them.
  const stampedAfter = afterClock(context, settings.corpus)
  const truth = new Map<string, string>()
  const future = new Set<string>()
  for (const record of simulator.data.records(settings.corpus)) {
    const key = keyOf(rowOf(settings, record), keys)
    if (stampedAfter(record)) future.add(key)
    else truth.set(key, row(rowOf(settings, record)))
  }
  const lost = [...truth.keys()].filter((key) => !model.has(key))
  const early = [...model.keys()].filter((key) => future.has(key))
  const phantom = [...model.keys()].filter((key) => !truth.has(key) && !future.has(key))
  const stale = [...truth.keys()].filter((key) => model.has(key) && model.get(key) !== truth.get(key))
  if (lost.length + phantom.length + stale.length + early.length === 0) return undefined
  const parts = [
    early.length
      ? `${early.length} read although stamped after the source's clock (no init-time cap), e.g. ${early.slice(0, 3).join(' ')}`
      : '',
    lost.length ? `${lost.length} lost (in the source, never read), e.g. ${lost.slice(0, 3).join(' ')}` : '',
    phantom.length
      ? `${phantom.length} phantom (deleted in the source, still present), e.g. ${phantom.slice(0, 3).join(' ')}`
      : '',
    stale.length ? `${stale.length} stale (an older version kept), e.g. ${stale.slice(0, 2).join(' ')}` : '',
  ].filter(Boolean)
  return {
    where: `table ${table}`,
    problem: 'the records read, applied by primary key, differ from the source',
    expected: `${truth.size} rows equal to the simulator's live records${future.size ? ` (${future.size} more, stamped after its clock, not yet visible)` : ''}`,
    received: `${model.size} rows: ${parts.join('; ')}. Journal tail: ${state.journal.slice(-8).join(', ')}`,
    fix: 'check pagination (last page, page boundaries), offsets after partial batches, and the delete flow',
  }
}

const completenessOracle = defineCheck({
  id: 'completeness-oracle',
  title: 'random inserts, updates and deletes, read in random splits, reproduce the source',
  source: 'contract-checks §4.5 B15',
  simulatorOnly: true,
  timeoutMs: 120_000,
  async run(context) {
    context.requireSource()
    const known = await context.tables()
    const entries = await configuredTables(context, ({ table }) => known.includes(table))
    if (entries.length === 0) return context.skip('no tables configured (tables.<name>.corpus)')
    const findings = new Findings(this.id, context.seed)
    for (const { table, settings } of entries) {
      await findings.guard(`table ${table}`, async () => {
        const finding = await oracleForTable(context, table, settings)
        if (finding) findings.add(finding)
      })
    }
    findings.throwIfAny()
  },
})

/** Evenly spread picks of at most `limit` values from a sorted list (first and last kept). */
function spread(sorted: readonly number[], limit: number): number[] {
  if (sorted.length <= limit) return [...sorted]
  return Array.from({ length: limit }, (_, index) => sorted[Math.round((index * (sorted.length - 1)) / (limit - 1))]!)
}

/** Most page boundaries crashed at per table; beyond it they are spread evenly (a very large corpus). */
const MAX_PAGE_CRASHES = 64
/** Most crash points at call boundaries, and again one record past them. */
const MAX_CALL_CRASHES = 8

/**
 * Records after which to crash: after the first record, at every page boundary of the spec
 * (spread evenly only past {@link MAX_PAGE_CRASHES}), and at call boundaries and one record
 * past them ({@link MAX_CALL_CRASHES} of each, spread evenly).
 */
export function crashPoints(boundaries: readonly number[], pageSize: number | undefined, total: number): number[] {
  const inside = (point: number) => point > 0 && point < total
  const sorted = (points: Iterable<number>) => [...new Set(points)].filter(inside).sort((left, right) => left - right)
  const pages: number[] = []
  if (pageSize) for (let point = pageSize; point < total; point += pageSize) pages.push(point)
  const picked = new Set([
    1,
    ...spread(sorted(pages), MAX_PAGE_CRASHES),
    ...spread(sorted(boundaries), MAX_CALL_CRASHES),
    ...spread(sorted(boundaries.map((boundary) => boundary + 1)), MAX_CALL_CRASHES),
  ])
  return [...picked].filter((point) => point <= Math.max(1, total - 1)).sort((left, right) => left - right)
}

const crashResume = defineCheck({
  id: 'crash-resume',
  title: 'a read aborted after k records and resumed from the last committed offset loses nothing',
  source: 'contract-checks §4.5 B16',
  simulatorOnly: true,
  timeoutMs: 120_000,
  async run(context) {
    const findings = new Findings(this.id)
    const batch = 7
    for (const table of await incrementalTables(context)) {
      await findings.guard(`table ${table}`, async () => {
        const options = await withBatch(context, table, batch)
        const clean = await readUntilConverged({
          connector: context.connect(),
          table,
          start: {},
          tableOptions: options,
          maxIterations: MAX_CALLS_PER_ROUND,
        })
        const cleanRecords = recordsOf(clean.calls).map(canonical)
        const largestCall = Math.max(1, ...clean.calls.map((call) => call.records.length))
        const boundaries = clean.calls.map((_, index) => recordsOf(clean.calls.slice(0, index + 1)).length)
        const corpus = context.config.tables?.[table]?.corpus
        const pageSize = pageSizeOf(corpus ? endpointFor(context.spec, corpus) : undefined)
        // Where each clean call starts and ends, to resume at and to recognise a rejoin.
        const calls = clean.calls
        const cleanEnds = new Map<string, number>()
        calls.forEach((call, index) => {
          if (call.end !== undefined && !cleanEnds.has(canonical(call.end))) cleanEnds.set(canonical(call.end), index)
        })
        for (const k of crashPoints(boundaries, pageSize, cleanRecords.length)) {
          // The records before the call that crashes were committed as the clean read had
          // them (a read depends only on its start offset: replay-determinism); the crash
          // strikes call `first` after k records in all, and a fresh instance resumes from
          // that call's start, the last committed offset.
          const first = boundaries.findIndex((boundary) => boundary >= k)
          const before = first > 0 ? boundaries[first - 1]! : 0
          let connector = context.connect()
          let offset: Offset | null = calls[first]?.start ?? {}
          let crashed = false
          const committed: string[] = cleanRecords.slice(0, before)
          for (let call = 0; call < MAX_CALLS_PER_ROUND; call++) {
            const result = await readCall(
              connector,
              table,
              offset,
              options,
              'records',
              crashed ? {} : { limit: k - committed.length },
            )
            if (result.end === undefined) {
              crashed = true
              connector = context.connect()
              continue
            }
            committed.push(...result.records.map(canonical))
            if (result.end === null || canonical(result.end) === canonical(offset)) break
            // Back on the clean read's path after the crash: the rest is the clean read's.
            const rejoined = crashed ? cleanEnds.get(canonical(result.end)) : undefined
            if (rejoined !== undefined && rejoined >= first) {
              committed.push(...recordsOf(calls.slice(rejoined + 1)).map(canonical))
              break
            }
            offset = result.end
          }
          const have = new Set(committed)
          const lost = cleanRecords.filter((record) => !have.has(record))
          if (lost.length > 0 || committed.length - cleanRecords.length > largestCall) {
            findings.add({
              where: `table ${table}`,
              problem: `after a crash at record ${k} and a restart from the last committed offset, the result differs from an uninterrupted read`,
              expected: `all ${cleanRecords.length} records, duplicates at most one batch (${largestCall})`,
              received: `${committed.length} records, ${lost.length} lost, e.g. ${show(lost[0], 120)}`,
              fix: 'keep no progress outside the offset: a call must depend only on its start offset, and the offset must cover only what was returned',
            })
            return
          }
        }
      })
    }
    findings.throwIfAny()
  },
})

const cursorTies = defineCheck({
  id: 'cursor-ties',
  title: 'many records sharing one cursor value across page and batch boundaries are all read',
  source: 'contract-checks §4.5 B12',
  simulatorOnly: true,
  async run(context) {
    const simulator = context.requireSource()
    const incremental = await incrementalTables(context)
    const entries = await configuredTables(
      context,
      ({ table, settings }) => incremental.includes(table) && settings.newRecord !== undefined,
    )
    if (entries.length === 0) return context.skip('no insertable incremental tables configured')
    const findings = new Findings(this.id)
    for (const { table, settings } of entries) {
      await findings.guard(`table ${table}`, async () => {
        const pageSize = pageSizeOf(endpointFor(context.spec, settings.corpus)) ?? 20
        const count = Math.min(2 * pageSize + 3, 250)
        const maxIterations = context.config.readTerminationMaxIterations ?? 50
        const before = await readUntilConverged({
          connector: context.connect(),
          table,
          start: {},
          tableOptions: context.tableOptions(table),
          maxIterations,
        })
        context.syncClock()
        const records = Array.from({ length: count }, (_, index) => settings.newRecord!(20_000 + index))
        const data = simulator.data as typeof simulator.data & {
          insertMany?: (corpus: string, records: RawRecord[]) => void
        }
        if (data.insertMany) data.insertMany(settings.corpus, records)
        else for (const record of records) data.insert(settings.corpus, record)
        const primaryKeys = (await context.metadata(table)).primary_keys
        const keys = primaryKeys?.length ? [...primaryKeys] : corpusKey(context, settings.corpus)
        const batch = 7
        const after = await readUntilConverged({
          connector: context.connect(),
          table,
          start: before.offset,
          tableOptions: await withBatch(context, table, batch),
          maxIterations: Math.max(maxIterations, count + 10),
        })
        const read = recordsOf(after.calls).map((record) => keyOf(record, keys))
        const have = new Set(read)
        const lost = records.map((record) => keyOf(rowOf(settings, record), keys)).filter((key) => !have.has(key))
        const duplicates = read.length - have.size
        if (lost.length > 0 || duplicates > Math.max(batch, pageSize)) {
          findings.add({
            where: `table ${table}`,
            problem: `${count} records with one cursor value, read in batches of ${batch}: ${lost.length} lost, ${duplicates} duplicated`,
            expected: 'all of them, duplicates at most one page or batch',
            received: `${have.size} of ${count}; lost e.g. ${lost.slice(0, 3).join(' ')}`,
            fix: 'never end a batch inside a group of equal cursor values when the next call starts after that value; finish the group (or keep a tie-breaker in the offset)',
          })
        }
      })
    }
    findings.throwIfAny()
  },
})

/** Completeness under change, crashes and cursor ties (contract-checks §4.5 B12, B15, B16). */
export const completenessChecks = [completenessOracle, crashResume, cursorTies] as const
