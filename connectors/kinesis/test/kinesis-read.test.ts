import { collectRead, drainRead, type LakeflowConnector, type Offset } from '@lakeflow/core/connector'
import { StreamError } from '@lakeflow/core/errors'
import { freePort, type MotoServer, startFaultProxy, startMotoServer } from '@lakeflow/test-services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connector, type KinesisConnector, parentsFirst } from '../src/index.ts'
import { createStream, kinesisOn, putRecords, splitShard } from './support/streams.ts'

let moto: MotoServer
const open: LakeflowConnector[] = []
const connect = (options: Record<string, unknown>) => {
  const instance = connector.create({
    region: moto.region,
    endpoint: moto.endpoint,
    access_key_id: 'testing',
    secret_access_key: 'testing-secret',
    ...options,
  })
  open.push(instance)
  return instance
}

beforeAll(async () => {
  moto = await startMotoServer()
})
afterAll(async () => {
  for (const instance of open) await instance.close?.()
  await moto?.stop()
})

describe('reading Kinesis streams', () => {
  it('reads every record of every shard once, with its shard, sequence number, arrival time and partition key', async () => {
    const client = kinesisOn(moto)
    await createStream(client, 'clicks', 2)
    const records = Array.from({ length: 60 }, (_, index) => ({
      key: `user-${index % 9}`,
      data: JSON.stringify({ click: index }),
    }))
    const sequences = await putRecords(client, 'clicks', records)
    const kinesis = connect({ streams: 'clicks' })
    expect(await kinesis.listTables()).toEqual(['clicks'])
    const { records: read, offset } = await collectRead(kinesis.readTable('clicks', {}, { value_format: 'json' }))
    expect(read).toHaveLength(60)
    expect(new Set(read.map((record) => record.kinesis_sequence_number))).toEqual(new Set(sequences))
    expect(read.find((record) => (record.value as { click: number }).click === 7)).toMatchObject({
      kinesis_stream: 'clicks',
      partition_key: 'user-7',
    })
    expect(typeof read[0]!.kinesis_arrival_timestamp).toBe('number')
    expect(Object.keys(offset!).sort()).toEqual(['shardId-000000000000', 'shardId-000000000001'])
    const again = await collectRead(connect({ streams: 'clicks' }).readTable('clicks', offset!, {}))
    expect(again.records).toEqual([])
    expect(again.offset).toEqual(offset)
  })

  it('splits reads at max_records_per_batch; the calls together read every record once', async () => {
    const seen: string[] = []
    let offset: Offset = {}
    for (let call = 0; call < 30; call++) {
      const { records, offset: next } = await collectRead(
        connect({ streams: 'clicks' }).readTable('clicks', offset, { max_records_per_batch: '7' }),
      )
      expect(records.length).toBeLessThanOrEqual(7)
      seen.push(...records.map((record) => `${record.kinesis_shard_id}/${record.kinesis_sequence_number}`))
      if (JSON.stringify(next) === JSON.stringify(offset)) break
      offset = next!
    }
    expect(seen).toHaveLength(60)
    expect(new Set(seen).size).toBe(60)
  })

  it('starts at TRIM_HORIZON, LATEST (pinned to the instance start) or AT_TIMESTAMP', async () => {
    const client = kinesisOn(moto)
    await createStream(client, 'starts', 1)
    await putRecords(client, 'starts', [
      { key: 'a', data: 'early-1' },
      { key: 'a', data: 'early-2' },
    ])
    await new Promise((resolve) => setTimeout(resolve, 1100))
    const between = Date.now()
    await new Promise((resolve) => setTimeout(resolve, 1100))
    const latest = await collectRead(
      connect({ streams: 'starts' }).readTable('starts', {}, { iterator_type: 'LATEST' }),
    )
    expect(latest.records).toEqual([])
    expect(Object.values(latest.offset!)[0]).toMatch(/^at:\d+$/)
    await putRecords(client, 'starts', [{ key: 'a', data: 'late-1' }])
    const values = async (start: Offset, options: Record<string, string>) =>
      (
        await collectRead(
          connect({ streams: 'starts' }).readTable('starts', start, { value_format: 'text', ...options }),
        )
      ).records.map((record) => record.value)
    expect(await values({}, {})).toEqual(['early-1', 'early-2', 'late-1'])
    expect(await values(latest.offset!, {})).toEqual(['late-1'])
    expect(await values({}, { iterator_type: 'AT_TIMESTAMP', starting_timestamp: String(between) })).toEqual(['late-1'])
  })

  it('orders shards parents first, so a child is read only after its parents are drained', () => {
    // moto 5.2.6 keeps routing writes to a split shard and never ends its iterator, so the
    // reshard path is proven on the ordering and gating rules here and on real streams live
    const shards = [
      { id: 'shardId-000000000004', parents: ['shardId-000000000002', 'shardId-000000000003'] },
      { id: 'shardId-000000000003', parents: ['shardId-000000000000'] },
      { id: 'shardId-000000000002', parents: ['shardId-000000000000'] },
      { id: 'shardId-000000000001', parents: [] },
      { id: 'shardId-000000000000', parents: [] },
    ]
    expect(parentsFirst(shards).map((shard) => shard.id.slice(-1))).toEqual(['0', '1', '2', '3', '4'])
    const merged = [
      { id: 'b', parents: ['z', 'a'] },
      { id: 'z', parents: [] },
      { id: 'a', parents: [] },
    ]
    expect(parentsFirst(merged).map((shard) => shard.id)).toEqual(['a', 'z', 'b'])
  })

  it('keeps the children of a split shard waiting while the parent has records left', async () => {
    const client = kinesisOn(moto)
    await createStream(client, 'resharded', 1)
    await putRecords(
      client,
      'resharded',
      Array.from({ length: 12 }, (_, index) => ({ key: 'same-key', data: `before-${index}` })),
    )
    await splitShard(client, 'resharded', 'shardId-000000000000', (2n ** 127n).toString())
    const { offset } = await collectRead(
      connect({ streams: 'resharded' }).readTable('resharded', {}, { max_records_per_batch: '5' }),
    )
    expect(Object.keys(offset!)).toEqual(['shardId-000000000000'])
  })

  it('backs off and retries when GetRecords is throttled', async () => {
    let throttled = 0
    const proxy = await startFaultProxy(moto.endpoint, (request) => {
      if (request.headers['x-amz-target'] === 'Kinesis_20131202.GetRecords' && throttled < 3) {
        throttled++
        return {
          status: 400,
          body: JSON.stringify({
            __type: 'ProvisionedThroughputExceededException',
            message: 'Rate exceeded for shard',
          }),
        }
      }
      return undefined
    })
    try {
      const kinesis = connect({
        streams: 'clicks',
        endpoint: proxy.endpoint,
        throttle_backoff_ms: 20,
      }) as KinesisConnector
      const { records } = await collectRead(kinesis.readTable('clicks', {}, {}))
      expect(records).toHaveLength(60)
      expect(throttled).toBe(3)
      expect(kinesis.backoffs).toHaveLength(3)
      // each wait is at least half its ceiling, and the ceiling doubles
      expect(kinesis.backoffs[0]).toBeGreaterThanOrEqual(10)
      expect(kinesis.backoffs[2]).toBeGreaterThanOrEqual(40)
      const gets = proxy.log.filter((entry) => entry.headers['x-amz-target'] === 'Kinesis_20131202.GetRecords')
      for (let index = 1; index <= 3; index++)
        expect(gets[index]!.at - gets[index - 1]!.at).toBeGreaterThanOrEqual(kinesis.backoffs[index - 1]! - 1)
      // past the retry budget the throttle is a typed, transient error
      throttled = -1_000
      const error = await drainRead(
        connect({ streams: 'clicks', endpoint: proxy.endpoint, throttle_backoff_ms: 1, throttle_retries: 2 }).readTable(
          'clicks',
          {},
          {},
        ),
      ).catch((caught: unknown) => caught)
      expect(StreamError.isInstance(error) && error.problem).toBe('throttled')
    } finally {
      await proxy.stop()
    }
  })

  it('fails with typed errors for an unknown stream and an unreachable endpoint', async () => {
    const unknown = await drainRead(connect({ streams: 'missing' }).readTable('missing', {}, {})).catch(
      (caught: unknown) => caught,
    )
    expect(StreamError.isInstance(unknown) && unknown.problem).toBe('unknown-stream')
    const port = await freePort()
    const unreachable = await drainRead(
      connect({ streams: 'clicks', endpoint: `http://127.0.0.1:${port}` }).readTable('clicks', {}, {}),
    ).catch((caught: unknown) => caught)
    expect(StreamError.isInstance(unreachable) && unreachable.problem).toBe('unreachable')
    expect(String((unreachable as Error).message)).not.toContain('testing-secret')
  })
})
