import { MESSAGE_DECODING_OPTIONS } from '@lakeflow/core/convert'
import { defineOptions, secret, Type } from '@lakeflow/core/options'
import type { Static } from 'typebox'

/**
 * Connection options of the Kafka connector. Either `bootstrap_servers` (Kafka) or the
 * `eventhub.*` keys (Azure Event Hubs over its Kafka endpoint) locate the cluster.
 * @example connector.create({ bootstrap_servers: 'broker-1:9092,broker-2:9092', topics: 'orders,payments' })
 * @example connector.create({ 'eventhub.namespace': 'acme', 'eventhub.name': 'telemetry', 'eventhub.connection_string': process.env.EH_CONNECTION })
 */
export const KafkaOptions = defineOptions({
  bootstrap_servers: Type.Optional(
    Type.String({
      pattern: '^[^\\s,]+:\\d+(,[^\\s,]+:\\d+)*$',
      description:
        'Comma-separated host:port list of brokers to bootstrap from. With the eventhub.* keys it overrides the namespace endpoint (private endpoints, tests).',
    }),
  ),
  topics: Type.Optional(
    Type.String({ minLength: 1, description: 'Comma-separated topics to read; each topic is a table.' }),
  ),
  topic_pattern: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        'A regular expression; every topic whose whole name matches is a table. Internal topics (leading "__") never match.',
    }),
  ),
  security_protocol: Type.Union(
    [Type.Literal('PLAINTEXT'), Type.Literal('SSL'), Type.Literal('SASL_PLAINTEXT'), Type.Literal('SASL_SSL')],
    { default: 'PLAINTEXT', description: 'How to talk to the brokers. @default "PLAINTEXT"' },
  ),
  sasl_mechanism: Type.Union([Type.Literal('PLAIN'), Type.Literal('SCRAM-SHA-256'), Type.Literal('SCRAM-SHA-512')], {
    default: 'PLAIN',
    description: 'SASL mechanism for SASL_PLAINTEXT and SASL_SSL. @default "PLAIN"',
  }),
  sasl_username: Type.Optional(Type.String({ minLength: 1, description: 'SASL user name.' })),
  sasl_password: Type.Optional(secret(Type.String({ minLength: 1, description: 'SASL password. Secret.' }))),
  ssl_ca: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'CA certificate(s) to trust, as PEM text or a path to a PEM file. @default the system trust store',
    }),
  ),
  ssl_certificate: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'Client certificate for mutual TLS, as PEM text or a path to a PEM file.',
    }),
  ),
  ssl_key: Type.Optional(
    secret(
      Type.String({ minLength: 1, description: 'Private key of ssl_certificate, as PEM text or a path. Secret.' }),
    ),
  ),
  client_id: Type.String({
    minLength: 1,
    default: 'lakeflow-connector-kafka',
    description: 'Client id sent to the brokers (quotas, logs). @default "lakeflow-connector-kafka"',
  }),
  group_id: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        'A consumer group whose offsets are set to the committed position, for monitoring tools only: the connector never reads them back.',
    }),
  ),
  request_timeout_ms: Type.Integer({
    minimum: 1000,
    default: 30_000,
    description: 'How long one request to a broker may take. @default 30000',
  }),
  connect_timeout_ms: Type.Integer({
    minimum: 100,
    default: 10_000,
    description: 'How long connecting to a broker may take. @default 10000',
  }),
  'eventhub.namespace': Type.Optional(
    Type.String({
      pattern: '^[A-Za-z0-9-]+$',
      description: 'Event Hubs namespace: the brokers are <namespace>.servicebus.windows.net:9093.',
    }),
  ),
  'eventhub.name': Type.Optional(Type.String({ minLength: 1, description: 'The event hub to read (the table).' })),
  'eventhub.connection_string': Type.Optional(
    secret(
      Type.String({
        pattern: '^Endpoint=sb://',
        description: 'Event Hubs connection string (namespace or hub level), the SASL PLAIN password. Secret.',
      }),
    ),
  ),
})

/** Validated connection options. */
export type KafkaOptions = Static<typeof KafkaOptions>

/** Per-table options: how to start, how much to read per call, how to decode. */
export const KafkaTableOptions = defineOptions({
  startingOffsets: Type.Union([Type.Literal('earliest'), Type.Literal('latest')], {
    default: 'earliest',
    description:
      'Where a new stream starts in each partition (ignored once an offset is committed). Partitions that appear later always start at the earliest offset. @default "earliest"',
  }),
  startingTimestamp: Type.Optional(
    Type.Integer({
      minimum: 0,
      description:
        'Start a new stream at the first message whose timestamp is at or after this time (epoch milliseconds); overrides startingOffsets.',
    }),
  ),
  maxOffsetsPerTrigger: Type.Optional(
    Type.Integer({
      minimum: 1,
      description:
        "Most offsets one read covers, over all partitions (split in proportion to each partition's backlog). @default no cap: a read goes to the end the topic had when the connector started",
    }),
  ),
  key_format: Type.Union([Type.Literal('text'), Type.Literal('bytes')], {
    default: 'text',
    description: 'The key column: UTF-8 text (string) or the raw bytes (binary). @default "text"',
  }),
  ...MESSAGE_DECODING_OPTIONS,
  compacted: Type.Boolean({
    default: false,
    description:
      'Treat the topic as a compacted changelog: the table is cdc_with_deletes keyed by the message key (sequenced by kafka_offset), and a tombstone (null value) deletes its key. @default false',
  }),
})

/** Validated table options. */
export type KafkaTableOptions = Static<typeof KafkaTableOptions>
