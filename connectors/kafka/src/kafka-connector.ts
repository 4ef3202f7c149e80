import {
  defineConnector,
  type LakeflowConnector,
  type Offset,
  type Partition,
  type PartitionedStreamSupport,
  type RawRecord,
  type TableMetadata,
  type TableOptions,
  type TableRead,
} from '@lakeflow/core/connector'
import { StreamError, UnknownTableError, UnsupportedOperationError } from '@lakeflow/core/errors'
import { parseOptions } from '@lakeflow/core/options'
import type { TableSchema } from '@lakeflow/core/schema'
import packageJson from '../package.json' with { type: 'json' }
import { KafkaClient, type OffsetSpec, type TopicInfo } from './kafka-client.ts'
import { type KafkaConnection, resolveConnection } from './kafka-connection.ts'
import { cappedEnds, parsePartitionOffsets, toOffset } from './kafka-offsets.ts'
import { KafkaOptions, KafkaTableOptions } from './kafka-options.ts'
import { type MessageMapper, messageMapper } from './kafka-records.ts'
import { kafkaTableMetadata, kafkaTableSchema } from './kafka-schema.ts'

/** A topic as this instance saw it first: its partitions and their ends (the init-time cap). */
interface TopicSnapshot {
  readonly topic: TopicInfo
  readonly ends: readonly number[]
}

/** The Kafka connector: topics are append tables, Kafka partitions its partitions. */
export class KafkaConnector implements LakeflowConnector, PartitionedStreamSupport {
  readonly specificationVersion = 'v1'
  readonly name = 'kafka'
  readonly #connection: KafkaConnection
  readonly #client: KafkaClient
  readonly #snapshots = new Map<string, Promise<TopicSnapshot>>()

  constructor(options: KafkaOptions) {
    this.#connection = resolveConnection(options)
    this.#client = new KafkaClient(this.#connection.settings)
  }

  async listTables(): Promise<string[]> {
    const selection = this.#connection.selection
    if (selection.kind === 'list') return [...selection.topics]
    return (await this.#client.topicNames()).filter((name) => selection.pattern.test(name))
  }

  #assertTable(table: string): void {
    const selection = this.#connection.selection
    const known = selection.kind === 'list' ? selection.topics.includes(table) : selection.pattern.test(table)
    if (!known) throw new UnknownTableError(table, selection.kind === 'list' ? selection.topics : [], 'kafka')
  }

