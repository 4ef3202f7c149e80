import { collectRead, drainRead, type LakeflowConnector } from '@lakeflow/core/connector'
import { StreamError } from '@lakeflow/core/errors'
import { createTopic, freePort, type KafkaBroker, produce, startKafkaBroker, withAdmin } from '@lakeflow/test-services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connector } from '../src/index.ts'
import { queryFile, syncTopics, tempDir } from './support/sync.ts'

let broker: KafkaBroker
let temp: ReturnType<typeof tempDir>
const open: LakeflowConnector[] = []
const connect = (options: Record<string, unknown>) => {
  const instance = connector.create({
    bootstrap_servers: broker.bootstrap,
    request_timeout_ms: 5000,
    connect_timeout_ms: 2000,
    ...options,
  })
  open.push(instance)
  return instance
}
const streamError = async (work: Promise<unknown>): Promise<StreamError> => {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  if (!StreamError.isInstance(error)) throw new Error(`expected a StreamError, got ${String(error)}`)
  return error
}

beforeAll(async () => {
  broker = await startKafkaBroker()
  temp = tempDir()
})
afterAll(async () => {
  for (const instance of open) await instance.close?.()
  await broker?.stop()
  temp?.remove()
})

describe('bad input gives a typed error', () => {
  it('an unreachable broker', async () => {
    const port = await freePort()
    const error = await streamError(
      drainRead(connect({ bootstrap_servers: `127.0.0.1:${port}`, topics: 'any' }).readTable('any', {}, {})),
    )
    expect(error.problem).toBe('unreachable')
    expect(error.category).toBe('transient')
    expect(error.message).toContain(`127.0.0.1:${port}`)
  })

  it('an unknown topic', async () => {
    const error = await streamError(drainRead(connect({ topics: 'no-such-topic' }).readTable('no-such-topic', {}, {})))
    expect(error.problem).toBe('unknown-stream')
    expect(error.message).toMatch(/topic "no-such-topic" failed: the topic does not exist/)
  })

  it('a topic deleted after its offset was committed', async () => {
    await createTopic(broker.bootstrap, 'doomed', 1)
    await produce(broker.bootstrap, 'doomed', [{ value: 'a' }])
    const { offset } = await drainRead(connect({ topics: 'doomed' }).readTable('doomed', {}, {}))
    await withAdmin(broker.bootstrap, (admin) => admin.deleteTopics({ topics: ['doomed'] }))
    const error = await streamError(drainRead(connect({ topics: 'doomed' }).readTable('doomed', offset, {})))
    expect(error.problem).toBe('deleted-stream')
    expect(error.message).toMatch(/topic "doomed" was deleted/)
  })

  it('an offset that retention has passed', async () => {
    await createTopic(broker.bootstrap, 'retained', 1)
    await produce(
      broker.bootstrap,
      'retained',
      Array.from({ length: 10 }, (_, index) => ({ value: `m${index}` })),
    )
    await withAdmin(broker.bootstrap, (admin) =>
      admin.deleteRecords({ topics: [{ name: 'retained', partitions: [{ partition: 0, offset: 6n }] }] }),
    )
    const error = await streamError(drainRead(connect({ topics: 'retained' }).readTable('retained', { 0: 2 }, {})))
    expect(error).toMatchObject({ problem: 'offset-out-of-range', partition: 0, position: 2 })
    expect(error.message).toMatch(/offsets 2 to 5 of partition 0 are gone/)
    // a new stream starts at what is left
    const fresh = await collectRead(connect({ topics: 'retained' }).readTable('retained', {}, { value_format: 'text' }))
    expect(fresh.records.map((record) => record.value)).toEqual(['m6', 'm7', 'm8', 'm9'])
  })

  it('a message that does not decode, naming its partition and offset', async () => {
    await createTopic(broker.bootstrap, 'mixed', 1)
    await produce(broker.bootstrap, 'mixed', [
      { value: '{"n":1}' },
      { value: '{"n":2}' },
      { value: 'not json' },
      { value: '{"n":4}' },
    ])
    const error = await streamError(
      drainRead(connect({ topics: 'mixed' }).readTable('mixed', {}, { value_format: 'json' })),
    )
    expect(error).toMatchObject({ problem: 'undecodable', category: 'schema', partition: 0, position: 2 })
    expect(error.message).toMatch(/not JSON/)
  })

  it('a message with invalid UTF-8 under value_format text', async () => {
    await createTopic(broker.bootstrap, 'binary', 1)
    await produce(broker.bootstrap, 'binary', [{ value: Buffer.from([0xff, 0xfe, 0x00]) }])
    const error = await streamError(
      drainRead(connect({ topics: 'binary' }).readTable('binary', {}, { value_format: 'text' })),
    )
    expect(error.problem).toBe('undecodable')
  })
})

describe('no offset moves past an uncommitted record', () => {
  it('a run that meets an undecodable message commits the batches before it and nothing after', async () => {
    await createTopic(broker.bootstrap, 'poisoned', 1)
    await produce(
      broker.bootstrap,
      'poisoned',
      Array.from({ length: 12 }, (_, index) => ({ value: index === 7 ? '{oops' : JSON.stringify({ n: index }) })),
    )
    const file = `${temp.dir}/poisoned.duckdb`
    const options = { bootstrap_servers: broker.bootstrap, topics: 'poisoned' }
    const { report, state } = await syncTopics(file, options, {
      poisoned: { value_format: 'json', maxOffsetsPerTrigger: '5' },
    })
    expect(report.status).toBe('failed')
    expect(report.tables[0]!.error).toMatchObject({ name: 'StreamError', category: 'schema' })
    expect(state.find((entry) => entry.sourceTable === 'poisoned')?.offset).toEqual({ 0: 5 })
    expect(await queryFile(file, 'SELECT kafka_offset::INTEGER AS kafka_offset FROM poisoned ORDER BY 1')).toEqual(
      [0, 1, 2, 3, 4].map((offset) => ({ kafka_offset: offset })),
    )
    // with dead letters the same run goes through, keeping the bad message's bytes
    const second = await syncTopics(file, options, {
      poisoned: { value_format: 'json', maxOffsetsPerTrigger: '5', on_decode_error: 'dead_letter' },
    })
    expect(second.report.status).toBe('succeeded')
    expect(second.state.find((entry) => entry.sourceTable === 'poisoned')?.offset).toEqual({ 0: 12 })
    const rows = await queryFile(
      file,
      'SELECT kafka_offset::INTEGER AS kafka_offset, CAST(dead_letter_value AS VARCHAR) AS raw, dead_letter_error FROM poisoned WHERE dead_letter_value IS NOT NULL',
    )
    expect(rows).toEqual([{ kafka_offset: 7, raw: '{oops', dead_letter_error: expect.stringMatching(/not JSON/) }])
    expect(await queryFile(file, 'SELECT count(*)::INTEGER AS n FROM poisoned')).toEqual([{ n: 12 }])
  })
})
