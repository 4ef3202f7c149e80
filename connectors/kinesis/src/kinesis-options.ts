import { MESSAGE_DECODING_OPTIONS } from '@lakeflow/core/convert'
import { defineOptions, secret, Type } from '@lakeflow/core/options'
import type { Static } from 'typebox'

/**
 * Connection options of the Kinesis connector. Without keys, the AWS SDK's default
 * credential chain applies (environment, profile, instance role).
 * @example connector.create({ streams: 'clickstream', region: 'eu-west-1' })
 */
export const KinesisOptions = defineOptions({
  streams: Type.String({
    minLength: 1,
    description: 'Comma-separated Kinesis data streams to read; each stream is a table.',
  }),
  region: Type.String({ minLength: 1, description: 'AWS region of the streams, e.g. eu-west-1.' }),
  endpoint: Type.Optional(
    Type.String({
      pattern: '^https?://',
      description: 'Endpoint URL (VPC endpoints, or a local stand-in). @default the regional endpoint',
    }),
  ),
  access_key_id: Type.Optional(
    Type.String({ minLength: 1, description: 'AWS access key id. @default the SDK credential chain' }),
  ),
  secret_access_key: Type.Optional(
    secret(Type.String({ minLength: 1, description: 'AWS secret access key. Secret.' })),
  ),
  session_token: Type.Optional(
    secret(Type.String({ minLength: 1, description: 'AWS session token for temporary credentials. Secret.' })),
  ),
  throttle_retries: Type.Integer({
    minimum: 0,
    maximum: 20,
    default: 8,
    description:
      'Retries of a GetRecords call refused with ProvisionedThroughputExceededException, with exponential backoff. @default 8',
  }),
  throttle_backoff_ms: Type.Integer({
    minimum: 1,
    default: 250,
    description: 'First backoff after a throttled call; doubles each retry, up to 10 s, with jitter. @default 250',
  }),
})

/** Validated connection options. */
export type KinesisOptions = Static<typeof KinesisOptions>

/** Per-table options: where a new stream starts, how much one read takes, how values decode. */
export const KinesisTableOptions = defineOptions({
  iterator_type: Type.Union([Type.Literal('TRIM_HORIZON'), Type.Literal('LATEST'), Type.Literal('AT_TIMESTAMP')], {
    default: 'TRIM_HORIZON',
    description:
      'Where a new stream starts in each shard (ignored once an offset is committed; shards created later by resharding always start at their first record). @default "TRIM_HORIZON"',
  }),
  starting_timestamp: Type.Optional(
    Type.Integer({ minimum: 0, description: 'For AT_TIMESTAMP: the arrival time (epoch milliseconds) to start at.' }),
  ),
  max_records_per_batch: Type.Integer({
    minimum: 1,
    default: 10_000,
    description: 'Most records one read takes over all shards (one committed batch). @default 10000',
  }),
  ...MESSAGE_DECODING_OPTIONS,
})

/** Validated table options. */
export type KinesisTableOptions = Static<typeof KinesisTableOptions>
