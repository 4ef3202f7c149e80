import { StreamError } from '@lakeflow/core/errors'
import { Admin, Consumer, type KafkaRecord, type RecordsBatch } from '@platformatic/kafka'
import type { KafkaClientSettings } from './kafka-connection.ts'
import { toKafkaError } from './kafka-errors.ts'

/** A topic's id and its partitions' leaders, from a metadata request. */
export interface TopicInfo {
  readonly name: string
  readonly id: string
  readonly partitions: readonly { readonly leader: number; readonly leaderEpoch: number }[]
}

/** A message as read from a partition, before decoding. */
export interface KafkaMessage {
  readonly offset: number
  /** Milliseconds since the epoch (create time or log-append time, as the topic records it). */
  readonly timestamp: number
  readonly key: Buffer | null
  readonly value: Buffer | null
  readonly headers: readonly (readonly [Buffer | null, Buffer | null])[]
}

/** Which offset to look up in each partition. */
export type OffsetSpec = 'earliest' | 'latest' | { readonly timestamp: number }

const IS_CONTROL_BATCH = 0x20
const LOG_APPEND_TIME = 0x08
/** Bytes one fetch may return per partition: large enough for throughput, small enough to stream. */
const PARTITION_MAX_BYTES = 4 << 20
/** A consumer needs a group id; the connector never joins a group with it. */
const UNUSED_GROUP = 'lakeflow-connector-kafka-unused'

/**
 * The connector's use of the Kafka client: metadata, offset look-ups and range reads, with
 * errors translated once, here. No consumer group is joined: reads are positioned by the
 * offsets the destination committed.
 */
export class KafkaClient {
  readonly #settings: KafkaClientSettings
  #metadataConsumer: Consumer | undefined
  readonly #readers = new Set<Consumer>()

  constructor(settings: KafkaClientSettings) {
    this.#settings = settings
  }

  get bootstrap(): readonly string[] {
    return this.#settings.bootstrapBrokers
  }

  #consumer(groupId = UNUSED_GROUP): Consumer {
    return new Consumer({ ...this.#settings, groupId, retries: 1, retryDelay: 250, metadataMaxAge: 60_000 })
  }

  get #metadata(): Consumer {
    this.#metadataConsumer ??= this.#consumer()
    return this.#metadataConsumer
  }

