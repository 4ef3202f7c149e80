import {
  type LakeflowConnector,
  type Offset,
  type RawRecord,
  sameOffset,
  type TableOptions,
} from '@lakeflow/core/connector'
import { describeKind } from '@lakeflow/core/internal'

/** One call of `readTable` (or `readTableDeletes`) as the suite saw it. */
export interface CallResult {
  /** The offset the call started from. */
  readonly start: Offset | null
  /** The records it yielded (empty when not kept). */
  readonly records: RawRecord[]
  /** The end offset; `undefined` when the call was aborted before it ended. */
  readonly end: Offset | null | undefined
}

/** A read is an async iterator that *returns* its end offset. */
export function isAsyncRead(value: unknown): value is AsyncGenerator<unknown, unknown, undefined> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AsyncGenerator).next === 'function' &&
    typeof (value as AsyncGenerator)[Symbol.asyncIterator] === 'function'
  )
}

/** Which flow a read uses. */
export type Flow = 'records' | 'deletes'

/** What {@link readCall} takes. */
export interface ReadCallSettings {
  /** Stop after this many records and close the read (the call is then aborted). */
  limit?: number
  /** Fail when one call yields more than this. @default 1000000 */
  maxRecords?: number
  /** Called for every record as it arrives (before the next is requested). */
  onRecord?: (record: RawRecord, index: number) => void | Promise<void>
  /** Keep records in the result. @default true */
  keep?: boolean
}

/**
 * Runs one call to its end (or to `limit`), returning the records and the end offset.
 * Errors thrown by the method itself or while iterating propagate unchanged.
 */
export async function readCall(
  connector: LakeflowConnector,
  table: string,
  start: Offset | null,
  tableOptions: TableOptions,
  flow: Flow = 'records',
  settings: ReadCallSettings = {},
): Promise<CallResult> {
  const read =
    flow === 'records'
      ? connector.readTable(table, start, tableOptions)
      : requireDeletes(connector).call(connector, table, start, tableOptions)
  if (!isAsyncRead(read)) {
    throw new TypeError(
      `${flow === 'records' ? 'readTable' : 'readTableDeletes'}("${table}") returned ${describeKind(read)}, not an async generator; write it as \`async *readTable(...) { yield record; return offset }\``,
    )
  }
  const records: RawRecord[] = []
  const limit = settings.limit ?? Number.POSITIVE_INFINITY
  const maxRecords = settings.maxRecords ?? 1_000_000
  let count = 0
  for (;;) {
    if (count >= limit) {
      await read.return(null)
      return { start, records, end: undefined }
    }
    const step = await read.next()
    if (step.done) return { start, records, end: (step.value ?? null) as Offset | null }
    const record = step.value as RawRecord
    if (settings.keep !== false) records.push(record)
    if (settings.onRecord) await settings.onRecord(record, count)
    count++
    if (count > maxRecords) {
      await read.return(null)
      throw new RangeError(`one call of "${table}" yielded more than ${maxRecords} records; it does not seem to end`)
    }
  }
}

function requireDeletes(connector: LakeflowConnector): NonNullable<LakeflowConnector['readTableDeletes']> {
  if (typeof connector.readTableDeletes !== 'function') {
    throw new TypeError('the connector has no readTableDeletes, which cdc_with_deletes tables need')
  }
  return connector.readTableDeletes
}

/** What {@link readUntilConverged} takes. */
export interface ConvergeSettings {
  /** One instance for every call, or a factory called before each call (a new trigger each time). */
  connector: LakeflowConnector | (() => LakeflowConnector)
  /** The table to read. */
  table: string
  /** The first call's start offset (`{}` for a new stream). */
  start: Offset | null
  /** Table options, fixed or per call. */
  tableOptions: TableOptions | ((call: number) => TableOptions)
  /** Records or deletes. @default 'records' */
  flow?: Flow
  /** Calls allowed before giving up. */
  maxIterations: number
  /** Runs before each call (mutations, clock moves). */
  beforeCall?: (call: number) => void | Promise<void>
  /** Per-call settings (a limit aborts that call and ends the loop). */
  callSettings?: (call: number) => ReadCallSettings
}

/** The calls of an incremental read and whether it reached a fixed point. */
export interface Convergence {
  /** Every call, in order. */
  readonly calls: CallResult[]
  /** True when a call returned the offset it was given (or `null`, a whole-table batch). */
  readonly converged: boolean
  /** The last end offset. */
  readonly offset: Offset | null
}

/**
 * Calls a read repeatedly, feeding each end offset back as the next start, until a call
 * returns the offset it was given (upstream `test_read_terminates`' rule).
 */
export async function readUntilConverged(settings: ConvergeSettings): Promise<Convergence> {
  const calls: CallResult[] = []
  let offset = settings.start
  for (let call = 0; call < settings.maxIterations; call++) {
    await settings.beforeCall?.(call)
    const connector = typeof settings.connector === 'function' ? settings.connector() : settings.connector
    const options = typeof settings.tableOptions === 'function' ? settings.tableOptions(call) : settings.tableOptions
    const result = await readCall(
      connector,
      settings.table,
      offset,
      options,
      settings.flow,
      settings.callSettings?.(call),
    )
    calls.push(result)
    if (result.end === undefined) return { calls, converged: false, offset }
    if (result.end === null || sameOffset(result.end, offset)) return { calls, converged: true, offset: result.end }
    offset = result.end
  }
  return { calls, converged: false, offset }
}

/** Every record of some calls, in order. */
export function recordsOf(calls: readonly CallResult[]): RawRecord[] {
  return calls.flatMap((call) => call.records)
}
