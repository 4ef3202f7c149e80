import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  PutRecordsCommand,
  SplitShardCommand,
} from '@aws-sdk/client-kinesis'
import type { MotoServer } from '@lakeflow/test-services'
import { NodeHttpHandler } from '@smithy/node-http-handler'

/** A Kinesis client on moto. */
export function kinesisOn(moto: MotoServer): KinesisClient {
  return new KinesisClient({
    endpoint: moto.endpoint,
    region: moto.region,
    credentials: moto.credentials,
    requestHandler: new NodeHttpHandler(),
  })
}

/** Creates a stream and waits until it is ACTIVE. */
export async function createStream(client: KinesisClient, name: string, shards: number): Promise<void> {
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }))
  await waitActive(client, name)
}

async function waitActive(client: KinesisClient, name: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }))
    if (summary.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`stream ${name} did not become ACTIVE`)
}

/** Puts records (data as text), in order, each with its partition key (and explicit hash key, if given). */
export async function putRecords(
  client: KinesisClient,
  stream: string,
  records: readonly { key: string; data: string | Uint8Array; hash?: string }[],
): Promise<string[]> {
  const sequences: string[] = []
  for (let index = 0; index < records.length; index += 500) {
    const response = await client.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: records.slice(index, index + 500).map((record) => ({
          PartitionKey: record.key,
          Data: typeof record.data === 'string' ? Buffer.from(record.data) : record.data,
          ...(record.hash ? { ExplicitHashKey: record.hash } : {}),
        })),
      }),
    )
    sequences.push(...(response.Records ?? []).map((record) => record.SequenceNumber!))
  }
  return sequences
}

/** Splits a shard at a hash key, then waits for the stream to be ACTIVE again. */
export async function splitShard(client: KinesisClient, stream: string, shard: string, at: string): Promise<void> {
  await client.send(new SplitShardCommand({ StreamName: stream, ShardToSplit: shard, NewStartingHashKey: at }))
  await waitActive(client, stream)
}