  /** Names of the cluster's topics, internal ones (leading `__`) left out. */
  async topicNames(): Promise<string[]> {
    const admin = new Admin({ ...this.#settings, retries: 1, retryDelay: 250 })
    try {
      const names = await admin.listTopics({ includeInternals: false })
      return names.filter((name) => !name.startsWith('__')).sort()
    } catch (error) {
      throw toKafkaError(error, 'listing topics', { topic: '*', bootstrap: this.bootstrap })
    } finally {
      await admin.close().catch(() => {})
    }
  }

  /** The topic's id and partitions; a `StreamError` (`unknown-stream`) when it does not exist. */
  async topic(name: string): Promise<TopicInfo> {
    let metadata: Awaited<ReturnType<Consumer['metadata']>>
    try {
      metadata = await this.#metadata.metadata({ topics: [name], forceUpdate: true, autocreateTopics: false })
    } catch (error) {
      throw toKafkaError(error, `reading the metadata of topic "${name}"`, { topic: name, bootstrap: this.bootstrap })
    }
    const topic = metadata.topics.get(name)
    if (!topic || topic.partitionsCount === 0) {
      throw new StreamError(`Kafka: topic "${name}" does not exist on the cluster at ${this.bootstrap.join(',')}`, {
        problem: 'unknown-stream',
        stream: name,
      })
    }
    return {
      name,
      id: topic.id,
      partitions: topic.partitions.map(({ leader, leaderEpoch }) => ({ leader, leaderEpoch })),
    }
  }

  /** The offset `spec` names in each partition of `topic` (a timestamp past the last message gives the end). */
  async offsets(topic: TopicInfo, spec: OffsetSpec): Promise<number[]> {
    const partitions = { [topic.name]: topic.partitions.map((_, index) => index) }
    try {
      if (spec === 'earliest' || spec === 'latest') {
        const found = await this.#metadata.listOffsets({
          topics: [topic.name],
          partitions,
          timestamp: spec === 'earliest' ? -2n : -1n,
        })
        return this.#perPartition(topic, found.get(topic.name) ?? [])
      }
      const [found, ends] = await Promise.all([
        this.#metadata.listOffsets({ topics: [topic.name], partitions, timestamp: BigInt(spec.timestamp) }),
        this.offsets(topic, 'latest'),
      ])
      // -1: no message at or after the timestamp, so the stream starts at the end
      return this.#perPartition(topic, found.get(topic.name) ?? []).map((offset, index) =>
        offset < 0 ? ends[index]! : offset,
      )
    } catch (error) {
      throw toKafkaError(error, `looking up offsets of topic "${topic.name}"`, {
        topic: topic.name,
        bootstrap: this.bootstrap,
      })
    }
  }

  #perPartition(topic: TopicInfo, found: readonly bigint[]): number[] {
    return topic.partitions.map((_, index) => {
      const offset = found[index]
      if (offset === undefined) {
        throw new StreamError(`Kafka: the broker listed no offset for partition ${index}`, {
          problem: 'unknown-stream',
          stream: topic.name,
          partition: index,
        })
      }
      return Number(offset)
    })
  }

  /**
   * Reads the messages of one partition with offsets in [from, to), fetching the next
   * chunk while the caller works through the current one. Its own consumer (connections
   * and fetch session), so concurrent partition reads do not disturb each other.
   */
  async *readRange(topic: TopicInfo, partition: number, from: number, to: number): AsyncGenerator<KafkaMessage> {
    if (from >= to) return
    const consumer = this.#consumer()
    this.#readers.add(consumer)
    const where = { topic: topic.name, partition, bootstrap: this.bootstrap }
    const fetchAt = async (position: number) => {
      try {
        const meta = topic.partitions[partition]!
        const response = await consumer.fetch({
          node: meta.leader,
          maxWaitTime: 500,
          minBytes: 1,
          maxBytes: PARTITION_MAX_BYTES,
          topics: [
            {
              topicId: topic.id,
              partitions: [
                {
                  partition,
                  currentLeaderEpoch: meta.leaderEpoch,
                  fetchOffset: BigInt(position),
                  lastFetchedEpoch: -1,
                  partitionMaxBytes: PARTITION_MAX_BYTES,
                },
              ],
            },
          ],
        })
        const answer = response.responses[0]?.partitions.find((item) => item.partitionIndex === partition)
        if (answer && answer.errorCode !== 0)
          throw Object.assign(new Error(`fetch error code ${answer.errorCode}`), { code: errorName(answer.errorCode) })
        return answer?.records ?? []
      } catch (error) {
        throw toKafkaError(error, `reading topic "${topic.name}" partition ${partition} at offset ${position}`, {
          ...where,
          offset: position,
        })
      }
    }
    try {
      let position = from
      let pending: Promise<RecordsBatch[]> | undefined = fetchAt(position)
      while (pending) {
        const batches = await pending
        pending = undefined
        const next = nextPosition(batches, position)
        if (next === position) {
          throw new StreamError(
            `Kafka: partition ${partition} returned nothing at offset ${position} although the read should reach offset ${to} (was the log truncated?)`,
            { problem: 'offset-out-of-range', stream: topic.name, partition, position },
          )
        }
        if (next < to) pending = fetchAt(next)
        for (const batch of batches) {
          if (batch.attributes & IS_CONTROL_BATCH) continue
          const appendTime = (batch.attributes & LOG_APPEND_TIME) !== 0
          for (const record of batch.records) {
            const offset = Number(batch.firstOffset) + record.offsetDelta
            if (offset < position) continue
            if (offset >= to) break
            yield toMessage(batch, record, offset, appendTime)
          }
        }
        position = next
      }
    } finally {
      this.#readers.delete(consumer)
      await consumer.close(true).catch(() => {})
    }
  }

  /** Sets `groupId`'s committed offsets (monitoring only). */
  async commitGroup(groupId: string, topic: TopicInfo, offsets: ReadonlyMap<number, number>): Promise<void> {
    const admin = new Admin({ ...this.#settings, retries: 1 })
    try {
      await admin.alterConsumerGroupOffsets({
        groupId,
        topics: [
          {
            name: topic.name,
            partitionOffsets: [...offsets].map(([partition, offset]) => ({ partition, offset: BigInt(offset) })),
          },
        ],
      })
    } catch (error) {
      throw toKafkaError(error, `committing offsets of group "${groupId}"`, {
        topic: topic.name,
        bootstrap: this.bootstrap,
      })
    } finally {
      await admin.close().catch(() => {})
    }
  }

  async close(): Promise<void> {
    const consumers = [...this.#readers, ...(this.#metadataConsumer ? [this.#metadataConsumer] : [])]
    this.#readers.clear()
    this.#metadataConsumer = undefined
    await Promise.all(consumers.map((consumer) => consumer.close(true).catch(() => {})))
  }
}

/** The offset after the last record the batches hold (control batches included). */
function nextPosition(batches: readonly RecordsBatch[], position: number): number {
  let next = position
  for (const batch of batches) next = Math.max(next, Number(batch.firstOffset) + batch.lastOffsetDelta + 1)
  return next
}

function toMessage(batch: RecordsBatch, record: KafkaRecord, offset: number, appendTime: boolean): KafkaMessage {
  return {
    offset,
    timestamp: Number(appendTime ? batch.maxTimestamp : batch.firstTimestamp + record.timestampDelta),
    key: record.key,
    value: record.value,
    headers: record.headers,
  }
}

/** Names of the partition-level fetch errors the connector tells apart. */
function errorName(code: number): string {
  switch (code) {
    case 1:
      return 'OFFSET_OUT_OF_RANGE'
    case 3:
      return 'UNKNOWN_TOPIC_OR_PARTITION'
    case 100:
      return 'UNKNOWN_TOPIC_ID'
    default:
      return `KAFKA_ERROR_${code}`
  }
}
