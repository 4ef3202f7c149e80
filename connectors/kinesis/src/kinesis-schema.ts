import type { TableMetadata } from '@lakeflow/core/connector'
import { deadLetterFields, messageValueType } from '@lakeflow/core/convert'
import { Spark, type TableSchema } from '@lakeflow/core/schema'
import type { KinesisTableOptions } from './kinesis-options.ts'

/**
 * A stream table's schema: the record's place (stream, shard, sequence number, arrival
 * time), its partition key and data, and (with `on_decode_error: dead_letter`) the raw bytes
 * and reason of data that did not decode.
 */
export function kinesisTableSchema(options: KinesisTableOptions): TableSchema {
  return Spark.table({
    kinesis_stream: Spark.string({ nullable: false }),
    kinesis_shard_id: Spark.string({ nullable: false }),
    // up to 128-bit decimal numbers: text, as Kinesis gives them
    kinesis_sequence_number: Spark.string({ nullable: false }),
    kinesis_arrival_timestamp: Spark.timestamp(),
    partition_key: Spark.string(),
    value: messageValueType({ format: options.value_format, valueSchema: options.value_schema }),
    ...deadLetterFields(options.on_decode_error),
  })
}

/** Append-only; a record is identified by its shard and sequence number. */
export const KINESIS_TABLE_METADATA: TableMetadata = {
  primary_keys: ['kinesis_shard_id', 'kinesis_sequence_number'],
  ingestion_type: 'append',
}
