import type { Offset } from '@lakeflow/core/connector'
import { InvalidOffsetError } from '@lakeflow/core/errors'

/**
 * A topic table's offset: the next offset to read per partition, as a flat JSON object
 * keyed by partition number (`{"0": 1200, "1": 1187}`). `{}` is a stream not started yet.
 */
export type PartitionOffsets = ReadonlyMap<number, number>

/** Reads an offset, rejecting anything but partition numbers mapped to non-negative integers. */
export function parsePartitionOffsets(table: string, offset: Offset | null | undefined): PartitionOffsets {
  const positions = new Map<number, number>()
  for (const [key, value] of Object.entries(offset ?? {})) {
    if (!/^(0|[1-9]\d*)$/.test(key)) {
      throw new InvalidOffsetError(table, `keys must be partition numbers, found "${key}"`, offset)
    }
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new InvalidOffsetError(table, `partition ${key} must map to a non-negative integer offset`, offset)
    }
    positions.set(Number(key), value)
  }
  return positions
}

/** The offset object of per-partition positions. */
export function toOffset(positions: readonly number[]): Offset {
  return Object.fromEntries(positions.map((position, partition) => [String(partition), position]))
}

/**
 * Ends of the next read: each partition's end, or (with `cap`) at most `cap` offsets over
 * all partitions, shared in proportion to each partition's backlog (every partition with a
 * backlog moves by at least one, so reads always progress). Deterministic for the same inputs.
 */
export function cappedEnds(starts: readonly number[], ends: readonly number[], cap: number | undefined): number[] {
  const backlog = starts.map((start, index) => Math.max(0, ends[index]! - start))
  const total = backlog.reduce((sum, count) => sum + count, 0)
  if (cap === undefined || total <= cap) return starts.map((start, index) => Math.max(start, ends[index]!))
  return starts.map((start, index) => {
    const share = backlog[index]! === 0 ? 0 : Math.max(1, Math.floor((cap * backlog[index]!) / total))
    return start + Math.min(share, backlog[index]!)
  })
}
