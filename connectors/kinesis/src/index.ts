/** `@lakeflow/connector-kinesis`: Amazon Kinesis Data Streams as append tables, shards as partitions, read exactly once. */
export { connector, KinesisConnector, parentsFirst } from './kinesis-connector.ts'
export { parseShardPositions, type ShardPosition, toShardOffset } from './kinesis-offsets.ts'
export { KinesisOptions, KinesisTableOptions } from './kinesis-options.ts'
export { KINESIS_TABLE_METADATA, kinesisTableSchema } from './kinesis-schema.ts'
