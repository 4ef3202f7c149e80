import {
  type LakeflowConnector,
  type Offset,
  type Partition,
  type RawRecord,
  supportsPartitions,
  type TableOptions,
} from '@lakeflow/core/connector'
import type { BatchCounts, BatchWriter, Flow, Row, TablePlan, TableWriter } from '../destinations/types.ts'
import type { PipelineEvent } from './events.ts'
import { mapLimit } from './limit.ts'
import type { UnknownFields } from './unknown-fields.ts'

/** Totals of one table's run. */
export interface TableTotals {
  /** Records read so far (progress), committed or not. */
  read: number
  /** Records of committed batches. */
  rows: number
  inserted: number
  updated: number
  deleted: number
  batches: number
}

/** Everything one table's read needs. */
export interface TableReadContext {
  readonly plan: TablePlan
  readonly connector: LakeflowConnector
  readonly tableOptions: TableOptions
  readonly writer: TableWriter
  /** Compiled converters for records and (cdc_with_deletes) tombstones. */
  readonly convert: (record: RawRecord) => Row
  readonly convertDeleted: (record: RawRecord) => Row
  /** Counts source fields the schema does not have (records of the data flows). */
  readonly unknownFields: UnknownFields
  readonly emit: (event: PipelineEvent) => void
  /** Cap on `readTable` calls per flow per run. */
  readonly maxCalls: number
  /** Partitions of one table read at once. */
  readonly partitionConcurrency: number
  readonly signal?: AbortSignal
  /** Group read calls into one commit up to this many rows (0: commit every call). */
  readonly groupCommitRows: number
}

const PROGRESS_INTERVAL_MS = 250

/** Streams records into a batch, converting each, and emitting throttled progress. */
export class Feeder {
  private last = 0
  private readonly context: TableReadContext
  private readonly flow: Flow
  private readonly totals: TableTotals
  private readonly batch: BatchWriter

  constructor(context: TableReadContext, flow: Flow, totals: TableTotals, batch: BatchWriter) {
    this.context = context
    this.flow = flow
    this.totals = totals
    this.batch = batch
  }

  async drain(read: AsyncIterator<RawRecord, Offset | null | undefined>): Promise<Offset | null | undefined> {
    const deletes = this.flow === 'deletes'
    const convert = deletes ? this.context.convertDeleted : this.context.convert
    const unknown = this.context.unknownFields
    try {
      for (;;) {
        const step = await read.next()
        if (step.done) return step.value ?? null
        if (!deletes) unknown.check(step.value)
        const pending = this.batch.add(convert(step.value))
        if (pending) await pending
        this.totals.read++
        if ((this.totals.read & 1023) === 0) this.progress()
      }
    } catch (error) {
      // Close the connector's generator so it releases its sockets; its own error wins.
      await read.return?.(undefined).catch(() => {})
      throw error
    }
  }

  progress(force = false): void {
    const now = Date.now()
    if (!force && now - this.last < PROGRESS_INTERVAL_MS) return
    this.last = now
    this.context.emit({
      type: 'progress',
      table: this.context.plan.sourceTable,
      flow: this.flow,
      records: this.totals.read,
      batches: this.totals.batches,
    })
  }
}

/**
 * Commits a batch with its end offset (or, `staged`, keeps a snapshot's finished calls out of
 * sight with the offset it continues from) and reports it.
 */
export async function commit(
  context: TableReadContext,
  flow: Flow,
  totals: TableTotals,
  batch: BatchWriter,
  offset: Offset | null,
  staged = false,
): Promise<void> {
  const counts: BatchCounts = staged ? await batch.stage!(offset!) : await batch.commit(offset)
  totals.rows += counts.rows
  totals.inserted += counts.inserted
  totals.updated += counts.updated
  totals.deleted += counts.deleted
  totals.batches++
  context.emit({
    type: 'batch-committed',
    table: context.plan.sourceTable,
    flow,
    batch: totals.batches,
    ...counts,
    offset,
    ...(staged ? { staged: true } : {}),
  })
}

/** The warning for a flow that reached the read-call cap (its finished calls are committed). */
export function capWarning(context: TableReadContext, flow: Flow): PipelineEvent {
  const what = flow === 'snapshot' ? 'snapshot' : `${flow} read`
  return {
    type: 'warning',
    table: context.plan.sourceTable,
    message: `the ${what} stopped after ${context.maxCalls} read calls (the cap, --max-calls); the calls read are kept, and the next sync continues from there`,
  }
}

/** A warning about records a call returned with its start offset unchanged (they are dropped). */
export function unchangedOffsetWarning(context: TableReadContext, dropped: number): PipelineEvent {
  return {
    type: 'warning',
    table: context.plan.sourceTable,
    message: `${dropped} records returned with an unchanged offset were discarded (as Spark does); a connector must move the offset when it returns records`,
  }
}

/** Reads partitions concurrently into one feeder. */
export async function readPartitions(context: TableReadContext, feeder: Feeder, partitions: readonly Partition[]) {
  const { connector, plan, tableOptions } = context
  if (!supportsPartitions(connector)) return
  await mapLimit(partitions, context.partitionConcurrency, async (partition) => {
    const read = connector.readPartition(plan.sourceTable, partition, tableOptions)
    await feeder.drain(read[Symbol.asyncIterator]())
  })
}
