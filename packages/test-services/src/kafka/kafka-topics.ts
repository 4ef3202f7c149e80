import { Admin, Producer } from '@platformatic/kafka'

/** A message to produce: key and value as text or bytes; `value: null` is a tombstone. */
export interface TestMessage {
  key?: string | Buffer | null
  value: string | Buffer | null
  partition?: number
  headers?: Record<string, string>
  timestamp?: number
}

/** Creates a topic (and waits until its partitions have leaders). */
export async function createTopic(
  bootstrap: string,
  topic: string,
  partitions: number,
  configs: Record<string, string> = {},
): Promise<void> {
  const admin = new Admin({ clientId: 'test-admin', bootstrapBrokers: [bootstrap] })
  try {
    await admin.createTopics({
      topics: [topic],
      partitions,
      replicas: 1,
      configs: Object.entries(configs).map(([name, value]) => ({ name, value })),
    })
    for (let attempt = 0; attempt < 100; attempt++) {
      const metadata = await admin.metadata({ topics: [topic], forceUpdate: true }).catch(() => undefined)
      const info = metadata?.topics.get(topic)
      if (info && info.partitions.length === partitions && info.partitions.every((partition) => partition.leader >= 0))
        return
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    throw new Error(`topic ${topic} got no leaders`)
  } finally {
    await admin.close()
  }
}

/** Runs `work` with an admin client. */
export async function withAdmin<T>(bootstrap: string, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Admin({ clientId: 'test-admin', bootstrapBrokers: [bootstrap] })
  try {
    return await work(admin)
  } finally {
    await admin.close()
  }
}

const toBuffer = (value: string | Buffer) => (typeof value === 'string' ? Buffer.from(value) : value)

/** Produces messages (acks from the leader), in order per partition. */
export async function produce(bootstrap: string, topic: string, messages: readonly TestMessage[]): Promise<void> {
  const producer = new Producer({
    clientId: 'test-producer',
    bootstrapBrokers: [bootstrap],
    acks: -1,
    idempotent: true,
  })
  try {
    for (let index = 0; index < messages.length; index += 500) {
      await producer.send({
        messages: messages.slice(index, index + 500).map((message) => ({
          topic,
          ...(message.partition === undefined ? {} : { partition: message.partition }),
          ...(message.key === undefined || message.key === null ? {} : { key: toBuffer(message.key) }),
          value: message.value === null ? (null as unknown as Buffer) : toBuffer(message.value),
          ...(message.timestamp === undefined ? {} : { timestamp: BigInt(message.timestamp) }),
          ...(message.headers
            ? {
                headers: new Map(
                  Object.entries(message.headers).map(([key, value]) => [Buffer.from(key), Buffer.from(value)]),
                ),
              }
            : {}),
        })),
      })
    }
  } finally {
    await producer.close()
  }
}
