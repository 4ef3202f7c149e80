import {
  assertOffset,
  isPartitionedTable,
  type LakeflowConnector,
  type Offset,
  type Partition,
  type RawRecord,
  sameOffset,
  supportsPartitionedStream,
  supportsPartitions,
  type TableOptions,
} from '@lakeflow/core/connector'
import { InvalidOffsetError, LakeflowError } from '@lakeflow/core/errors'
import type { BatchCounts, BatchWriter, Flow, Row, TablePlan, TableWriter } from '../destinations/types.ts'
import type { PipelineEvent } from './events.ts'
import { mapLimit } from './limit.ts'

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

/** Reads every flow of a table into its destination and returns the totals. */
export async function readTableIntoDestination(context: TableReadContext, totals: TableTotals): Promise<TableTotals> {
  switch (context.plan.ingestionType) {
    case 'snapshot':
      await readSnapshot(context, totals)
      break
    case 'append':
      await readStream(context, 'append', totals)
      break
    case 'cdc':
      await readStream(context, 'upsert', totals)
      break
    case 'cdc_with_deletes':
      await readStream(context, 'upsert', totals)
      await readStream(context, 'deletes', totals)
      break
  }
  return totals
}

/** Streams records into a batch, converting each, and emitting throttled progress. */
class Feeder {
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
    const convert = this.flow === 'deletes' ? this.context.convertDeleted : this.context.convert
    try {
      for (;;) {
        const step = await read.next()
        if (step.done) return step.value ?? null
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

function add(totals: TableTotals, counts: BatchCounts): void {
  totals.rows += counts.rows
  totals.inserted += counts.inserted
  totals.updated += counts.updated
  totals.deleted += counts.deleted
  totals.batches++
}

async function commit(
  context: TableReadContext,
  flow: Flow,
  totals: TableTotals,
  batch: BatchWriter,
  offset: Offset | null,
): Promise<void> {
  const counts = await batch.commit(offset)
  add(totals, counts)
  context.emit({
    type: 'batch-committed',
    table: context.plan.sourceTable,
    flow,
    batch: totals.batches,
    ...counts,
    offset,
  })
}

async function readSnapshot(context: TableReadContext, totals: TableTotals): Promise<void> {
  const { connector, plan, tableOptions } = context
  const batch = await context.writer.beginBatch('snapshot', null)
  const feeder = new Feeder(context, 'snapshot', totals, batch)
  try {
    if (isPartitionedTable(connector, plan.sourceTable) && supportsPartitions(connector)) {
      const partitions = await connector.getPartitions(plan.sourceTable, tableOptions)
      await readPartitions(context, feeder, partitions)
    } else {
      const end = await feeder.drain(connector.readTable(plan.sourceTable, null, tableOptions))
      assertOffset(end, plan.sourceTable)
    }
    feeder.progress(true)
    await commit(context, 'snapshot', totals, batch, null)
  } catch (error) {
    await batch.abort()
    throw error
  }
}

async function readPartitions(context: TableReadContext, feeder: Feeder, partitions: readonly Partition[]) {
  const { connector, plan, tableOptions } = context
  if (!supportsPartitions(connector)) return
  await mapLimit(partitions, context.partitionConcurrency, async (partition) => {
    const read = connector.readPartition(plan.sourceTable, partition, tableOptions)
    await feeder.drain(read[Symbol.asyncIterator]())
  })
}

async function readStream(context: TableReadContext, flow: Flow, totals: TableTotals): Promise<void> {
  // Up to two commits may be pending while later calls are read: the destination applies
  // them in order and refuses any that follows a failed one.
  const pending: Promise<void>[] = []
  try {
    await readStreamBatches(context, flow, totals, async (batch, end) => {
      while (pending.length >= 2) await pending.shift()
      const committing = commit(context, flow, totals, batch, end)
      committing.catch(() => {})
      pending.push(committing)
    })
  } finally {
    for (const committing of pending) await committing
  }
}

async function readStreamBatches(
  context: TableReadContext,
  flow: Flow,
  totals: TableTotals,
  commitBatch: (batch: BatchWriter, end: Offset) => Promise<void>,
): Promise<void> {
  const { connector, plan, tableOptions } = context
  const state = await context.writer.state(flow)
  let offset: Offset = state?.offset ?? {}
  const partitioned =
    flow !== 'deletes' && supportsPartitionedStream(connector) && connector.isPartitioned(plan.sourceTable)
  // Calls accumulate in `group` until it holds groupCommitRows rows; it then commits with the
  // offset of its last call. `committedOffset` is the offset the group started from.
  let group: BatchWriter | undefined
  let groupStart = offset
  const flushGroup = async () => {
    if (group && !sameOffset(offset, groupStart)) await commitBatch(group, offset)
    else await group?.abort()
    group = undefined
    groupStart = offset
  }
  try {
    for (let calls = 0; ; calls++) {
      if (context.signal?.aborted) throw context.signal.reason
      if (calls >= context.maxCalls) {
        throw new LakeflowError(
          `Table ${plan.sourceTable}: the ${flow} read did not finish after ${context.maxCalls} calls (the offset kept changing); the committed offset is kept. Raise the cap with --max-calls, or check that the connector stops at an init-time cap`,
          { category: 'source' },
        )
      }
      let end: Offset | null | undefined
      let partitions: Partition[] | undefined
      if (partitioned && supportsPartitionedStream(connector)) {
        end = await connector.latestOffset(plan.sourceTable, tableOptions, offset)
        assertOffset(end, plan.sourceTable)
        if (end === null || sameOffset(end, offset)) break
        partitions = await connector.getPartitions(plan.sourceTable, tableOptions, offset, end)
      }
      group ??= await context.writer.beginBatch(flow, offset)
      const grouping = context.groupCommitRows > 0 && group.mark !== undefined
      group.mark?.()
      const before = group.count
      const feeder = new Feeder(context, flow, totals, group)
      try {
        if (partitions) {
          await readPartitions(context, feeder, partitions)
        } else {
          const read =
            flow === 'deletes'
              ? connector.readTableDeletes!(plan.sourceTable, offset, tableOptions)
              : connector.readTable(plan.sourceTable, offset, tableOptions)
          end = await feeder.drain(read)
          assertOffset(end, plan.sourceTable)
          if (end === null) {
            throw new InvalidOffsetError(
              plan.sourceTable,
              `a ${plan.ingestionType} read must return an offset object, not null`,
              end,
            )
          }
        }
      } catch (error) {
        // keep the complete calls of the group: drop this call's rows and commit the rest
        if (grouping && group.dropSinceMark) {
          group.dropSinceMark()
          await flushGroup()
        }
        throw error
      }
      feeder.progress(true)
      if (sameOffset(end, offset)) {
        const dropped = group.count - before
        if (grouping) group.dropSinceMark!()
        if (dropped > 0) {
          context.emit({
            type: 'warning',
            table: plan.sourceTable,
            message: `${dropped} records returned with an unchanged offset were discarded (as Spark does); a connector must move the offset when it returns records`,
          })
        }
        break
      }
      offset = end!
      if (!grouping || group.count >= context.groupCommitRows) await flushGroup()
    }
    await flushGroup()
  } catch (error) {
    await group?.abort()
    throw error
  }
}
