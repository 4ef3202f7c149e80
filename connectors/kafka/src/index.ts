/** `@lakeflow/connector-kafka`: Apache Kafka and Azure Event Hubs (Kafka protocol) topics as append tables, read exactly once. */

export { EVENT_HUBS_USERNAME, eventHubsBootstrap } from './kafka-connection.ts'
export { connector, KafkaConnector } from './kafka-connector.ts'
export { cappedEnds, parsePartitionOffsets, toOffset } from './kafka-offsets.ts'
export { KafkaOptions, KafkaTableOptions } from './kafka-options.ts'
export { kafkaTableMetadata, kafkaTableSchema } from './kafka-schema.ts'
