import { assertOffset, isPartitionedTable, type Offset, sameOffset, supportsPartitions } from '@lakeflow/core/connector'
import { LakeflowError } from '@lakeflow/core/errors'
import type { BatchWriter } from '../destinations/types.ts'
import {
  capWarning,
  commit,
  Feeder,
  readPartitions,
  type TableReadContext,
  type TableTotals,
  unchangedOffsetWarning,
} from './feeder.ts'

/** `null` or `{}`: the offsets with which a snapshot read says the snapshot is complete. */
function ends(offset: Offset | null): boolean {
  return offset === null || Object.keys(offset).length === 0
}

/**
 * Reads a snapshot and applies it once it is complete. A snapshot may come in several calls:
 * while a call returns an offset other than `null`, `{}` or the one it was given, the next call
 * continues from it. Finished calls are staged durably out of sight (per group of
 * `groupCommitRows` rows, before a failure, at the read-call cap), with the offset in the
 * table's state, so an interrupted snapshot resumes there on the next run; only the final
 * commit changes the visible table. Returns false when the cap stopped it.
 */
export async function readSnapshot(context: TableReadContext, totals: TableTotals): Promise<boolean> {
  const { connector, plan, tableOptions } = context
  if (isPartitionedTable(connector, plan.sourceTable) && supportsPartitions(connector)) {
    const batch = await context.writer.beginBatch('snapshot', null)
    try {
      const feeder = new Feeder(context, 'snapshot', totals, batch)
      await readPartitions(context, feeder, await connector.getPartitions(plan.sourceTable, tableOptions))
      feeder.progress(true)
      await commit(context, 'snapshot', totals, batch, null)
      return true
    } catch (error) {
      await batch.abort()
      throw error
    }
  }
  let offset = (await context.writer.state('snapshot'))?.offset ?? null
  let group: BatchWriter | undefined
  // Calls of the group that finished (their rows would be lost if the group were dropped).
  let finished = 0
  const stageGroup = async () => {
    if (group?.stage && finished > 0 && offset !== null) await commit(context, 'snapshot', totals, group, offset, true)
    else await group?.abort()
    group = undefined
    finished = 0
  }
  try {
    for (let calls = 0; ; calls++) {
      if (context.signal?.aborted) throw context.signal.reason
      if (calls >= context.maxCalls) {
        if (finished > 0 && !group?.stage) {
          throw new LakeflowError(
            `Table ${plan.sourceTable}: the snapshot did not complete within ${context.maxCalls} read calls (the cap, --max-calls), and this destination cannot keep a partial snapshot; nothing changed. Raise --max-calls`,
            { category: 'config' },
          )
        }
        await stageGroup()
        context.emit(capWarning(context, 'snapshot'))
        return false
      }
      group ??= await context.writer.beginBatch('snapshot', offset)
      group.mark?.()
      const before = group.count
      const feeder = new Feeder(context, 'snapshot', totals, group)
      let end: Offset | null | undefined
      try {
        end = await feeder.drain(connector.readTable(plan.sourceTable, offset, tableOptions))
        assertOffset(end, plan.sourceTable)
      } catch (error) {
        // The group's finished calls are kept (staged) so the next run continues after them.
        if (group.dropSinceMark && finished > 0) {
          group.dropSinceMark()
          await stageGroup()
        }
        throw error
      }
      feeder.progress(true)
      const unchanged = offset !== null && sameOffset(end, offset)
      if (unchanged && group.count > before) {
        context.emit(unchangedOffsetWarning(context, group.count - before))
        group.dropSinceMark?.()
      }
      if (unchanged || ends(end)) {
        await commit(context, 'snapshot', totals, group, null)
        group = undefined
        return true
      }
      offset = end
      finished++
      if (group.stage && group.count >= context.groupCommitRows) await stageGroup()
    }
  } catch (error) {
    await group?.abort()
    throw error
  }
}
