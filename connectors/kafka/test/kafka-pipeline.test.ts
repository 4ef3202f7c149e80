import { createTopic, type KafkaBroker, produce, startKafkaBroker, withAdmin } from '@lakeflow/test-services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryFile, syncTopics, tempDir } from './support/sync.ts'

let broker: KafkaBroker
let temp: ReturnType<typeof tempDir>

beforeAll(async () => {
  broker = await startKafkaBroker()
  temp = tempDir()
})
afterAll(async () => {
  await broker?.stop()
  temp?.remove()
})

describe('topics synced into DuckDB', () => {
  it('a compacted topic becomes a table keyed by the message key; tombstones delete their key', async () => {
    await createTopic(broker.bootstrap, 'customers', 2, { 'cleanup.policy': 'compact' })
    const file = `${temp.dir}/customers.duckdb`
    const options = { bootstrap_servers: broker.bootstrap, topics: 'customers' }
    const table = { customers: { compacted: 'true', value_format: 'json' } }
    await produce(broker.bootstrap, 'customers', [
      { key: 'c1', value: '{"name":"Ada"}', partition: 0 },
      { key: 'c2', value: '{"name":"Grace"}', partition: 1 },
      { key: 'c3', value: '{"name":"Edsger"}', partition: 0 },
      { key: 'c1', value: '{"name":"Ada L."}', partition: 0 },
      { key: 'c3', value: null, partition: 0 },
    ])
    const first = await syncTopics(file, options, table)
    expect(first.report.status).toBe('succeeded')
    const names = () => queryFile(file, "SELECT key, value->>'name' AS name FROM customers ORDER BY key")
    expect(await names()).toEqual([
      { key: 'c1', name: 'Ada L.' },
      { key: 'c2', name: 'Grace' },
    ])
    // a key deleted, then written again later, stays; a later tombstone removes another
    await produce(broker.bootstrap, 'customers', [
      { key: 'c3', value: '{"name":"Edsger W."}', partition: 0 },
      { key: 'c2', value: null, partition: 1 },
    ])
    expect((await syncTopics(file, options, table)).report.status).toBe('succeeded')
    expect(await names()).toEqual([
      { key: 'c1', name: 'Ada L.' },
      { key: 'c3', name: 'Edsger W.' },
    ])
  })

  it('decodes JSON into a declared struct, keys as bytes, and keeps headers', async () => {
    await createTopic(broker.bootstrap, 'payments', 1)
    await produce(broker.bootstrap, 'payments', [
      { key: Buffer.from([1, 2, 3]), value: '{"id":7,"amount":12.5,"tags":["a","b"]}', headers: { trace: 't-1' } },
    ])
    const file = `${temp.dir}/payments.duckdb`
    const valueSchema = JSON.stringify({
      type: 'struct',
      fields: [
        { name: 'id', type: 'long', nullable: false, metadata: {} },
        { name: 'amount', type: 'double', nullable: true, metadata: {} },
        {
          name: 'tags',
          type: { type: 'array', elementType: 'string', containsNull: true },
          nullable: true,
          metadata: {},
        },
      ],
    })
    const { report } = await syncTopics(
      file,
      { bootstrap_servers: broker.bootstrap, topics: 'payments' },
      {
        payments: { value_format: 'json', value_schema: valueSchema, key_format: 'bytes' },
      },
    )
    expect(report.status).toBe('succeeded')
    expect(
      await queryFile(
        file,
        'SELECT hex(key) AS key, value.id::INTEGER AS id, value.amount AS amount, value.tags AS tags, headers[1].key AS header, CAST(headers[1].value AS VARCHAR) AS header_value, typeof(kafka_timestamp) AS ts FROM payments',
      ),
    ).toEqual([
      {
        key: '010203',
        id: 7,
        amount: 12.5,
        tags: ['a', 'b'],
        header: 'trace',
        header_value: 't-1',
        ts: 'TIMESTAMP WITH TIME ZONE',
      },
    ])
  })

  it("with group_id, sets the group's offsets to the committed position for monitoring", async () => {
    await createTopic(broker.bootstrap, 'watched', 2)
    await produce(
      broker.bootstrap,
      'watched',
      Array.from({ length: 10 }, (_, index) => ({ value: `v${index}`, partition: index % 2 })),
    )
    const file = `${temp.dir}/watched.duckdb`
    const options = { bootstrap_servers: broker.bootstrap, topics: 'watched', group_id: 'lakeflow-monitor' }
    const groupOffsets = () =>
      withAdmin(broker.bootstrap, async (admin) => {
        const groups = await admin.listConsumerGroupOffsets({
          groups: [{ groupId: 'lakeflow-monitor', topics: [{ name: 'watched', partitionIndexes: [0, 1] }] }],
        })
        return groups[0]?.topics[0]?.partitions.map((partition) => Number(partition.committedOffset)) ?? []
      })
    await syncTopics(file, options, { watched: { maxOffsetsPerTrigger: '4' } })
    // the group trails the destination by one read call: it holds the position the last call started from
    const seen = await groupOffsets()
    expect(seen.reduce((sum, offset) => sum + offset, 0)).toBeGreaterThanOrEqual(6)
    expect(seen.every((offset) => offset <= 5)).toBe(true)
    await syncTopics(file, options, { watched: {} })
    expect(await groupOffsets()).toEqual([5, 5])
  })
})
