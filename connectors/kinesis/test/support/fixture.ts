import { DeleteStreamCommand, ListStreamsCommand } from '@aws-sdk/client-kinesis'
import type { RawRecord } from '@lakeflow/core/connector'
import { type MotoServer, startMotoServer } from '@lakeflow/test-services'
import type { SourceFixture } from '@lakeflow/testkit'
import { createStream, kinesisOn, putRecords } from './streams.ts'

/** The streams of the contract suite's fixture. */
export const FIXTURE_STREAMS = ['clicks', 'orders'] as const
const SHARDS = 2
const BASELINE = 40

const record = (stream: string, id: string, index: number) => ({
  key: `key-${index % 7}`,
  data: stream === 'orders' ? JSON.stringify({ id, total: index * 3, status: index % 2 ? 'paid' : 'open' }) : id,
})

/** moto as the contract suite's source: fresh streams with the same baseline before each check. */
export function kinesisFixture(): SourceFixture {
  let moto: MotoServer | undefined
  let options: Record<string, unknown> | undefined
  let appended = 0
  return {
    async start() {
      if (options) return options
      moto = await startMotoServer()
      options = {
        streams: FIXTURE_STREAMS.join(','),
        region: moto.region,
        endpoint: moto.endpoint,
        access_key_id: 'fixture',
        secret_access_key: 'fixture-secret-key',
      }
      return options
    },
    async stop() {
      await moto?.stop()
    },
    async reset() {
      const client = kinesisOn(moto!)
      const existing = (await client.send(new ListStreamsCommand({}))).StreamNames ?? []
      for (const stream of FIXTURE_STREAMS) {
        if (existing.includes(stream)) await client.send(new DeleteStreamCommand({ StreamName: stream }))
        await createStream(client, stream, SHARDS)
        await putRecords(
          client,
          stream,
          Array.from({ length: BASELINE }, (_, index) => record(stream, `base-${index}`, index)),
        )
      }
    },
    async append(table, count) {
      const ids = Array.from({ length: count }, () => `new-${appended++}`)
      await putRecords(
        kinesisOn(moto!),
        table,
        ids.map((id, index) => record(table, id, appended + index)),
      )
      return ids
    },
    identity(table: string, row: RawRecord) {
      return table === 'orders' ? String((row.value as { id: string }).id) : String(row.value)
    },
  }
}
