import type { _Record as KinesisRecord } from '@aws-sdk/client-kinesis'
import {
  defineConnector,
  type LakeflowConnector,
  type Offset,
  type Partition,
  type PartitionSupport,
  type RawRecord,
  type TableMetadata,
  type TableOptions,
  type TableRead,
} from '@lakeflow/core/connector'
import { decodeWithPolicy, type MessageDecoding, messageValueDecoder } from '@lakeflow/core/convert'
import { InvalidOptionsError, StreamError, UnknownTableError } from '@lakeflow/core/errors'
import { parseOptions } from '@lakeflow/core/options'
import type { TableSchema } from '@lakeflow/core/schema'
import packageJson from '../package.json' with { type: 'json' }
import { type IteratorStart, KinesisClient, type ShardInfo } from './kinesis-client.ts'
import { parseShardPositions, type ShardPosition, toShardOffset } from './kinesis-offsets.ts'
import { KinesisOptions, KinesisTableOptions } from './kinesis-options.ts'
import { KINESIS_TABLE_METADATA, kinesisTableSchema } from './kinesis-schema.ts'

/** What one shard read needs: where to start, how many records it may take, where to stop. */
interface ShardRead {
  readonly stream: string
  readonly shard: string
  readonly start: IteratorStart
  readonly limit: number
  /** Records that arrived after this (the instance's start) are left for the next instance. */
  readonly capMs: number
}

/**
 * The Kinesis connector: streams are append tables, shards the partitions of the offset
 * (one position per shard) and of batch reads. Parent shards are drained before their
 * children are read, so records of one partition key stay in order across a reshard.
 */
export class KinesisConnector implements LakeflowConnector, PartitionSupport {
  readonly specificationVersion = 'v1'
  readonly name = 'kinesis'
  readonly #streams: readonly string[]
  readonly #client: KinesisClient
  /** The init-time cap: a read never takes records that arrived after the instance was made. */
  readonly #capMs = Date.now()

