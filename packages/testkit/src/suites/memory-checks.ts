import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import type { LakeflowConnector, RawRecord, TableOptions } from '@lakeflow/core/connector'
import { type CorpusSpec, createSimulator, generatedCorpus } from '@lakeflow/simulator'
import { defineCheck, fail } from '../check.ts'
import { readUntilConverged } from '../reads.ts'
import { loadCorpusObject } from '../suite.ts'
import type { CheckContext } from '../types.ts'

let collector: (() => void) | undefined

/** `global.gc`, enabled at run time so no Node flag is needed. */
function gc(): void {
  if (!collector) {
    setFlagsFromString('--expose-gc')
    collector = runInNewContext('gc') as () => void
  }
  collector()
}

const MIB = 1024 * 1024

/** A cursor value in the corpus's format, `index` milliseconds after `base`. */
function cursorValue(format: CorpusSpec['cursor_format'], base: number, index: number): string | number {
  const ms = base + index
  switch (format) {
    case 'seconds':
      return Math.floor(ms / 1000)
    case 'millis':
      return ms
    case 'iso':
      return `${new Date(ms).toISOString().slice(0, 19)}Z`
    default:
      return new Date(ms).toISOString()
  }
}

interface Measured {
  seen: number
  converged: boolean
  peakHeap: number
  peakRss: number
  seconds: number
  calls: number
}

/** Streams a table to its fixed point, sampling the heap (after a GC) every 10,000 records. */
async function measure(
  context: CheckContext,
  connector: LakeflowConnector,
  table: string,
  tableOptions: TableOptions,
  count: number,
  hooks: { beforeCall?: (call: number) => void; onRecord?: (call: number) => void } = {},
): Promise<Measured> {
  gc()
  const baseline = process.memoryUsage()
  let peakHeap = 0
  let peakRss = 0
  let seen = 0
  const started = performance.now()
  const sample = () => {
    gc()
    const usage = process.memoryUsage()
    peakHeap = Math.max(peakHeap, usage.heapUsed - baseline.heapUsed)
    peakRss = Math.max(peakRss, usage.rss - baseline.rss)
  }
  const result = await readUntilConverged({
    connector,
    table,
    start: {},
    tableOptions,
    maxIterations: 100_000,
    ...(hooks.beforeCall ? { beforeCall: hooks.beforeCall } : {}),
    callSettings: (call) => ({
      keep: false,
      maxRecords: count * 2,
      onRecord: () => {
        hooks.onRecord?.(call)
        if (++seen % 10_000 === 0) sample()
      },
    }),
  })
  sample()
  const seconds = (performance.now() - started) / 1000
  context.log(
    `${seen} records in ${seconds.toFixed(1)} s (${Math.round(seen / seconds)} records/s), peak heap +${(peakHeap / MIB).toFixed(1)} MiB, peak RSS +${(peakRss / MIB).toFixed(1)} MiB`,
  )
  return { seen, converged: result.converged, peakHeap, peakRss, seconds, calls: result.calls.length }
}

function checkMeasured(checkId: string, table: string, measured: Measured, count: number, maxHeapGrowthMb = 16): void {
  if (!measured.converged || measured.seen < count) {
    fail(checkId, {
      where: `table ${table}`,
      problem: 'the large table was not read to the end',
      expected: `${count} records and a fixed point`,
      received: `${measured.seen} records, converged: ${measured.converged}`,
      fix: 'see read-terminates and completeness-oracle',
    })
  }
  const limit = maxHeapGrowthMb * MIB
  if (measured.peakHeap > limit) {
    fail(checkId, {
      where: `table ${table}`,
      problem: `the heap grew by ${(measured.peakHeap / MIB).toFixed(1)} MiB while streaming ${count} records`,
      expected: `at most ${limit / MIB} MiB (bounded by a page, not the table)`,
      received: `${(measured.peakHeap / MIB).toFixed(1)} MiB (RSS +${(measured.peakRss / MIB).toFixed(1)} MiB)`,
      fix: 'do not keep records after yielding them (no seen-sets, caches or arrays of the table)',
    })
  }
}

