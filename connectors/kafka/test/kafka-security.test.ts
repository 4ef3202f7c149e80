import { collectRead, type LakeflowConnector } from '@lakeflow/core/connector'
import { StreamError } from '@lakeflow/core/errors'
import { parseOptions } from '@lakeflow/core/options'
import { createTopic, type KafkaBroker, produce, startKafkaBroker } from '@lakeflow/test-services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connector, EVENT_HUBS_USERNAME } from '../src/index.ts'
import { resolveConnection } from '../src/kafka-connection.ts'
import { KafkaOptions } from '../src/kafka-options.ts'

// An Event Hubs namespace connection string, shaped like the real ones; the broker's SASL_SSL
// listener accepts exactly the user `$ConnectionString` with this string as its password.
const CONNECTION_STRING =
  'Endpoint=sb://lakeflow-test.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=c2VjcmV0LWtleS1mb3ItdGVzdHM='
const ALICE_PASSWORD = 'alice-secret-7f3a'
const SCRAM_PASSWORD = 'scram-secret-91bd'

let broker: KafkaBroker
const open: LakeflowConnector[] = []
const connect = (options: Record<string, unknown>) => {
  const instance = connector.create({
    topics: 'secure',
    request_timeout_ms: 5000,
    connect_timeout_ms: 3000,
    ...options,
  })
  open.push(instance)
  return instance
}
const readAll = async (options: Record<string, unknown>, table = 'secure') =>
  (await collectRead(connect(options).readTable(table, {}, { value_format: 'text' }))).records.map(
    (record) => record.value,
  )
const failure = async (options: Record<string, unknown>, table = 'secure'): Promise<StreamError> => {
  const error = await readAll(options, table).then(
    () => undefined,
    (caught: unknown) => caught,
  )
  if (!StreamError.isInstance(error)) throw new Error(`expected a StreamError, got ${String(error)}`)
  return error
}

beforeAll(async () => {
  broker = await startKafkaBroker({
    plainUsers: { alice: ALICE_PASSWORD, [EVENT_HUBS_USERNAME]: CONNECTION_STRING },
    scramUsers: { scram: SCRAM_PASSWORD },
  })
  await createTopic(broker.bootstrap, 'secure', 2)
  await createTopic(broker.bootstrap, 'telemetry', 2)
  await produce(broker.bootstrap, 'secure', [{ value: 'one' }, { value: 'two' }])
  await produce(broker.bootstrap, 'telemetry', [{ value: 'reading' }])
})
afterAll(async () => {
  for (const instance of open) await instance.close?.()
  await broker?.stop()
})

describe('TLS', () => {
  it('reads over SSL trusting the given CA', async () => {
    expect(
      (
        await readAll({ bootstrap_servers: broker.listeners.ssl, security_protocol: 'SSL', ssl_ca: broker.tls.caPem })
      ).sort(),
    ).toEqual(['one', 'two'])
  })

  it('refuses a broker certificate outside the trust store', async () => {
    const error = await failure({ bootstrap_servers: broker.listeners.ssl, security_protocol: 'SSL' })
    expect(error.problem).toBe('auth')
    expect(error.message).toMatch(/TLS/)
  })

  it('presents a client certificate where the listener requires one, and fails without it', async () => {
    const mtls = { bootstrap_servers: broker.listeners.mtls, security_protocol: 'SSL', ssl_ca: broker.tls.caPem }
    expect(
      (await readAll({ ...mtls, ssl_certificate: broker.tls.clientCertPem, ssl_key: broker.tls.clientKeyPem })).sort(),
    ).toEqual(['one', 'two'])
    const error = await failure(mtls)
    expect(['auth', 'unreachable']).toContain(error.problem)
  })
})

describe('SASL', () => {
  const sasl = () => ({ bootstrap_servers: broker.listeners.saslPlaintext, security_protocol: 'SASL_PLAINTEXT' })

  it('authenticates with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512', async () => {
    expect((await readAll({ ...sasl(), sasl_username: 'alice', sasl_password: ALICE_PASSWORD })).sort()).toEqual([
      'one',
      'two',
    ])
    for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-512']) {
      expect(
        (
          await readAll({ ...sasl(), sasl_mechanism: mechanism, sasl_username: 'scram', sasl_password: SCRAM_PASSWORD })
        ).sort(),
      ).toEqual(['one', 'two'])
    }
  })

  it('fails a wrong password as an auth error that never shows the password', async () => {
    const wrong = 'wrong-password-5521'
    for (const mechanism of ['PLAIN', 'SCRAM-SHA-512']) {
      const error = await failure({
        ...sasl(),
        sasl_mechanism: mechanism,
        sasl_username: mechanism === 'PLAIN' ? 'alice' : 'scram',
        sasl_password: wrong,
      })
      expect(error.problem).toBe('auth')
      expect(error.category).toBe('auth')
      expect(JSON.stringify(error.toJSON())).not.toContain(wrong)
    }
  })
})

describe('Azure Event Hubs preset', () => {
  const eventHubs = () => ({
    'eventhub.namespace': 'lakeflow-test',
    'eventhub.name': 'telemetry',
    'eventhub.connection_string': CONNECTION_STRING,
    // the namespace's endpoint stands in for <namespace>.servicebus.windows.net:9093
    bootstrap_servers: broker.listeners.saslSsl,
    ssl_ca: broker.tls.caPem,
  })

  it('maps the namespace, event hub and connection string onto SASL_SSL PLAIN with user $ConnectionString', () => {
    const options = parseOptions(
      KafkaOptions,
      { ...eventHubs(), bootstrap_servers: undefined, ssl_ca: undefined },
      'test',
    )
    const { settings, selection } = resolveConnection(options)
    expect(settings.bootstrapBrokers).toEqual(['lakeflow-test.servicebus.windows.net:9093'])
    expect(settings.sasl).toEqual({ mechanism: 'PLAIN', username: '$ConnectionString', password: CONNECTION_STRING })
    expect(settings.tls).toEqual({})
    expect(selection).toEqual({ kind: 'list', topics: ['telemetry'] })
  })

  it('reads the event hub through a SASL_SSL listener that accepts only that user', async () => {
    const kafka = connect({ ...eventHubs(), topics: undefined })
    expect(await kafka.listTables()).toEqual(['telemetry'])
    expect(await readAll({ ...eventHubs(), topics: undefined }, 'telemetry')).toEqual(['reading'])
  })

  it('is refused with another connection string, and never shows it', async () => {
    const other = CONNECTION_STRING.replace('c2VjcmV0', 'b3RoZXIt')
    const error = await failure({ ...eventHubs(), topics: undefined, 'eventhub.connection_string': other }, 'telemetry')
    expect(error.problem).toBe('auth')
    expect(JSON.stringify(error.toJSON())).not.toContain('b3RoZXIt')
    // the listener checks the user name too: the right string under another name fails
    const renamed = await failure(
      {
        bootstrap_servers: broker.listeners.saslSsl,
        security_protocol: 'SASL_SSL',
        ssl_ca: broker.tls.caPem,
        sasl_username: 'ConnectionString',
        sasl_password: CONNECTION_STRING,
        topics: 'telemetry',
      },
      'telemetry',
    )
    expect(renamed.problem).toBe('auth')
  })

  it('rejects settings that would fight the preset', () => {
    expect(() => connect({ ...eventHubs(), topics: 'secure' })).toThrow(
      /"topics".*cannot be combined with the eventhub/,
    )
    expect(() => connect({ ...eventHubs(), topics: undefined, 'eventhub.name': undefined })).toThrow(/eventhub.name/)
  })
})
