import type { TableMetadata } from '@lakeflow/core/connector'
import { deadLetterFields, messageValueType } from '@lakeflow/core/convert'
import { Spark, type TableSchema } from '@lakeflow/core/schema'
import type { KafkaTableOptions } from './kafka-options.ts'

/**
 * A topic table's schema: the message's place (topic, partition, offset, timestamp), its key,
 * value and headers, and (with `on_decode_error: dead_letter`) the raw bytes and reason of a
 * value that did not decode.
 */
export function kafkaTableSchema(options: KafkaTableOptions): TableSchema {
  return Spark.table({
    kafka_topic: Spark.string({ nullable: false }),
    kafka_partition: Spark.integer({ nullable: false }),
    kafka_offset: Spark.long({ nullable: false }),
    kafka_timestamp: Spark.timestamp(),
    key: options.key_format === 'bytes' ? Spark.binary() : Spark.string(),
    value: messageValueType({ format: options.value_format, valueSchema: options.value_schema }),
    headers: Spark.array(Spark.struct({ key: Spark.string(), value: Spark.binary() })),
    ...deadLetterFields(options.on_decode_error),
  })
}

/** Append by default; with `compacted`, a changelog keyed by the message key. */
export function kafkaTableMetadata(options: KafkaTableOptions): TableMetadata {
  if (options.compacted)
    return { primary_keys: ['key'], cursor_field: 'kafka_offset', ingestion_type: 'cdc_with_deletes' }
  return { primary_keys: ['kafka_partition', 'kafka_offset'], ingestion_type: 'append' }
}
