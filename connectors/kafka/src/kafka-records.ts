import type { RawRecord } from '@lakeflow/core/connector'
import { decodeUtf8, decodeWithPolicy, type MessageDecoding, messageValueDecoder } from '@lakeflow/core/convert'
import type { KafkaMessage } from './kafka-client.ts'
import type { KafkaTableOptions } from './kafka-options.ts'

/** Turns a message into the table's raw record; `undefined` leaves it out of this flow. */
export type MessageMapper = (partition: number, message: KafkaMessage) => RawRecord | undefined

/** The value decoding the table options describe. */
export function kafkaDecoding(topic: string, options: KafkaTableOptions): MessageDecoding {
  return {
    table: topic,
    format: options.value_format,
    valueSchema: options.value_schema,
    onDecodeError: options.on_decode_error,
  }
}

/**
 * The mapper of a topic table. `flow` picks the messages: `upsert` all but tombstones of a
 * compacted topic, `deletes` only those (key and position). A message that does not decode
 * fails the read with a `StreamError` naming its partition and offset, or (dead_letter)
 * becomes a row with a null value, its raw bytes and the reason.
 */
export function messageMapper(topic: string, options: KafkaTableOptions, flow: 'upsert' | 'deletes'): MessageMapper {
  const decoding = kafkaDecoding(topic, options)
  const decodeValue = messageValueDecoder(decoding)
  const keyOf = options.key_format === 'bytes' ? (bytes: Buffer) => bytes : (bytes: Buffer) => decodeUtf8(bytes, 'key')
  const tombstonesDelete = options.compacted
  return (partition, message) => {
    const tombstone = message.value === null
    if (tombstonesDelete ? tombstone !== (flow === 'deletes') : flow === 'deletes') return undefined
    const record: RawRecord = {
      kafka_topic: topic,
      kafka_partition: partition,
      kafka_offset: message.offset,
      kafka_timestamp: message.timestamp >= 0 ? message.timestamp / 1000 : null,
      key: null,
      value: null,
      headers: message.headers.map(([key, value]) => ({ key: key === null ? null : key.toString('utf8'), value })),
    }
    return decodeWithPolicy(record, message.value, decoding, { partition, position: message.offset }, () => {
      record.key = message.key === null ? null : keyOf(message.key)
      if (message.value !== null) record.value = decodeValue(message.value)
    })
  }
}
