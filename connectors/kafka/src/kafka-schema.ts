import type { TableMetadata } from '@lakeflow/core/connector'
import { InvalidOptionsError } from '@lakeflow/core/errors'
import { type AnySparkNode, fromSparkJson, isSparkStruct, Spark, type TableSchema } from '@lakeflow/core/schema'
import type { KafkaTableOptions } from './kafka-options.ts'

/** The value column's type for the table options. */
export function valueType(options: KafkaTableOptions): AnySparkNode {
  if (options.value_schema !== undefined && options.value_format !== 'json') {
    throw new InvalidOptionsError({ key: 'value_schema', where: 'table options', problem: `applies to value_format json only, not ${options.value_format}` })
  }
  switch (options.value_format) {
    case 'bytes':
      return Spark.binary()
    case 'text':
      return Spark.string()
    case 'json':
      return options.value_schema === undefined ? Spark.variant() : declaredValueSchema(options.value_schema)
  }
}

function declaredValueSchema(text: string): AnySparkNode {
  let node: AnySparkNode
  try {
    node = fromSparkJson(text)
  } catch (error) {
    throw new InvalidOptionsError({ key: 'value_schema', where: 'table options', problem: `is not a Spark schema in JSON form: ${(error as Error).message}`, cause: error })
  }
  if (!isSparkStruct(node)) {
    throw new InvalidOptionsError({ key: 'value_schema', where: 'table options', problem: 'must be a StructType ({"type":"struct","fields":[...]})' })
  }
  return node
}

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
    value: valueType(options),
    headers: Spark.array(Spark.struct({ key: Spark.string(), value: Spark.binary() })),
    ...(options.on_decode_error === 'dead_letter'
      ? { dead_letter_value: Spark.binary(), dead_letter_error: Spark.string() }
      : {}),
  })
}

/** Append by default; with `compacted`, a changelog keyed by the message key. */
export function kafkaTableMetadata(options: KafkaTableOptions): TableMetadata {
  if (options.compacted) return { primary_keys: ['key'], cursor_field: 'kafka_offset', ingestion_type: 'cdc_with_deletes' }
  return { primary_keys: ['kafka_partition', 'kafka_offset'], ingestion_type: 'append' }
}
