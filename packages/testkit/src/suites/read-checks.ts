import type { Offset, OffsetValue, RawRecord } from '@lakeflow/core/connector'
import { defineCheck, Findings, show } from '../check.ts'
import { declaredFieldsMovedBack, declaredOffset } from '../offset-order.ts'
import { type CallResult, readCall, readUntilConverged, recordsOf } from '../reads.ts'
import { canonical, keyOf, valueAt } from '../records.ts'
import { incrementalTables, withBatch } from '../table-options.ts'
import type { CheckContext } from '../types.ts'
import { insertable } from './write-back-checks.ts'

const maxIterationsOf = (context: CheckContext) => context.config.readTerminationMaxIterations ?? 50

const primaryKeysUnique = defineCheck({
  id: 'primary-keys-unique',
  title: 'no primary key appears twice within one call',
  source: 'contract-checks §4.5 B9',
  async run(context) {
    const findings = new Findings(this.id)
    for (const table of await context.plainTables()) {
      await findings.guard(`table ${table}`, async () => {
        const metadata = await context.metadata(table)
        const keys = metadata.primary_keys ?? []
        if (keys.length === 0) return
        const flows =
          metadata.ingestion_type === 'cdc_with_deletes' ? (['records', 'deletes'] as const) : (['records'] as const)
        for (const flow of flows) {
          const result = await readUntilConverged({
            connector: context.connect(),
            table,
            start: {},
            tableOptions: context.tableOptions(table),
            flow,
            maxIterations: maxIterationsOf(context),
          })
          for (const [index, call] of result.calls.entries()) {
            const seen = new Set<string>()
            const repeated = new Set<string>()
            for (const record of call.records) {
              const key = keyOf(record, keys)
              if (seen.has(key)) repeated.add(key)
              seen.add(key)
            }
            if (repeated.size > 0) {
              findings.add({
                where: `table ${table}`,
                problem: `call #${index + 1} of the ${flow} flow yielded the same primary key more than once`,
                expected: 'each key at most once per call',
                received: `${repeated.size} repeated key(s), e.g. ${[...repeated].slice(0, 3).join(', ')}`,
                fix: 'check the pagination: a page fetched twice, or a page boundary re-read',
              })
              return
            }
          }
        }
      })
    }
    findings.throwIfAny()
  },
})

const offsetsMoveWithRecords = defineCheck({
  id: 'offsets-move-with-records',
  title: 'a call that returns records returns a new offset',
  source: 'upstream-spec §1.1 (Spark ignores records returned with an unchanged offset)',
  async run(context) {
    const findings = new Findings(this.id)
    for (const table of await incrementalTables(context)) {
      await findings.guard(`table ${table}`, async () => {
        const result = await readUntilConverged({
          connector: context.connect(),
          table,
          start: {},
          tableOptions: context.tableOptions(table),
          maxIterations: maxIterationsOf(context),
        })
        const stuck = result.calls.find(
          (call) => call.records.length > 0 && call.end !== undefined && canonical(call.end) === canonical(call.start),
        )
        if (stuck) {
          findings.add({
            where: `table ${table}`,
            problem: `a call returned ${stuck.records.length} records with the offset it was given`,
            expected: 'a different end offset whenever records are returned',
            received: `start ${show(stuck.start)} → end ${show(stuck.end)}`,
            fix: 'return {cursor: <last record cursor>}; Spark drops records that come with an unchanged offset',
          })
        }
      })
    }
    findings.throwIfAny()
  },
})

function multiset(records: readonly RawRecord[]): string {
  return records.map(canonical).sort().join('\n')
}

const replayDeterminism = defineCheck({
  id: 'replay-determinism',
  title: 'the same start offset twice gives the same records and end offset',
  source: 'contract-checks §4.5 B14',
  async run(context) {
    const findings = new Findings(this.id)
    for (const table of await context.plainTables()) {
      await findings.guard(`table ${table}`, async () => {
        const connector = context.connect()
        const options = await withBatch(context, table, 25)
        const starts: (Offset | null)[] = [{}]
        const first = await readCall(connector, table, {}, options)
        if (first.end) starts.push(first.end)
        for (const start of starts) {
          const once = start === starts[0] ? first : await readCall(connector, table, start, options)
          const twice = await readCall(connector, table, start, options)
          if (multiset(once.records) !== multiset(twice.records) || canonical(once.end) !== canonical(twice.end)) {
            findings.add({
              where: `table ${table}`,
              problem: `replaying from ${show(start, 80)} gave a different result`,
              expected: `${once.records.length} records ending at ${show(once.end, 80)}`,
              received: `${twice.records.length} records ending at ${show(twice.end, 80)}`,
              fix: 'make a call a pure function of (start offset, init-time cap): no wall-clock values in offsets, no random batch sizes',
            })
            return
          }
        }
      })
    }
    findings.throwIfAny()
  },
})

