import {
  KinesisClient as AwsKinesisClient,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  ListShardsCommand,
  type Shard,
  type ShardIteratorType,
} from '@aws-sdk/client-kinesis'
import { LakeflowError, StreamError, type StreamProblem } from '@lakeflow/core/errors'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import type { KinesisOptions } from './kinesis-options.ts'

/** A shard and its parents, as ListShards describes it. */
export interface ShardInfo {
  readonly id: string
  readonly parents: readonly string[]
}

/** Where to open a shard iterator. */
export type IteratorStart =
  | { readonly type: 'TRIM_HORIZON' | 'LATEST' }
  | { readonly type: 'AFTER_SEQUENCE_NUMBER'; readonly sequence: string }
  | { readonly type: 'AT_TIMESTAMP'; readonly timestamp: number }

const MAX_BACKOFF_MS = 10_000

/** The names of AWS errors the connector tells apart, by what they mean for a read. */
function classify(name: string): StreamProblem | undefined {
  if (name === 'ResourceNotFoundException') return 'unknown-stream'
  if (
    name === 'ProvisionedThroughputExceededException' ||
    name === 'LimitExceededException' ||
    name === 'ThrottlingException'
  )
    return 'throttled'
  if (
    /^(UnrecognizedClient|InvalidSignature|AccessDenied|ExpiredToken|IncompleteSignature|MissingAuthenticationToken)/.test(
      name,
    )
  )
    return 'auth'
  if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|EAI_AGAIN|TimeoutError/.test(name)) return 'unreachable'
  return undefined
}

function errorName(error: unknown): string {
  const value = error as { name?: unknown; code?: unknown; cause?: { code?: unknown } }
  for (const candidate of [value?.code, value?.cause?.code, value?.name])
    if (typeof candidate === 'string' && candidate !== 'Error') return candidate
  return 'Error'
}

/**
 * The connector's use of the Kinesis API: shards, iterators and records. AWS errors are
 * translated here, once; throttled GetRecords calls are retried with exponential backoff
 * (the SDK's own retries are off, so exactly one layer retries).
 */
export class KinesisClient {
  readonly #client: AwsKinesisClient
  readonly #options: KinesisOptions
  /** Milliseconds waited per backoff, for tests and run reports. */
  readonly backoffs: number[] = []

  constructor(options: KinesisOptions) {
    this.#options = options
    this.#client = new AwsKinesisClient({
      region: options.region,
      maxAttempts: 1,
      // HTTP/1.1: the Kinesis client defaults to HTTP/2, which only SubscribeToShard needs
      // and which endpoints without TLS (VPC proxies, local stand-ins) do not speak
      requestHandler: new NodeHttpHandler({ connectionTimeout: 10_000, requestTimeout: 30_000 }),
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.access_key_id && options.secret_access_key
        ? {
            credentials: {
              accessKeyId: options.access_key_id,
              secretAccessKey: options.secret_access_key,
              ...(options.session_token ? { sessionToken: options.session_token } : {}),
            },
          }
        : {}),
    })
  }

  #error(error: unknown, doing: string, stream: string, shard?: string): LakeflowError {
    if (LakeflowError.isInstance(error)) return error
    const name = errorName(error)
    const problem = classify(name)
    const detail = `${name}: ${(error as Error)?.message ?? String(error)}`
    if (!problem) return new LakeflowError(`Kinesis: ${doing} failed: ${detail}`, { category: 'source', cause: error })
    return new StreamError(`Kinesis: ${doing} failed: ${detail}`, {
      problem,
      stream,
      ...(shard ? { partition: shard } : {}),
      cause: error,
    })
  }

  /** Every shard of the stream, open and closed (as long as retention keeps them listed). */
  async shards(stream: string): Promise<ShardInfo[]> {
    const shards: Shard[] = []
    let nextToken: string | undefined
    try {
      do {
        const page = await this.#client.send(
          new ListShardsCommand(nextToken ? { NextToken: nextToken } : { StreamName: stream }),
        )
        shards.push(...(page.Shards ?? []))
        nextToken = page.NextToken
      } while (nextToken)
    } catch (error) {
      throw this.#error(error, `listing the shards of stream "${stream}"`, stream)
    }
    return shards.map((shard) => ({
      id: shard.ShardId!,
      parents: [shard.ParentShardId, shard.AdjacentParentShardId].filter(
        (parent): parent is string => typeof parent === 'string',
      ),
    }))
  }

  /** An iterator on a shard at `start`. */
  async iterator(stream: string, shard: string, start: IteratorStart): Promise<string> {
    try {
      const response = await this.#client.send(
        new GetShardIteratorCommand({
          StreamName: stream,
          ShardId: shard,
          ShardIteratorType: start.type as ShardIteratorType,
          ...(start.type === 'AFTER_SEQUENCE_NUMBER' ? { StartingSequenceNumber: start.sequence } : {}),
          ...(start.type === 'AT_TIMESTAMP' ? { Timestamp: new Date(start.timestamp) } : {}),
        }),
      )
      return response.ShardIterator!
    } catch (error) {
      throw this.#error(error, `opening shard ${shard} of stream "${stream}" at ${start.type}`, stream, shard)
    }
  }

  /** One GetRecords call; throttling backs off and retries, up to `throttle_retries` times. */
  async records(stream: string, shard: string, iterator: string, limit: number): Promise<GetRecordsCommandOutput> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#client.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: Math.min(10_000, limit) }),
        )
      } catch (error) {
        const translated = this.#error(error, `reading shard ${shard} of stream "${stream}"`, stream, shard)
        if (
          !(StreamError.isInstance(translated) && translated.problem === 'throttled') ||
          attempt >= this.#options.throttle_retries
        )
          throw translated
        const ceiling = Math.min(MAX_BACKOFF_MS, this.#options.throttle_backoff_ms * 2 ** attempt)
        // jitter in the upper half: a wait always grows with the attempt, never collapses to nothing
        const wait = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2)
        this.backoffs.push(wait)
        await new Promise((resolve) => setTimeout(resolve, wait))
      }
    }
  }

  close(): void {
    this.#client.destroy()
  }
}
