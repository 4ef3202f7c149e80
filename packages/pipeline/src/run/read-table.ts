import {
  assertOffset,
  type Offset,
  type Partition,
  sameOffset,
  supportsPartitionedStream,
} from '@lakeflow/core/connector'
import { InvalidOffsetError } from '@lakeflow/core/errors'
import type { BatchWriter, Flow } from '../destinations/types.ts'
import {
  capWarning,
  commit,
  Feeder,
  readPartitions,
  type TableReadContext,
  type TableTotals,
  unchangedOffsetWarning,
} from './feeder.ts'
import { readSnapshot } from './read-snapshot.ts'

/**
 * Reads every flow of a table into its destination. Returns true when every flow read to its
 * end, false when one stopped at the read-call cap (its finished calls are committed, and a
 * warning says so): the next run continues from there.
 */
export async function readTableIntoDestination(context: TableReadContext, totals: TableTotals): Promise<boolean> {
  switch (context.plan.ingestionType) {
    case 'snapshot':
      return readSnapshot(context, totals)
    case 'append':
      return readStream(context, 'append', totals)
    case 'cdc':
      return readStream(context, 'upsert', totals)
    case 'cdc_with_deletes':
      return (await readStream(context, 'upsert', totals)) && (await readStream(context, 'deletes', totals))
  }
}

async function readStream(context: TableReadContext, flow: Flow, totals: TableTotals): Promise<boolean> {
  // Up to two commits may be pending while later calls are read: the destination applies
  // them in order and refuses any that follows a failed one.
  const pending: Promise<void>[] = []
  try {
    return await readStreamBatches(
      context,
      flow,
      async (batch, end) => {
        while (pending.length >= 2) await pending.shift()
        const committing = commit(context, flow, totals, batch, end)
        committing.catch(() => {})
        pending.push(committing)
      },
      totals,
    )
  } finally {
    for (const committing of pending) await committing
  }
}

async function readStreamBatches(
  context: TableReadContext,
  flow: Flow,
  commitBatch: (batch: BatchWriter, end: Offset) => Promise<void>,
  totals: TableTotals,
): Promise<boolean> {
  const { connector, plan, tableOptions } = context
  const state = await context.writer.state(flow)
  let offset: Offset = state?.offset ?? {}
  const partitioned =
    flow !== 'deletes' && supportsPartitionedStream(connector) && connector.isPartitioned(plan.sourceTable)
  // Calls accumulate in `group` until it holds groupCommitRows rows; it then commits with the
  // offset of its last call. `groupStart` is the offset the group started from.
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
        // The cap ends this run's read, not the table: what was read commits, and the next run goes on.
        await flushGroup()
        context.emit(capWarning(context, flow))
        return false
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
        if (dropped > 0) context.emit(unchangedOffsetWarning(context, dropped))
        break
      }
      offset = end!
      if (!grouping || group.count >= context.groupCommitRows) await flushGroup()
    }
    await flushGroup()
    return true
  } catch (error) {
    await group?.abort()
    throw error
  }
}