const FIFTY_YEARS_MS = 50 * 365.25 * 86_400_000

function futureValue(value: OffsetValue): OffsetValue | undefined {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value))) {
    const moved = new Date(Math.min(Date.parse(value) + FIFTY_YEARS_MS, Date.parse('9999-12-31T23:59:59.999Z')))
    return value.length === 10 ? moved.toISOString().slice(0, 10) : moved.toISOString()
  }
  if (typeof value === 'number' && Number.isFinite(value))
    return value > 1e11 ? value + FIFTY_YEARS_MS : value + FIFTY_YEARS_MS / 1000
  return undefined
}

/** An offset moved far into the future, or undefined when it holds nothing time-like to move. */
export function futureOffset(offset: Offset | null): Offset | undefined {
  if (!offset) return undefined
  let moved = false
  const out: Record<string, OffsetValue> = {}
  for (const [key, value] of Object.entries(offset)) {
    const future = futureValue(value)
    if (future !== undefined) moved = true
    out[key] = future ?? value
  }
  return moved ? out : undefined
}

const futureOffsetEmpty = defineCheck({
  id: 'future-offset-empty',
  title: 'an offset past the newest data gives no records and no error',
  source: 'contract-checks §4.5 B17',
  async run(context) {
    const findings = new Findings(this.id)
    let tested = 0
    for (const table of await context.plainTables()) {
      await findings.guard(`table ${table}`, async () => {
        const options = context.tableOptions(table)
        const result = await readUntilConverged({
          connector: context.connect(),
          table,
          start: {},
          tableOptions: options,
          maxIterations: maxIterationsOf(context),
        })
        const future = futureOffset(result.offset)
        if (!future)
          return context.log(`${table}: offset ${show(result.offset)} holds no timestamp or number; not tested`)
        tested++
        const call = await readCall(context.connect(), table, future, options)
        if (call.records.length > 0) {
          findings.add({
            where: `table ${table}`,
            problem: `reading from a future offset returned ${call.records.length} records`,
            expected: '0 records (nothing is newer than the future)',
            received: `${call.records.length} records from ${show(future, 100)}`,
            fix: 'treat an offset past the cap as "nothing new": return it unchanged, never restart from the beginning',
          })
        }
      })
    }
    findings.throwIfAny()
    if (tested === 0) return context.skip('no table has an offset with a timestamp or number to move into the future')
  },
})

/**
 * For tables that declare no offset order: compares two offsets field by field where both
 * hold timestamps or numbers, and returns the fields that went back.
 */
export function fieldsMovedBack(before: Offset, after: Offset): string[] {
  const moved: string[] = []
  for (const [key, value] of Object.entries(after)) {
    const previous = before[key]
    if (previous === undefined || previous === null || value === null) continue
    const left = orderValue(previous)
    const right = orderValue(value)
    if (left !== undefined && right !== undefined && right < left) moved.push(key)
  }
  return moved
}

function orderValue(value: OffsetValue): number | undefined {
  if (typeof value === 'number') return value
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)) {
    const parsed = Date.parse(value)
    return Number.isNaN(parsed) ? undefined : parsed
  }
  return undefined
}

/**
 * When the offset holds a single timestamp and the records carry timestamp cursors, the
 * offset must not lie before the newest cursor the call returned (else the next call
 * re-reads delivered data: the offset went back).
 */
function behindItsRecords(call: CallResult, cursorField: string | undefined): { newest: string } | undefined {
  if (!cursorField || !call.end || call.records.length === 0) return undefined
  const times = Object.values(call.end).filter((value) => typeof value === 'string' && orderValue(value) !== undefined)
  if (times.length !== 1) return undefined
  const offsetTime = orderValue(times[0]!)!
  let newest: { time: number; text: string } | undefined
  for (const record of call.records) {
    const value = valueAt(record, cursorField)
    const time = typeof value === 'string' ? orderValue(value) : undefined
    if (time !== undefined && (!newest || time > newest.time)) newest = { time, text: value as string }
  }
  return newest && offsetTime < newest.time ? { newest: newest.text } : undefined
}

function rereads(calls: readonly CallResult[]): { call: number; record: RawRecord } | undefined {
  const seenIn = new Map<string, number>()
  for (const [index, call] of calls.entries()) {
    for (const record of call.records) {
      const text = canonical(record)
      const earlier = seenIn.get(text)
      // A record repeated from the previous call is a tolerated inclusive boundary; older ones mean the offset went back.
      if (earlier !== undefined && earlier < index - 1) return { call: index, record }
      if (earlier === undefined) seenIn.set(text, index)
    }
  }
  return undefined
}

