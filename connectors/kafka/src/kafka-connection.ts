import { existsSync, readFileSync } from 'node:fs'
import { InvalidOptionsError } from '@lakeflow/core/errors'
import type { KafkaOptions } from './kafka-options.ts'

/** Options handed to the Kafka client: brokers, TLS and SASL. */
export interface KafkaClientSettings {
  clientId: string
  bootstrapBrokers: string[]
  connectTimeout: number
  requestTimeout: number
  tls?: { ca?: string; cert?: string; key?: string }
  sasl?: { mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'; username: string; password: string }
}

/** Where the tables come from: a fixed list of topics or a pattern over the cluster's topics. */
export type TopicSelection =
  | { readonly kind: 'list'; readonly topics: readonly string[] }
  | { readonly kind: 'pattern'; readonly pattern: RegExp }

/** The cluster to talk to and the topics to read, resolved from the connection options. */
export interface KafkaConnection {
  readonly settings: KafkaClientSettings
  readonly selection: TopicSelection
  readonly groupId: string | undefined
}

const WHERE = 'connector kafka'
/** The SASL user name Event Hubs expects with a connection string as the password. */
export const EVENT_HUBS_USERNAME = '$ConnectionString'
/** Event Hubs' Kafka endpoint port. */
export const EVENT_HUBS_KAFKA_PORT = 9093

/** Event Hubs' Kafka endpoint of a namespace. */
export function eventHubsBootstrap(namespace: string): string {
  return `${namespace}.servicebus.windows.net:${EVENT_HUBS_KAFKA_PORT}`
}

/**
 * Maps the connection options onto client settings. The `eventhub.*` keys are a preset:
 * SASL_SSL with PLAIN, user `$ConnectionString`, the connection string as password, the
 * event hub as the one topic.
 */
export function resolveConnection(options: KafkaOptions): KafkaConnection {
  const eventHubKeys = (['eventhub.namespace', 'eventhub.name', 'eventhub.connection_string'] as const).filter(
    (key) => options[key] !== undefined,
  )
  if (eventHubKeys.length > 0) return resolveEventHubs(options, eventHubKeys)
  if (options.bootstrap_servers === undefined) {
    throw optionError(
      'bootstrap_servers',
      'is required (or the eventhub.namespace, eventhub.name and eventhub.connection_string keys)',
    )
  }
  const selection = topicSelection(options)
  const sasl = options.security_protocol.startsWith('SASL_') ? saslSettings(options) : undefined
  if (!sasl && (options.sasl_username !== undefined || options.sasl_password !== undefined)) {
    throw optionError(
      'security_protocol',
      `is ${options.security_protocol}, so sasl_username and sasl_password would be ignored; use SASL_PLAINTEXT or SASL_SSL`,
    )
  }
  const tls =
    options.security_protocol === 'SSL' || options.security_protocol === 'SASL_SSL' ? tlsSettings(options) : undefined
  if (!tls && (options.ssl_ca ?? options.ssl_certificate ?? options.ssl_key) !== undefined) {
    throw optionError(
      'security_protocol',
      `is ${options.security_protocol}, so the ssl_* options would be ignored; use SSL or SASL_SSL`,
    )
  }
  return { settings: baseSettings(options, options.bootstrap_servers, tls, sasl), selection, groupId: options.group_id }
}

function resolveEventHubs(options: KafkaOptions, given: readonly string[]): KafkaConnection {
  const namespace = options['eventhub.namespace']
  const name = options['eventhub.name']
  const connectionString = options['eventhub.connection_string']
  if (namespace === undefined || name === undefined || connectionString === undefined) {
    const missing = ['eventhub.namespace', 'eventhub.name', 'eventhub.connection_string'].filter(
      (key) => !given.includes(key),
    )
    throw optionError(
      missing[0]!,
      `is required with ${given.join(', ')} (Event Hubs needs the namespace, the event hub and a connection string)`,
    )
  }
  for (const key of [
    'topics',
    'topic_pattern',
    'sasl_username',
    'sasl_password',
    'ssl_certificate',
    'ssl_key',
  ] as const) {
    if (options[key] !== undefined)
      throw optionError(
        key,
        'cannot be combined with the eventhub.* keys: Event Hubs fixes the topic and the credentials',
      )
  }
  if (options.security_protocol !== 'PLAINTEXT' && options.security_protocol !== 'SASL_SSL') {
    throw optionError('security_protocol', 'must be SASL_SSL (or left out) with the eventhub.* keys')
  }
  const tls = tlsSettings(options)
  const sasl = { mechanism: 'PLAIN' as const, username: EVENT_HUBS_USERNAME, password: connectionString }
  return {
    settings: baseSettings(options, options.bootstrap_servers ?? eventHubsBootstrap(namespace), tls, sasl),
    selection: { kind: 'list', topics: [name] },
    groupId: options.group_id,
  }
}

function baseSettings(
  options: KafkaOptions,
  bootstrap: string,
  tls: KafkaClientSettings['tls'],
  sasl: KafkaClientSettings['sasl'],
): KafkaClientSettings {
  return {
    clientId: options.client_id,
    bootstrapBrokers: bootstrap.split(','),
    connectTimeout: options.connect_timeout_ms,
    requestTimeout: options.request_timeout_ms,
    ...(tls ? { tls } : {}),
    ...(sasl ? { sasl } : {}),
  }
}

function topicSelection(options: KafkaOptions): TopicSelection {
  if ((options.topics === undefined) === (options.topic_pattern === undefined)) {
    throw optionError(
      'topics',
      'give exactly one of topics (a comma-separated list) and topic_pattern (a regular expression)',
    )
  }
  if (options.topics !== undefined) {
    const topics = [
      ...new Set(
        options.topics
          .split(',')
          .map((topic) => topic.trim())
          .filter(Boolean),
      ),
    ]
    const bad = topics.find((topic) => !/^[A-Za-z0-9._-]{1,249}$/.test(topic))
    if (bad !== undefined)
      throw optionError('topics', `"${bad}" is not a valid topic name (letters, digits, ".", "_", "-")`)
    return { kind: 'list', topics }
  }
  try {
    return { kind: 'pattern', pattern: new RegExp(`^(?:${options.topic_pattern})$`) }
  } catch (error) {
    throw optionError('topic_pattern', `is not a valid regular expression: ${(error as Error).message}`)
  }
}

function saslSettings(options: KafkaOptions): NonNullable<KafkaClientSettings['sasl']> {
  if (options.sasl_username === undefined || options.sasl_password === undefined) {
    throw optionError(
      options.sasl_username === undefined ? 'sasl_username' : 'sasl_password',
      `is required with ${options.security_protocol}`,
    )
  }
  return { mechanism: options.sasl_mechanism, username: options.sasl_username, password: options.sasl_password }
}

function tlsSettings(options: KafkaOptions): NonNullable<KafkaClientSettings['tls']> {
  if ((options.ssl_certificate === undefined) !== (options.ssl_key === undefined)) {
    throw optionError(
      options.ssl_key === undefined ? 'ssl_key' : 'ssl_certificate',
      'is required with the other: a client certificate needs its key',
    )
  }
  const tls: NonNullable<KafkaClientSettings['tls']> = {}
  if (options.ssl_ca !== undefined) tls.ca = pem('ssl_ca', options.ssl_ca)
  if (options.ssl_certificate !== undefined) tls.cert = pem('ssl_certificate', options.ssl_certificate)
  if (options.ssl_key !== undefined) tls.key = pem('ssl_key', options.ssl_key)
  return tls
}

/** PEM text as given, or read from the path given. */
function pem(key: string, value: string): string {
  if (value.includes('-----BEGIN ')) return value
  if (!existsSync(value))
    throw optionError(key, 'must be PEM text (-----BEGIN ...) or the path of a PEM file; no such file')
  const text = readFileSync(value, 'utf8')
  if (!text.includes('-----BEGIN ')) throw optionError(key, `names a file that holds no PEM block: ${value}`)
  return text
}

function optionError(key: string, problem: string): InvalidOptionsError {
  return new InvalidOptionsError({ key, where: WHERE, problem })
}