  constructor(options: KinesisOptions) {
    this.#streams = [
      ...new Set(
        options.streams
          .split(',')
          .map((stream) => stream.trim())
          .filter(Boolean),
      ),
    ]
    if ((options.access_key_id === undefined) !== (options.secret_access_key === undefined)) {
      throw new InvalidOptionsError({
        key: options.access_key_id ? 'secret_access_key' : 'access_key_id',
        where: 'connector kinesis',
        problem: 'is required with the other',
      })
    }
    this.#client = new KinesisClient(options)
  }

  /** GetRecords backoffs so far (milliseconds), for run reports and tests. */
  get backoffs(): readonly number[] {
    return this.#client.backoffs
  }

  async listTables(): Promise<string[]> {
    return [...this.#streams]
  }

  #options(table: string, tableOptions: TableOptions): KinesisTableOptions {
    if (!this.#streams.includes(table)) throw new UnknownTableError(table, this.#streams, 'kinesis')
    const options = parseOptions(KinesisTableOptions, tableOptions, `table ${table}`)
    if (options.iterator_type === 'AT_TIMESTAMP' && options.starting_timestamp === undefined) {
      throw new InvalidOptionsError({
        key: 'starting_timestamp',
        where: `table ${table}`,
        problem: 'is required with iterator_type AT_TIMESTAMP',
      })
    }
    return options
  }

  async getTableSchema(table: string, tableOptions: TableOptions): Promise<TableSchema> {
    return kinesisTableSchema(this.#options(table, tableOptions))
  }

  async readTableMetadata(table: string, tableOptions: TableOptions): Promise<TableMetadata> {
    this.#options(table, tableOptions)
    return KINESIS_TABLE_METADATA
  }

  /** A batch read's partitions: one per shard, each read from its first record to the cap. */
  async getPartitions(table: string, tableOptions: TableOptions): Promise<Partition[]> {
    this.#options(table, tableOptions)
    return (await this.#client.shards(table)).map((shard) => ({ stream: table, shard_id: shard.id }))
  }

  async *readPartition(table: string, partition: Partition, tableOptions: TableOptions): AsyncGenerator<RawRecord> {
    const options = this.#options(table, tableOptions)
    const read = {
      stream: table,
      shard: String(partition.shard_id),
      start: { type: 'TRIM_HORIZON' } as const,
      limit: Number.MAX_SAFE_INTEGER,
      capMs: this.#capMs,
    }
    yield* this.#readShard(read, this.#decoder(table, options), () => {})
  }

  #decoder(
    table: string,
    options: KinesisTableOptions,
  ): { decoding: MessageDecoding; decode: (bytes: Uint8Array) => unknown } {
    const decoding: MessageDecoding = {
      table,
      format: options.value_format,
      valueSchema: options.value_schema,
      onDecodeError: options.on_decode_error,
    }
    return { decoding, decode: messageValueDecoder(decoding) }
  }

  /**
   * One call: shard by shard, parents before children, each from its committed position to
   * the cap (arrival time, or `max_records_per_batch` over the call); returns every shard's
   * new position. A shard whose iterator runs out is `closed`, which frees its children.
   */
  async *readTable(table: string, start: Offset | null, tableOptions: TableOptions): TableRead {
    const options = this.#options(table, tableOptions)
    const positions = parseShardPositions(table, start)
    const fresh = positions.size === 0
    const shards = await this.#client.shards(table)
    const listed = new Set(shards.map((shard) => shard.id))
    // shards that expired out of the listing are done; their entries go
    for (const shard of [...positions.keys()])
      if (!listed.has(shard) && positions.get(shard)!.kind === 'closed') positions.delete(shard)
    const decoder = this.#decoder(table, options)
    let budget = options.max_records_per_batch
    const done = (shard: string) => !listed.has(shard) || positions.get(shard)?.kind === 'closed'
    for (const shard of parentsFirst(shards)) {
      if (budget <= 0) break
      if (done(shard.id)) continue
      // a child waits until every parent is drained (in this call or an earlier one)
      if (!shard.parents.every(done)) continue
      const position = positions.get(shard.id)
      const begin = startOf(position, fresh, options)
      if (begin === undefined) continue
      if (position === undefined && begin.type === 'LATEST') {
        // pin "latest" to this instance's start, so a crash and rerun starts at the same place;
        // nothing arrived between then and the cap
        positions.set(shard.id, { kind: 'at', timestamp: this.#capMs })
        continue
      }
      // a timestamp start is kept even if nothing is read, so the next call does not fall back to the first record
      if (position === undefined && begin.type === 'AT_TIMESTAMP')
        positions.set(shard.id, { kind: 'at', timestamp: begin.timestamp })
      const read: ShardRead = { stream: table, shard: shard.id, start: begin, limit: budget, capMs: this.#capMs }
      for await (const record of this.#readShard(read, decoder, (next) => positions.set(shard.id, next))) {
        budget--
        yield record
      }
    }
    return toShardOffset(positions)
  }

  /**
   * Reads one shard from `read.start`, yielding decoded records, until its iterator runs out
   * (`closed`), it is caught up, a record arrived after the cap, or the limit is reached.
   * `advance` gets the position after each record (and `closed` at the end of a shard).
   */
  async *#readShard(
    read: ShardRead,
    decoder: { decoding: MessageDecoding; decode: (bytes: Uint8Array) => unknown },
    advance: (position: ShardPosition) => void,
  ): AsyncGenerator<RawRecord> {
    let iterator: string | undefined = await this.#client.iterator(read.stream, read.shard, read.start)
    let taken = 0
    let last: string | undefined
    while (iterator && taken < read.limit) {
      let response: Awaited<ReturnType<KinesisClient['records']>>
      try {
        response = await this.#client.records(read.stream, read.shard, iterator, read.limit - taken)
      } catch (error) {
        // iterators live five minutes: reopen after the last record instead of failing the read
        if (StreamError.isInstance(error) && /ExpiredIteratorException/.test(error.message)) {
          iterator = await this.#client.iterator(
            read.stream,
            read.shard,
            last ? { type: 'AFTER_SEQUENCE_NUMBER', sequence: last } : read.start,
          )
          continue
        }
        throw error
      }
      const records = response.Records ?? []
      for (const record of records) {
        const arrival = record.ApproximateArrivalTimestamp?.getTime()
        if (arrival !== undefined && arrival > read.capMs) return
        yield this.#toRecord(read, record, decoder)
        last = record.SequenceNumber!
        advance({ kind: 'after', sequence: last })
        taken++
      }
      if (response.NextShardIterator === undefined || response.NextShardIterator === null) {
        advance({ kind: 'closed' })
        return
      }
      if (records.length === 0 && (response.MillisBehindLatest ?? 0) === 0) return
      iterator = response.NextShardIterator
    }
  }

  #toRecord(
    read: ShardRead,
    record: KinesisRecord,
    decoder: { decoding: MessageDecoding; decode: (bytes: Uint8Array) => unknown },
  ): RawRecord {
    const data = record.Data ?? new Uint8Array()
    const row: RawRecord = {
      kinesis_stream: read.stream,
      kinesis_shard_id: read.shard,
      kinesis_sequence_number: record.SequenceNumber,
      kinesis_arrival_timestamp: record.ApproximateArrivalTimestamp
        ? record.ApproximateArrivalTimestamp.getTime() / 1000
        : null,
      partition_key: record.PartitionKey ?? null,
      value: null,
    }
    return decodeWithPolicy(
      row,
      data,
      decoder.decoding,
      { partition: read.shard, position: record.SequenceNumber ?? '' },
      () => {
        row.value = decoder.decode(data)
      },
    )
  }

  async close(): Promise<void> {
    this.#client.close()
  }
}

/** Where a shard's read starts; undefined for a closed shard. */
function startOf(
  position: ShardPosition | undefined,
  fresh: boolean,
  options: KinesisTableOptions,
): IteratorStart | undefined {
  if (position?.kind === 'closed') return undefined
  if (position?.kind === 'after') return { type: 'AFTER_SEQUENCE_NUMBER', sequence: position.sequence }
  if (position?.kind === 'at') return { type: 'AT_TIMESTAMP', timestamp: position.timestamp }
  // a shard without a position: the table's choice on a new stream, else a child of a reshard
  if (!fresh) return { type: 'TRIM_HORIZON' }
  if (options.iterator_type === 'AT_TIMESTAMP') return { type: 'AT_TIMESTAMP', timestamp: options.starting_timestamp! }
  return { type: options.iterator_type }
}

/** Shards ordered so that every parent comes before its children (then by id). */
export function parentsFirst(shards: readonly ShardInfo[]): ShardInfo[] {
  const byId = new Map(shards.map((shard) => [shard.id, shard]))
  const ordered: ShardInfo[] = []
  const placed = new Set<string>()
  const place = (shard: ShardInfo) => {
    if (placed.has(shard.id)) return
    placed.add(shard.id)
    for (const parent of shard.parents) {
      const found = byId.get(parent)
      if (found) place(found)
    }
    ordered.push(shard)
  }
  for (const shard of [...shards].sort((left, right) => (left.id < right.id ? -1 : 1))) place(shard)
  return ordered
}

/** The Kinesis connector's definition: what `lakeflow` and the Spark bridge load. */
export const connector = defineConnector({
  name: 'kinesis',
  packageName: packageJson.name,
  version: packageJson.version,
  description: packageJson.description,
  options: KinesisOptions,
  tableOptionKeys: Object.keys(KinesisTableOptions.properties).sort(),
  create: (options) => new KinesisConnector(options),
})