/** Calls before offsets-monotonic gives up following a read. */
const MONOTONIC_MAX_CALLS = 400

const offsetsMonotonic = defineCheck({
  id: 'offsets-monotonic',
  title: 'offsets never move backwards',
  source: 'contract-checks §4.5 B10',
  async run(context) {
    const findings = new Findings(this.id)
    for (const table of await incrementalTables(context)) {
      await findings.guard(`table ${table}`, async () => {
        const connector = context.connect()
        const options = await withBatch(context, table, 5)
        const cursorField = (await context.metadata(table)).cursor_field
        // The declared order when the table states one; else every timestamp or number must not decrease.
        const declared = await declaredOffset(connector, table, context.tableOptions(table))
        if (declared) context.log(`${table}: checking the declared order ${JSON.stringify(declared.ordered)}`)
        const movedBack = (before: Offset, after: Offset) =>
          declared ? declaredFieldsMovedBack(declared, before, after) : fieldsMovedBack(before, after)
        const calls: CallResult[] = []
        let start: Offset | null = {}
        for (let index = 0; index < MONOTONIC_MAX_CALLS; index++) {
          const call = await readCall(connector, table, start, options)
          calls.push(call)
          const back = call.start && call.end ? movedBack(call.start, call.end) : []
          if (back.length > 0) {
            findings.add({
              where: `table ${table}`,
              problem: `the offset moved backwards in ${back.join(', ')}`,
              expected: `an end offset at or after ${show(call.start, 100)}${declared ? ' in its declared order' : ''}`,
              received: show(call.end, 100),
              fix: 'never return an offset older than the one given (a lookback belongs in the request, not in the stored offset)',
            })
            return
          }
          const behind = behindItsRecords(call, cursorField)
          if (behind) {
            findings.add({
              where: `table ${table}`,
              problem: 'the end offset lies before records the same call returned',
              expected: `an offset at or after the newest cursor returned (${behind.newest})`,
              received: `${show(call.end, 100)}`,
              fix: 'store the cursor of the last record returned; a lookback belongs in the request, not in the stored offset',
            })
            return
          }
          if (call.end === undefined || call.end === null || canonical(call.end) === canonical(start)) break
          start = call.end
        }
        const reread = rereads(calls)
        if (reread) {
          findings.add({
            where: `table ${table}`,
            problem: `call #${reread.call + 1} re-read a record an earlier call had already returned`,
            expected: 'each call to continue where the previous one ended',
            received: show(reread.record, 160),
            fix: 'return the offset of the last record returned, and start strictly after it',
          })
        }
      })
    }
    findings.throwIfAny()
  },
})

const convergenceUnderGrowth = defineCheck({
  id: 'convergence-under-growth',
  title: 'reads converge while the source keeps producing new records',
  source: 'contract-checks §4.5 B10 (init-time cap)',
  simulatorOnly: true,
  async run(context) {
    const simulator = context.requireSource()
    const plain = await context.plainTables()
    const entries = (await insertable(context)).filter(({ table }) => plain.includes(table))
    if (entries.length === 0) return context.skip('no insertable non-partitioned tables configured')
    const findings = new Findings(this.id)
    let counter = 0
    for (const { table, settings } of entries) {
      await findings.guard(`table ${table}`, async () => {
        const connector = context.connect()
        const maxIterations = maxIterationsOf(context)
        const future = Date.now() + 3_600_000
        const result = await readUntilConverged({
          connector,
          table,
          start: {},
          tableOptions: await withBatch(context, table, 10),
          maxIterations,
          beforeCall: () => {
            // New records keep arriving, stamped after this instance was created.
            simulator.clock.set(new Date(future + counter * 1000).toISOString())
            simulator.data.insert(settings.corpus, settings.newRecord!(1000 + counter++))
          },
        })
        if (!result.converged) {
          findings.add({
            where: `table ${table}`,
            problem: `no fixed point in ${maxIterations} calls while records kept arriving`,
            expected: 'a call returning its start offset once the init-time cap is reached',
            received: `${recordsOf(result.calls).length} records over ${result.calls.length} calls, last offset ${show(result.offset, 100)}`,
            fix: 'capture now() in the constructor and never read past it (send it as the upper bound)',
          })
        }
      })
    }
    findings.throwIfAny()
  },
})

/** Read correctness without mutations (contract-checks §4.5 B). */
export const readChecks = [
  primaryKeysUnique,
  offsetsMoveWithRecords,
  replayDeterminism,
  futureOffsetEmpty,
  offsetsMonotonic,
  convergenceUnderGrowth,
] as const
