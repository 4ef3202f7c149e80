import { collectRead, drainRead, type LakeflowConnector } from '@lakeflow/core/connector'
import { createTopic, type KafkaBroker, produce, startKafkaBroker } from '@lakeflow/test-services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connector } from '../src/index.ts'

let broker: KafkaBroker
const open: LakeflowConnector[] = []
const connect = (options: Record<string, unknown>) => {
  const instance = connector.create({ bootstrap_servers: broker.bootstrap, ...options })
  open.push(instance)
  return instance
}

beforeAll(async () => {
  broker = await startKafkaBroker()
})
afterAll(async () => {
  for (const instance of open) await instance.close?.()
  await broker?.stop()
})

describe('reading topics', () => {
  it('reads every message of every partition once, with its place, key, value and headers', async () => {
    await createTopic(broker.bootstrap, 'orders', 3)
    const messages = Array.from({ length: 300 }, (_, index) => ({
      key: `k${index}`,
      value: JSON.stringify({ id: index }),
      partition: index % 3,
      headers: { source: `s${index}` },
    }))
    await produce(broker.bootstrap, 'orders', messages)
    const kafka = connect({ topics: 'orders' })
    expect(await kafka.listTables()).toEqual(['orders'])
    const { records, offset } = await collectRead(kafka.readTable('orders', {}, { value_format: 'text' }))
    expect(offset).toEqual({ 0: 100, 1: 100, 2: 100 })
    expect(records).toHaveLength(300)
    const first = records.find((record) => record.key === 'k4')!
    expect(first).toMatchObject({ kafka_topic: 'orders', kafka_partition: 1, kafka_offset: 1, value: '{"id":4}' })
    expect(first.headers).toEqual([{ key: 'source', value: Buffer.from('s4') }])
    expect(typeof first.kafka_timestamp).toBe('number')
    expect(new Set(records.map((record) => record.key)).size).toBe(300)
    // the next call from the end returns the same offset: the read has converged
    const again = await collectRead(kafka.readTable('orders', offset!, {}))
    expect(again.records).toHaveLength(0)
    expect(again.offset).toEqual(offset)
  })

  it('splits a backlog by maxOffsetsPerTrigger in proportion, and the calls together read it all once', async () => {
    await createTopic(broker.bootstrap, 'capped', 2)
    await produce(broker.bootstrap, 'capped', [
      ...Array.from({ length: 90 }, (_, index) => ({ key: `a${index}`, value: `a${index}`, partition: 0 })),
      ...Array.from({ length: 10 }, (_, index) => ({ key: `b${index}`, value: `b${index}`, partition: 1 })),
    ])
    const kafka = connect({ topics: 'capped' })
    let offset = {}
    const seen: unknown[] = []
    const ends: unknown[] = []
    for (let call = 0; call < 20; call++) {
      const { records, offset: next } = await collectRead(
        kafka.readTable('capped', offset, { maxOffsetsPerTrigger: '20', value_format: 'text' }),
      )
      expect(records.length).toBeLessThanOrEqual(20)
      seen.push(...records.map((record) => record.value))
      if (JSON.stringify(next) === JSON.stringify(offset)) break
      ends.push(next)
      offset = next!
    }
    expect(ends[0]).toEqual({ 0: 18, 1: 2 })
    expect(seen).toHaveLength(100)
    expect(new Set(seen).size).toBe(100)
    expect(offset).toEqual({ 0: 90, 1: 10 })
  })

  it('stops at the end the topic had when the instance started, while producers go on', async () => {
    await createTopic(broker.bootstrap, 'live', 1)
    await produce(
      broker.bootstrap,
      'live',
      Array.from({ length: 10 }, (_, index) => ({ value: `m${index}` })),
    )
    const kafka = connect({ topics: 'live' })
    const end = await kafka.readTable('live', {}, {}).next()
    expect(end.done).toBe(false)
    await produce(
      broker.bootstrap,
      'live',
      Array.from({ length: 5 }, (_, index) => ({ value: `late${index}` })),
    )
    const { offset } = await drainRead(kafka.readTable('live', {}, {}))
    expect(offset).toEqual({ 0: 10 })
    // a fresh instance (the next run or trigger) sees the later messages
    const { offset: later } = await drainRead(connect({ topics: 'live' }).readTable('live', offset, {}))
    expect(later).toEqual({ 0: 15 })
  })

  it('starts a new stream at the earliest offset, the latest, or the first message at a timestamp', async () => {
    await createTopic(broker.bootstrap, 'starts', 1)
    const base = Date.now() - 60_000
    await produce(
      broker.bootstrap,
      'starts',
      Array.from({ length: 6 }, (_, index) => ({ value: `v${index}`, timestamp: base + index * 1000 })),
    )
    const read = (options: Record<string, string>) =>
      collectRead(connect({ topics: 'starts' }).readTable('starts', {}, { value_format: 'text', ...options }))
    expect((await read({})).records.map((record) => record.value)).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v5'])
    const latest = await read({ startingOffsets: 'latest' })
    expect(latest.records).toEqual([])
    expect(latest.offset).toEqual({ 0: 6 })
    expect((await read({ startingTimestamp: String(base + 3500) })).records.map((record) => record.value)).toEqual([
      'v4',
      'v5',
    ])
    expect((await read({ startingTimestamp: String(base + 3000) })).records[0]!.kafka_timestamp).toBe(
      (base + 3000) / 1000,
    )
  })

  it('picks up partitions added after the offset was committed, from their first message', async () => {
    await createTopic(broker.bootstrap, 'growing', 1)
    await produce(broker.bootstrap, 'growing', [{ value: 'p0-a' }])
    const { offset } = await drainRead(connect({ topics: 'growing' }).readTable('growing', {}, {}))
    expect(offset).toEqual({ 0: 1 })
    const { withAdmin } = await import('@lakeflow/test-services')
    await withAdmin(broker.bootstrap, (admin) => admin.createPartitions({ topics: [{ name: 'growing', count: 2 }] }))
    await produce(broker.bootstrap, 'growing', [
      { value: 'p1-a', partition: 1 },
      { value: 'p0-b', partition: 0 },
    ])
    const next = await collectRead(
      connect({ topics: 'growing' }).readTable('growing', offset!, { value_format: 'text' }),
    )
    expect(next.offset).toEqual({ 0: 2, 1: 1 })
    expect(next.records.map((record) => record.value).sort()).toEqual(['p0-b', 'p1-a'])
  })

  it('lists the topics a topic_pattern matches, never internal ones, and refuses others by name', async () => {
    await createTopic(broker.bootstrap, 'metrics.cpu', 1)
    await createTopic(broker.bootstrap, 'metrics.mem', 1)
    const kafka = connect({ topic_pattern: 'metrics\\..*' })
    expect(await kafka.listTables()).toEqual(['metrics.cpu', 'metrics.mem'])
    await expect(kafka.getTableSchema('orders', {})).rejects.toMatchObject({ name: 'UnknownTableError' })
    expect(await connect({ topic_pattern: '.*' }).listTables()).not.toContain('__consumer_offsets')
  })

  it('offers Kafka partitions as the partitions of a partitioned stream', async () => {
    const kafka = connect({ topics: 'orders' })
    if (!('latestOffset' in kafka)) throw new Error('expected a partitioned stream connector')
    const stream = kafka as LakeflowConnector & import('@lakeflow/core/connector').PartitionedStreamSupport
    const end = await stream.latestOffset('orders', {}, {})
    const partitions = await stream.getPartitions('orders', {}, {}, end)
    expect(partitions).toEqual(
      [0, 1, 2].map((partition) => ({ topic: 'orders', partition, start_offset: 0, end_offset: 100 })),
    )
    expect(await stream.getPartitions('orders', {}, end, end)).toEqual([])
    let count = 0
    for await (const _ of stream.readPartition('orders', partitions[2]!, {})) count++
    expect(count).toBe(100)
  })
})
