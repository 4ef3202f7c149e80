/** Mutants aimed at the partition checks (§4.3 and §4.5 D). */
import { type Offset, type Partition, type RawRecord, sameOffset, type TableOptions } from '@lakeflow/core/connector'
import { mutant } from './mutate.ts'

type GetPartitions = (
  table: string,
  options: TableOptions,
  start?: Offset | null,
  end?: Offset | null,
) => Promise<Partition[]>

const isStream = (start?: Offset | null, end?: Offset | null) => start != null || end != null

/** A batch getPartitions returns nothing. */
export const noBatchPartitions = mutant(({ inner }) => ({
  async getPartitions(table, options, start, end) {
    return isStream(start, end) ? inner.getPartitions(table, options, start, end) : []
  },
}))

let partitionCalls = 0

/** getPartitions returns its list in a different order on every call. */
export const shuffledPartitions = mutant(({ inner }) => ({
  async getPartitions(table, options, start, end) {
    const partitions = await inner.getPartitions(table, options, start, end)
    // A different order on every call (a random shuffle repeats itself now and then).
    const shift = ++partitionCalls % Math.max(1, partitions.length)
    return [...partitions.slice(shift), ...partitions.slice(0, shift)]
  },
}))

/** Partition bounds are Date objects, which do not survive JSON to an executor. */
export const datePartitions = mutant(({ inner }) => ({
  async getPartitions(table, options, start, end) {
    const partitions = await inner.getPartitions(table, options, start, end)
    return partitions.map(
      (partition) => ({ ...partition, until: new Date(String(partition.until)) }) as unknown as Partition,
    )
  },
  readPartition(table, partition, options) {
    const until = (partition as unknown as { until: unknown }).until
    return inner.readPartition(
      table,
      { ...partition, until: until instanceof Date ? until.toISOString() : (until as string) },
      options,
    )
  },
}))

/** readPartition yields nothing. */
export const emptyPartitions = mutant(() => ({
  readPartition() {
    return (async function* (): AsyncGenerator<RawRecord> {})()
  },
}))

/** readPartition drops the `unit` column. */
export const partitionDropsColumn = mutant(({ inner }) => ({
  readPartition(table, partition, options) {
    return (async function* () {
      for await (const { unit: _unit, ...rest } of inner.readPartition(table, partition, options)) yield rest
    })()
  },
}))

/** isPartitioned answers with a string. */
export const stringIsPartitioned = mutant(({ inner }) => ({
  isPartitioned(table: string) {
    return (inner.isPartitioned(table) ? 'yes' : 'no') as unknown as boolean
  },
}))

/** latestOffset returns an empty offset. */
export const emptyLatestOffset = mutant(() => ({
  async latestOffset() {
    return {}
  },
}))

/** latestOffset fails to answer when given its own offset back. */
export const latestOffsetRejectsStart = mutant(({ inner }) => ({
  async latestOffset(table, options, start) {
    return (start ? undefined : await inner.latestOffset(table, options, start)) as unknown as Offset
  },
}))

/** latestOffset adds a tick counter, so it never equals its start. */
export const latestOffsetAlwaysMoves = mutant(({ inner }) => {
  let tick = 0
  const strip = (offset?: Offset | null) => {
    if (!offset) return offset
    const { tick: _tick, ...rest } = offset
    return rest
  }
  return {
    async latestOffset(table, options, start) {
      return { ...(await inner.latestOffset(table, options, strip(start))), tick: ++tick }
    },
    async getPartitions(table, options, start, end) {
      return inner.getPartitions(table, options, strip(start), strip(end))
    },
  }
})

/** With offsets, getPartitions returns descriptors as strings. */
export const partitionsAsStrings = mutant(({ inner }) => ({
  async getPartitions(table, options, start, end) {
    const partitions = await inner.getPartitions(table, options, start, end)
    if (!isStream(start, end)) return partitions
    return partitions.map((partition) => `${partition.since}..${partition.until}`) as unknown as Partition[]
  },
}))

/** Equal start and end offsets still give the whole table's partitions. */
export const equalOffsetsPartitions = mutant(({ inner }) => ({
  async getPartitions(table, options, start, end) {
    if (start && end && sameOffset(start, end)) return inner.getPartitions(table, options)
    return inner.getPartitions(table, options, start, end)
  },
}))

/** Partitions made for a stream read records without their (non-nullable) `recorded_at`. */
export const streamPartitionsBroken = mutant(({ inner }) => ({
  async getPartitions(table, options, start, end) {
    const partitions = await inner.getPartitions(table, options, start, end)
    return isStream(start, end) ? partitions.map((partition) => ({ ...partition, stream: true })) : partitions
  },
  readPartition(table, partition, options) {
    const { stream, ...clean } = partition
    return (async function* () {
      for await (const record of inner.readPartition(table, clean, options)) {
        if (!stream) yield record
        else {
          const { recorded_at: _recordedAt, ...rest } = record
          yield rest
        }
      }
    })()
  },
}))

/** Every partition after the first starts an hour early: neighbours overlap. */
export const overlappingPartitions = mutant(({ inner }) => ({
  async getPartitions(table, options, start, end) {
    const partitions = await (inner.getPartitions as GetPartitions)(table, options, start, end)
    return partitions.map((partition) =>
      typeof partition.since === 'string'
        ? { ...partition, since: new Date(Date.parse(partition.since) - 3_600_000).toISOString() }
        : partition,
    )
  },
}))

/** The last partition stops a minute before the end: the newest records belong to no partition. */
export const partitionsStopShort = mutant(({ inner }) => ({
  async getPartitions(table, options, start, end) {
    const partitions = await (inner.getPartitions as GetPartitions)(table, options, start, end)
    return partitions.map((partition, index) =>
      index === partitions.length - 1 && typeof partition.until === 'string'
        ? { ...partition, until: new Date(Date.parse(partition.until) - 60_000).toISOString() }
        : partition,
    )
  },
}))
