import type { Static, TObject } from 'typebox'
import { UnknownTableError, UnsupportedOperationError } from '../errors/errors.ts'
import { LakeflowError } from '../errors/lakeflow-error.ts'
import { acceptOffset } from './offset-declaration.ts'
import type { TableHandler } from './table-connector.ts'
import type { Offset, Partition, PartitionedStreamSupport, PartitionSupport, RawRecord, TableOptions } from './types.ts'

/**
 * How a table's reads split into partitions. `list` and `read` serve batch reads (and, with
 * offsets, the micro-batches of a stream); `latestOffset` makes the table stream through
 * partitions.
 * @example
 * partitions: {
 *   list: (context, options, start, end) => timeRanges(context, options, start, end),
 *   read: (context, partition) => readRange(context, partition),
 *   latestOffset: (context, options, start) => newestCursor(context, start),
 * }
 */
export interface TablePartitions<Context, Options extends TObject = TObject> {
  /**
   * Partition descriptors, deterministic across calls. With offsets (a stream's micro-batch):
   * covering (start, end], empty when they are equal. Without: the whole table.
   */
  list(
    context: Context,
    options: Static<Options>,
    startOffset: Offset | null | undefined,
    endOffset: Offset | null | undefined,
  ): Promise<Partition[]>
  /** Reads one partition made by `list`; self-contained. */
  read(context: Context, partition: Partition, options: Static<Options>): AsyncIterable<RawRecord>
  /** The newest offset available (the start offset itself when nothing is newer). Declares the table a partitioned stream. */
  latestOffset?(context: Context, options: Static<Options>, startOffset: Offset | null): Promise<Offset>
}

type AnyHandler<Context> = TableHandler<Context, any>

/**
 * The partition methods of a table connector whose tables declare partitions: none when no
 * table does; partitioned streams when every partitioned table has `latestOffset`; batch
 * partitions when every table is partitioned. Anything else is a configuration error,
 * since a connector's partition capability covers either some tables (streams) or all.
 */
export function partitionMethods<Context>(
  connector: string,
  context: Context,
  tables: readonly AnyHandler<Context>[],
  parse: (table: AnyHandler<Context>, raw: TableOptions) => any,
): Partial<PartitionedStreamSupport> {
  const partitioned = tables.filter((table) => table.partitions !== undefined)
  if (partitioned.length === 0) return {}
  const streaming = partitioned.every((table) => table.partitions!.latestOffset !== undefined)
  if (!streaming && partitioned.length < tables.length) {
    const without = tables.filter((table) => !table.partitions).map((table) => table.name)
    throw new LakeflowError(
      `Connector "${connector}": tables ${partitioned.map((table) => table.name).join(', ')} declare partitions ` +
        `without latestOffset while ${without.join(', ')} have none; give every partitioned table latestOffset ` +
        '(partitioned streams decide per table) or partition every table',
      { category: 'internal' },
    )
  }
  const names = tables.map((table) => table.name)
  const find = (tableName: string) => {
    const table = tables.find((candidate) => candidate.name === tableName)
    if (!table) throw new UnknownTableError(tableName, names, connector)
    return table
  }
  const partitionedTable = (tableName: string) => {
    const table = find(tableName)
    if (!table.partitions) {
      throw new UnsupportedOperationError(
        'partitions',
        `Table "${tableName}" of connector "${connector}" is not partitioned; only ${partitioned.map((entry) => entry.name).join(', ')} are`,
      )
    }
    return { table, partitions: table.partitions }
  }
  const offsetOf = (table: AnyHandler<Context>, offset: Offset | null | undefined) =>
    table.offset && offset != null ? acceptOffset(table.offset, table.name, offset) : offset
  const batch: PartitionSupport = {
    async getPartitions(tableName, raw, startOffset, endOffset) {
      const { table, partitions } = partitionedTable(tableName)
      const options = parse(table, raw)
      return partitions.list(context, options, offsetOf(table, startOffset), offsetOf(table, endOffset))
    },
    readPartition(tableName, partition, raw) {
      const { table, partitions } = partitionedTable(tableName)
      return partitions.read(context, partition, parse(table, raw))
    },
  }
  if (!streaming) return batch
  return {
    ...batch,
    isPartitioned: (tableName) => find(tableName).partitions !== undefined,
    async latestOffset(tableName, raw, startOffset) {
      const { table, partitions } = partitionedTable(tableName)
      const options = parse(table, raw)
      return partitions.latestOffset!(context, options, offsetOf(table, startOffset) ?? null)
    },
  }
}
