/** `@lakeflow/connector-kinesis`: the Lakeflow connector for Kinesis. */
export { connector, createKinesisConnector } from './kinesis-connector.ts'
export { KinesisOptions, ItemsOptions } from './kinesis-options.ts'
export { itemsSchema } from './tables/kinesis-items.ts'
