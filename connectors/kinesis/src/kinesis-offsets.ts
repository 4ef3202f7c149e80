import type { Offset } from '@lakeflow/core/connector'
import { InvalidOffsetError } from '@lakeflow/core/errors'

/**
 * Where a shard's next read starts: after a sequence number, at an arrival time (a LATEST
 * or AT_TIMESTAMP start before anything was read), or nowhere (`closed`: drained after a
 * reshard).
 */
export type ShardPosition =
  | { readonly kind: 'after'; readonly sequence: string }
  | { readonly kind: 'at'; readonly timestamp: number }
  | { readonly kind: 'closed' }

/**
 * A stream table's offset: one entry per shard, `after:<sequence number>`, `at:<epoch ms>`
 * or `closed`. Shards absent from it start at their first record (TRIM_HORIZON), or by the
 * table's iterator type when the whole offset is empty.
 */
export function parseShardPositions(table: string, offset: Offset | null | undefined): Map<string, ShardPosition> {
  const positions = new Map<string, ShardPosition>()
  for (const [shard, value] of Object.entries(offset ?? {})) {
    if (typeof value !== 'string')
      throw new InvalidOffsetError(table, `shard ${shard} must map to a string position`, offset)
    if (value === 'closed') positions.set(shard, { kind: 'closed' })
    else if (/^after:\d+$/.test(value)) positions.set(shard, { kind: 'after', sequence: value.slice(6) })
    else if (/^at:\d+$/.test(value)) positions.set(shard, { kind: 'at', timestamp: Number(value.slice(3)) })
    else
      throw new InvalidOffsetError(
        table,
        `shard ${shard} has position "${value}"; expected after:<sequence>, at:<epoch ms> or closed`,
        offset,
      )
  }
  return positions
}

/** The offset of shard positions, keys sorted. */
export function toShardOffset(positions: ReadonlyMap<string, ShardPosition>): Offset {
  const entries = [...positions].sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0))
  return Object.fromEntries(
    entries.map(([shard, position]) => [
      shard,
      position.kind === 'closed'
        ? 'closed'
        : position.kind === 'after'
          ? `after:${position.sequence}`
          : `at:${position.timestamp}`,
    ]),
  )
}