const boundedMemory = defineCheck({
  id: 'bounded-memory',
  title: 'streaming a large table keeps the heap bounded and yields before the last page',
  source: 'contract-checks §4.5 E26',
  simulatorOnly: true,
  timeoutMs: 300_000,
  async run(context) {
    context.requireSource()
    const settings = context.config.memory
    if (!settings) return context.skip('no memory setting (memory: { table, count })')
    const table = settings.table
    const tableConfig = context.config.tables?.[table]
    if (!tableConfig?.newRecord || !(context.config.simulator || context.config.files)) {
      fail(this.id, {
        where: `table ${table}`,
        problem: 'the memory check needs a record generator',
        expected: `tables.${table}.newRecord and the simulator (or files) setting`,
        received: 'none',
        fix: `add tables.${table} with corpus and newRecord`,
      })
    }
    const corpusSpec = context.spec?.corpora?.[tableConfig.corpus]
    const cursorField = corpusSpec?.cursor_field ?? (await context.metadata(table)).cursor_field
    const count = settings.count ?? 200_000
    const base = Date.now() - count - 3_600_000
    const newRecord = tableConfig.newRecord
    const template = (index: number): RawRecord => {
      const record = { ...newRecord(1_000_000 + index) }
      if (cursorField && !context.files) record[cursorField] = cursorValue(corpusSpec?.cursor_format, base, index)
      return record
    }
    const tableOptions = { ...context.tableOptions(table), ...settings.tableOptions }
    if (context.files) {
      // A file source: one large file in a directory of its own.
      const large = context.files.generated(tableConfig.corpus, count, template)
      try {
        const options =
          typeof context.config.options === 'function'
            ? context.config.options({ baseUrl: '', directory: large.directory })
            : context.config.options
        const measured = await measure(context, context.connect(options), table, tableOptions, count)
        checkMeasured(this.id, table, measured, count, settings.maxHeapGrowthMb)
      } finally {
        large.remove()
      }
      return
    }
    const simulatorConfig = context.config.simulator!
    const corpus = {
      ...loadCorpusObject(simulatorConfig.corpus),
      [tableConfig.corpus]: generatedCorpus({ count, template }),
    }
    const simulator = createSimulator({ spec: simulatorConfig.spec, corpus, now: new Date().toISOString() })
    const baseUrl = await simulator.start()
    try {
      const options =
        typeof context.config.options === 'function'
          ? context.config.options({ baseUrl, directory: '' })
          : context.config.options
      let requestsAtFirst: number | undefined
      let firstRecordCall: number | undefined
      const requestsAfterCall: number[] = []
      const measured = await measure(context, context.connect(options), table, tableOptions, count, {
        beforeCall: (call) => {
          if (call > 0) requestsAfterCall[call - 1] = simulator.requests.length
        },
        onRecord: (call) => {
          if (requestsAtFirst === undefined) {
            requestsAtFirst = simulator.requests.length
            firstRecordCall = call
          }
        },
      })
      requestsAfterCall[measured.calls - 1] = simulator.requests.length
      context.log(`${simulator.requests.length} requests`)
      checkMeasured(this.id, table, { ...measured, peakHeap: 0 }, count)
      const callRequests = firstRecordCall === undefined ? undefined : requestsAfterCall[firstRecordCall]
      if (requestsAtFirst === undefined || callRequests === undefined || requestsAtFirst >= callRequests) {
        fail(this.id, {
          where: `table ${table}`,
          problem: 'the first record arrived only after the last page of its call was fetched',
          expected: 'records yielded as each page arrives',
          received: `first record after request ${requestsAtFirst} of the ${callRequests} its call made`,
          fix: 'yield records page by page (for await … yield*), never collect pages into an array first',
        })
      }
      checkMeasured(this.id, table, measured, count, settings.maxHeapGrowthMb)
    } finally {
      await simulator.stop()
    }
  },
})

/** Resource checks (contract-checks §4.5 E26). */
export const memoryChecks = [boundedMemory] as const
