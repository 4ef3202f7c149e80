import type { RawRecord } from '@lakeflow/core/connector'
import { compileConverter } from '@lakeflow/core/convert'
import { StreamError } from '@lakeflow/core/errors'
import type { SparkStruct } from '@lakeflow/core/schema'
import type { KafkaMessage } from './kafka-client.ts'
import type { KafkaTableOptions } from './kafka-options.ts'
import { valueType } from './kafka-schema.ts'

/** Turns a message into the table's raw record; `undefined` leaves it out of this flow. */
export type MessageMapper = (partition: number, message: KafkaMessage) => RawRecord | undefined

const utf8 = new TextDecoder('utf-8', { fatal: true })

class DecodeFailure extends Error {}

function text(bytes: Buffer, what: string): string {
  try {
    return utf8.decode(bytes)
  } catch {
    throw new DecodeFailure(`the ${what} is not UTF-8 text`)
  }
}

/** The value decoder of a table: bytes in, the value column's raw value out (throws DecodeFailure). */
function valueDecoder(topic: string, options: KafkaTableOptions): (bytes: Buffer) => unknown {
  switch (options.value_format) {
    case 'bytes':
      return (bytes) => bytes
    case 'text':
      return (bytes) => text(bytes, 'value')
    case 'json': {
      const parse = (bytes: Buffer) => {
        try {
          return JSON.parse(text(bytes, 'value')) as unknown
        } catch (error) {
          if (error instanceof DecodeFailure) throw error
          throw new DecodeFailure(`the value is not JSON: ${(error as Error).message}`)
        }
      }
      if (options.value_schema === undefined) {
        // A variant column parses strings as JSON text, so a JSON string value goes back as its JSON text.
        return (bytes) => {
          const value = parse(bytes)
          return typeof value === 'string' ? JSON.stringify(value) : value
        }
      }
      if (options.on_decode_error === 'fail') return parse
      // Dead letters must be caught here, before the framework converts the record: check the value against the declared struct.
      const schema = valueType(options) as SparkStruct
      const check = compileConverter(schema, { table: topic })
      return (bytes) => {
        const value = parse(bytes)
        try {
          check(value as Record<string, unknown>)
        } catch (error) {
          throw new DecodeFailure(`the value does not fit value_schema: ${(error as Error).message}`)
        }
        return value
      }
    }
  }
}

/**
 * The mapper of a topic table. `flow` picks the messages: `upsert` all but tombstones of a
 * compacted topic, `deletes` only those (key and position). A message that does not decode
 * fails the read with a `StreamError` naming its partition and offset, or (dead_letter)
 * becomes a row with a null value, its raw bytes and the reason.
 */
export function messageMapper(topic: string, options: KafkaTableOptions, flow: 'upsert' | 'deletes'): MessageMapper {
  const decodeValue = valueDecoder(topic, options)
  const keyOf = options.key_format === 'bytes' ? (bytes: Buffer) => bytes : (bytes: Buffer) => text(bytes, 'key')
  const deadLetters = options.on_decode_error === 'dead_letter'
  const tombstonesDelete = options.compacted
  return (partition, message) => {
    const tombstone = message.value === null
    if (tombstonesDelete && tombstone !== (flow === 'deletes')) return undefined
    if (!tombstonesDelete && flow === 'deletes') return undefined
    const record: RawRecord = {
      kafka_topic: topic,
      kafka_partition: partition,
      kafka_offset: message.offset,
      kafka_timestamp: message.timestamp >= 0 ? message.timestamp / 1000 : null,
      key: null,
      value: null,
      headers: message.headers.map(([key, value]) => ({ key: key === null ? null : key.toString('utf8'), value })),
    }
    try {
      record.key = message.key === null ? null : keyOf(message.key)
      if (message.value !== null) record.value = decodeValue(message.value)
    } catch (error) {
      if (!(error instanceof DecodeFailure)) throw error
      if (!deadLetters) {
        throw new StreamError(`Kafka: a message does not decode as value_format ${options.value_format}: ${error.message}; set on_decode_error to dead_letter to keep such messages aside`, {
          problem: 'undecodable',
          stream: topic,
          partition,
          position: message.offset,
        })
      }
      record.dead_letter_value = message.value
      record.dead_letter_error = error.message
      record.value = null
    }
    return record
  }
}
