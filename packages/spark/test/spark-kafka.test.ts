import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createTopic,
  type KafkaBroker,
  produce,
  SPARK_KAFKA_VERSION,
  sparkKafkaJars,
  startKafkaBroker,
} from '@lakeflow/test-services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { packPipeline } from '../src/pack/pack-pipeline.ts'
import { SparkDriver } from './support/spark-driver.ts'

// `lakeflow pack kafka --pipeline` writes a Spark Declarative Pipelines file that reads the
// topics with Spark's own Kafka source; here it runs in local PySpark (LocalPipeline standing
// in for the dlt module) against a real broker: plain Kafka, and Event Hubs' SASL_SSL form.

const CONNECTION_STRING =
  'Endpoint=sb://lakeflow-test.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=c3Bhcmstc2VjcmV0'
const MESSAGES = 50

let broker: KafkaBroker
let driver: SparkDriver
let scratch: string

const VALUE_SCHEMA = JSON.stringify({
  type: 'struct',
  fields: [
    { name: 'click', type: 'long', nullable: true, metadata: {} },
    { name: 'page', type: 'string', nullable: true, metadata: {} },
  ],
})

beforeAll(async () => {
  const [started, jars] = await Promise.all([
    startKafkaBroker({ plainUsers: { $ConnectionString: CONNECTION_STRING } }),
    sparkKafkaJars(SPARK_KAFKA_VERSION),
  ])
  broker = started
  await createTopic(broker.bootstrap, 'clicks', 2)
  await createTopic(broker.bootstrap, 'telemetry', 1)
  await produce(
    broker.bootstrap,
    'clicks',
    Array.from({ length: MESSAGES }, (_, index) => ({
      key: `user-${index % 5}`,
      value: JSON.stringify({ click: index, page: `/p/${index % 3}` }),
      partition: index % 2,
      headers: { n: String(index) },
    })),
  )
  await produce(broker.bootstrap, 'telemetry', [{ key: 'device-1', value: 'temperature=21' }])
  driver = await SparkDriver.start({ LAKEFLOW_SPARK_JARS: jars.join(',') })
  scratch = mkdtempSync(join(tmpdir(), 'lakeflow-spark-kafka-'))
}, 600_000)
afterAll(async () => {
  await driver?.stop()
  await broker?.stop()
  if (scratch) rmSync(scratch, { recursive: true, force: true })
})

async function pack(name: string, objects: unknown[]): Promise<string> {
  const spec = join(scratch, `${name}.json`)
  writeFileSync(spec, JSON.stringify({ connection_name: 'events', objects }))
  return (await packPipeline({ spec, connector: 'kafka', outDir: scratch })).file
}

type Row = Record<string, unknown>

describe('lakeflow pack kafka --pipeline', () => {
  it('generates readStream.format("kafka") with the brokers and topic from spark.conf, and no bridge', async () => {
    const file = await pack('shape', [
      { table: { source_table: 'clicks', table_configuration: { value_format: 'json', maxOffsetsPerTrigger: '20' } } },
    ])
    const source = readFileSync(file, 'utf8')
    expect(source).toContain('spark.readStream.format("kafka")')
    expect(source).toContain('_conf("kafka.bootstrap.servers")')
    expect(source).toMatch(/"subscribe", _conf\(f"lakeflow\.kafka\.subscribe\.\{topic\}", topic\)/)
    for (const option of [
      'startingOffsets',
      'maxOffsetsPerTrigger',
      'minPartitions',
      'kafka.max.poll.records',
      'kafka.sasl.jaas.config',
    ])
      expect(source).toContain(`"${option}"`)
    expect(source).not.toMatch(/explode|lakeflow_connect/)
  })

  it("runs in PySpark against the broker: one row per message with the connector's columns, in capped micro-batches", async () => {
    const file = await pack('clicks', [
      {
        table: {
          source_table: 'clicks',
          table_configuration: { value_format: 'json', value_schema: VALUE_SCHEMA, maxOffsetsPerTrigger: '20' },
        },
      },
    ])
    const result = await driver.call<{ tables: Record<string, Row[]> }>('pipeline_file', {
      file,
      root: join(scratch, 'lake-clicks'),
      targets: ['clicks'],
      conf: { 'kafka.bootstrap.servers': broker.bootstrap },
    })
    const rows = result.tables.clicks!
    expect(rows).toHaveLength(MESSAGES)
    const byClick = new Map(rows.map((row) => [(row.value as { click: number }).click, row]))
    expect(byClick.size).toBe(MESSAGES)
    const sample = byClick.get(7)!
    expect(sample).toMatchObject({
      kafka_topic: 'clicks',
      kafka_partition: 1,
      kafka_offset: 3,
      key: 'user-2',
      value: { click: 7, page: '/p/1' },
    })
    expect(Object.keys(sample).sort()).toEqual([
      'headers',
      'kafka_offset',
      'kafka_partition',
      'kafka_timestamp',
      'kafka_topic',
      'key',
      'value',
    ])
    expect(JSON.stringify(sample.headers)).toContain('"n"')
    // maxOffsetsPerTrigger 20 over 50 messages: micro-batches 0, 1 and 2
    const state = JSON.parse(readFileSync(join(scratch, 'lake-clicks', 'clicks__append', '_current.json'), 'utf8')) as {
      batches: Record<string, number>
    }
    expect(Object.values(state.batches)).toEqual([2])
  }, 600_000)

  it('reads Event Hubs through SASL_SSL PLAIN with the connection string from the secret scope', async () => {
    const file = await pack('hub', [
      { table: { source_table: 'telemetry', table_configuration: { value_format: 'text' } } },
    ])
    const result = await driver.call<{ tables: Record<string, Row[]> }>('pipeline_file', {
      file,
      root: join(scratch, 'lake-hub'),
      targets: ['telemetry'],
      conf: {
        'eventhub.namespace': 'lakeflow-test',
        'eventhub.name': 'telemetry',
        'eventhub.secret_scope': 'lakeflow',
        'eventhub.secret_key': 'eventhub-connection',
        // outside Databricks the scope is read from spark.conf; the broker stands in for the namespace
        'lakeflow.secret.lakeflow.eventhub-connection': CONNECTION_STRING,
        'kafka.bootstrap.servers': broker.listeners.saslSsl,
        'lakeflow.kafka.option.kafka.ssl.truststore.type': 'PEM',
        'lakeflow.kafka.option.kafka.ssl.truststore.certificates': broker.tls.caPem,
      },
    })
    expect(result.tables.telemetry!.map((row) => [row.key, row.value])).toEqual([['device-1', 'temperature=21']])
  }, 600_000)
})
