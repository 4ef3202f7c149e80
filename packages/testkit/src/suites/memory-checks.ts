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

/** Records in the generated table when the config gives no count. */
const DEFAULT_COUNT = 30_000
/** Heap samples taken while streaming, after the warm-up. */
const SAMPLES = 10
/**
 * The part of the read before the first sample: pools, compiled code and the request
 * budget's pacing settle in it (one-time growth of a few hundred KiB in the first pages).
 */
const WARM_UP = 1 / 3
/**
 * The most a bounded read may retain per record streamed, however large the records. The
 * runtime itself keeps some hundreds of bytes to a few KiB per request for a while (socket
 * and fetch bookkeeping), which large pages spread over many records.
 */
const MAX_BYTES_PER_RECORD = 256

/**
 * The growth per unit of `x`: the median of the slopes between every pair of points
 * (Theil–Sen). A one-time step (a compiler tier-up, a pool filling) moves only the pairs
 * that straddle it, so it barely moves the median; steady growth moves every pair.
 */
export function growthSlope(points: readonly { x: number; y: number }[]): number {
  const slopes: number[] = []
  for (let first = 0; first < points.length; first++) {
    for (let last = first + 1; last < points.length; last++) {
      const dx = points[last]!.x - points[first]!.x
      if (dx > 0) slopes.push((points[last]!.y - points[first]!.y) / dx)
    }
  }
  if (slopes.length === 0) return 0
  slopes.sort((left, right) => left - right)
  const middle = slopes.length >> 1
  return slopes.length % 2 ? slopes[middle]! : (slopes[middle - 1]! + slopes[middle]!) / 2
}

interface Measured {
  seen: number
  converged: boolean
  peakHeap: number
  peakRss: number
  seconds: number
  calls: number
  /** Heap growth per record streamed, in bytes (see {@link growthSlope}). */
  growth: number
  /** The records' mean size as JSON, measured on a sample. */
  recordBytes: number
  /** Records streamed between the first and the last heap sample. */
  sampledSpan: number
}

/**
 * Streams a table to its fixed point, taking the heap after a full collection and turns of
 * the event loop (so finalizers release fetch bodies and sockets) at ten evenly spaced
 * record counts past the warm-up, each at the first record of a page (`pageStart`), so every
 * sample holds the same page-sized data.
 */
async function measure(
  context: CheckContext,
  connector: LakeflowConnector,
  table: string,
  tableOptions: TableOptions,
  count: number,
  hooks: { beforeCall?: (call: number) => void; onRecord?: (call: number) => void; pageStart?: () => boolean } = {},
): Promise<Measured> {
  gc()
  const baseline = process.memoryUsage()
  let peakHeap = 0
  let peakRss = 0
  let seen = 0
  let jsonBytes = 0
  let measured = 0
  const warmUp = Math.floor(count * WARM_UP)
  const interval = Math.max(1, Math.floor((count - warmUp) / SAMPLES))
  const samples: { x: number; y: number }[] = []
  let nextSample = warmUp
  const started = performance.now()
  const sample = async () => {
    gc()
    for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve))
    gc()
    const usage = process.memoryUsage()
    peakHeap = Math.max(peakHeap, usage.heapUsed - baseline.heapUsed)
    peakRss = Math.max(peakRss, usage.rss - baseline.rss)
    return usage.heapUsed
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
      onRecord: async (record) => {
        hooks.onRecord?.(call)
        seen++
        // The records' size, measured on a sample: what retaining each would cost at least.
        if (seen % 97 === 0) {
          jsonBytes += JSON.stringify(record).length
          measured++
        }
        const pageStart = hooks.pageStart?.() ?? true
        if (pageStart && seen >= nextSample && samples.length < SAMPLES) {
          samples.push({ x: seen, y: await sample() })
          nextSample += interval
        }
      },
    }),
  })
  await sample()
  const seconds = (performance.now() - started) / 1000
  const growth = growthSlope(samples)
  const recordBytes = measured > 0 ? jsonBytes / measured : 0
  context.log(
    `heap above baseline at records: ${samples.map((point) => `${point.x}: ${((point.y - baseline.heapUsed) / 1024).toFixed(0)} KiB`).join(', ')}`,
  )
  context.log(
    `${seen} records in ${seconds.toFixed(1)} s (${Math.round(seen / seconds)} records/s), heap slope ${growth.toFixed(1)} bytes/record over ${samples.length} samples (records ~${Math.round(recordBytes)} bytes as JSON), peak heap +${(peakHeap / MIB).toFixed(1)} MiB, peak RSS +${(peakRss / MIB).toFixed(1)} MiB`,
  )
  return {
    seen,
    converged: result.converged,
    peakHeap,
    peakRss,
    seconds,
    calls: result.calls.length,
    growth,
    recordBytes,
    sampledSpan: samples.length > 1 ? samples.at(-1)!.x - samples[0]!.x : 0,
  }
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
  const fix = 'do not keep records after yielding them (no seen-sets, caches or arrays of the table)'
  // A read that kept a quarter of each record (or 256 bytes, if less) shows.
  const allowed = Math.min(measured.recordBytes / 4, MAX_BYTES_PER_RECORD)
  if (measured.growth > allowed) {
    fail(checkId, {
      where: `table ${table}`,
      problem: `the heap grew by ${measured.growth.toFixed(0)} bytes per record (${((measured.growth * measured.sampledSpan) / MIB).toFixed(1)} MiB) while streaming ${count} records`,
      expected: `at most ${allowed.toFixed(1)} bytes per record (a quarter of a ~${Math.round(measured.recordBytes)}-byte record, at most ${MAX_BYTES_PER_RECORD}): memory bounded by a page, not the table`,
      received: `${measured.growth.toFixed(1)} bytes per record over ${SAMPLES} samples (peak heap +${(measured.peakHeap / MIB).toFixed(1)} MiB, RSS +${(measured.peakRss / MIB).toFixed(1)} MiB)`,
      fix,
    })
  }
  const limit = maxHeapGrowthMb * MIB
  if (measured.peakHeap > limit) {
    fail(checkId, {
      where: `table ${table}`,
      problem: `the heap grew by ${(measured.peakHeap / MIB).toFixed(1)} MiB while streaming ${count} records`,
      expected: `at most ${limit / MIB} MiB (bounded by a page, not the table)`,
      received: `${(measured.peakHeap / MIB).toFixed(1)} MiB (RSS +${(measured.peakRss / MIB).toFixed(1)} MiB)`,
      fix,
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
    const count = settings.count ?? DEFAULT_COUNT
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
      let requestsSeen = 0
      const measured = await measure(context, context.connect(options), table, tableOptions, count, {
        pageStart: () => {
          const requests = simulator.requests.length
          const started = requests !== requestsSeen
          requestsSeen = requests
          return started
        },
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
      checkMeasured(this.id, table, { ...measured, peakHeap: 0, growth: 0 }, count)
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