  #options(table: string, tableOptions: TableOptions): KafkaTableOptions {
    this.#assertTable(table)
    return parseOptions(KafkaTableOptions, tableOptions, `table ${table}`)
  }

  async getTableSchema(table: string, tableOptions: TableOptions): Promise<TableSchema> {
    return kafkaTableSchema(this.#options(table, tableOptions))
  }

  async readTableMetadata(table: string, tableOptions: TableOptions): Promise<TableMetadata> {
    return kafkaTableMetadata(this.#options(table, tableOptions))
  }

  isPartitioned(table: string): boolean {
    this.#assertTable(table)
    return true
  }

  /** The topic and its ends, looked up once per instance, so every read of a live topic ends. */
  #snapshot(table: string, resuming: boolean): Promise<TopicSnapshot> {
    let snapshot = this.#snapshots.get(table)
    if (!snapshot) {
      snapshot = (async () => {
        const topic = await this.#client.topic(table).catch((error: unknown) => {
          if (resuming && StreamError.isInstance(error) && error.problem === 'unknown-stream') {
            throw new StreamError(
              `Kafka: topic "${table}" was deleted: the committed offset has positions in it, but the cluster no longer has it (recreate the table's state to start over)`,
              {
                problem: 'deleted-stream',
                stream: table,
              },
            )
          }
          throw error
        })
        return { topic, ends: await this.#client.offsets(topic, 'latest') }
      })()
      snapshot.catch(() => this.#snapshots.delete(table))
      this.#snapshots.set(table, snapshot)
    }
    return snapshot
  }

  /**
   * Where a read from `start` begins in each partition, clamped to the snapshot's ends. A new
   * stream follows startingOffsets/startingTimestamp; a partition missing from a committed
   * offset is new and starts at its earliest offset. A committed position below the log's
   * start (retention removed it) or past its end is an error, never a silent skip.
   */
  async #starts(
    table: string,
    snapshot: TopicSnapshot,
    start: Offset | null | undefined,
    options: KafkaTableOptions,
  ): Promise<number[]> {
    const committed = parsePartitionOffsets(table, start)
    const { topic, ends } = snapshot
    if (committed.size === 0) {
      const spec: OffsetSpec =
        options.startingTimestamp !== undefined ? { timestamp: options.startingTimestamp } : options.startingOffsets
      const positions = await this.#client.offsets(topic, spec)
      return positions.map((position, partition) => Math.min(position, ends[partition]!))
    }
    for (const partition of committed.keys()) {
      if (partition >= topic.partitions.length) {
        throw new StreamError(
          `Kafka: the committed offset has partition ${partition}, but topic "${table}" has ${topic.partitions.length} partitions (was it deleted and recreated?)`,
          {
            problem: 'offset-out-of-range',
            stream: table,
            partition,
          },
        )
      }
    }
    const earliest = await this.#client.offsets(topic, 'earliest')
    return topic.partitions.map((_, partition) => {
      const position = committed.get(partition)
      if (position === undefined) return Math.min(earliest[partition]!, ends[partition]!)
      if (position < earliest[partition]!) {
        throw new StreamError(
          `Kafka: offsets ${position} to ${earliest[partition]! - 1} of partition ${partition} are gone (retention or deletion removed them before they were read)`,
          {
            problem: 'offset-out-of-range',
            stream: table,
            partition,
            position,
          },
        )
      }
      if (position > ends[partition]!) {
        throw new StreamError(
          `Kafka: the committed offset ${position} is past the end ${ends[partition]} of partition ${partition} (was the topic deleted and recreated?)`,
          {
            problem: 'offset-out-of-range',
            stream: table,
            partition,
            position,
          },
        )
      }
      return position
    })
  }

  async latestOffset(table: string, tableOptions: TableOptions, start?: Offset | null): Promise<Offset> {
    const options = this.#options(table, tableOptions)
    const resuming = parsePartitionOffsets(table, start).size > 0
    const snapshot = await this.#snapshot(table, resuming)
    const starts = await this.#starts(table, snapshot, start, options)
    if (resuming && this.#connection.groupId !== undefined) {
      // `start` is what the destination committed: the position a monitoring tool should see.
      await this.#client.commitGroup(
        this.#connection.groupId,
        snapshot.topic,
        new Map(starts.map((position, partition) => [partition, position])),
      )
    }
    return toOffset(cappedEnds(starts, snapshot.ends, options.maxOffsetsPerTrigger))
  }

  async getPartitions(
    table: string,
    tableOptions: TableOptions,
    start?: Offset | null,
    end?: Offset | null,
  ): Promise<Partition[]> {
    const options = this.#options(table, tableOptions)
    const resuming = parsePartitionOffsets(table, start).size > 0
    const snapshot = await this.#snapshot(table, resuming)
    const starts = await this.#starts(table, snapshot, start, options)
    const ends = end === undefined || end === null ? snapshot.ends : this.#endPositions(table, end, snapshot)
    const partitions: Partition[] = []
    for (const [partition, from] of starts.entries()) {
      const to = ends[partition]!
      if (to > from) partitions.push({ topic: table, partition, start_offset: from, end_offset: to })
    }
    return partitions
  }

  #endPositions(table: string, end: Offset, snapshot: TopicSnapshot): number[] {
    const positions = parsePartitionOffsets(table, end)
    return snapshot.topic.partitions.map((_, partition) => positions.get(partition) ?? 0)
  }

  async *readPartition(table: string, partition: Partition, tableOptions: TableOptions): AsyncGenerator<RawRecord> {
    const options = this.#options(table, tableOptions)
    yield* this.#records(table, partition, messageMapper(table, options, 'upsert'))
  }

  /** The records of one partition descriptor's range, as `map` turns messages into them. */
  async *#records(table: string, partition: Partition, map: MessageMapper): AsyncGenerator<RawRecord> {
    const snapshot = await this.#snapshot(table, true)
    const index = Number(partition.partition)
    const from = Number(partition.start_offset)
    for await (const message of this.#client.readRange(snapshot.topic, index, from, Number(partition.end_offset))) {
      const record = map(index, message)
      if (record) yield record
    }
  }

  readTable(table: string, start: Offset | null, tableOptions: TableOptions): TableRead {
    return this.#read(table, start, tableOptions, 'upsert')
  }

  readTableDeletes(table: string, start: Offset | null, tableOptions: TableOptions): TableRead {
    const options = this.#options(table, tableOptions)
    if (!options.compacted) {
      throw new UnsupportedOperationError(
        'readTableDeletes',
        `Kafka: table "${table}" is append-only; set the table option compacted to read tombstones as deletes`,
      )
    }
    return this.#read(table, start, tableOptions, 'deletes')
  }

  /** One call: from `start` to the capped end, partition after partition; returns the end. */
  async *#read(table: string, start: Offset | null, tableOptions: TableOptions, flow: 'upsert' | 'deletes'): TableRead {
    const options = this.#options(table, tableOptions)
    const end = await this.latestOffset(table, tableOptions, start)
    const map = messageMapper(table, options, flow)
    for (const partition of await this.getPartitions(table, tableOptions, start, end)) {
      yield* this.#records(table, partition, map)
    }
    return end
  }

  async close(): Promise<void> {
    await this.#client.close()
  }
}

/** The Kafka connector's definition: what `lakeflow` and the Spark bridge load. */
export const connector = defineConnector({
  name: 'kafka',
  packageName: packageJson.name,
  version: packageJson.version,
  description: packageJson.description,
  options: KafkaOptions,
  tableOptionKeys: Object.keys(KafkaTableOptions.properties).sort(),
  create: (options) => new KafkaConnector(options),
})
