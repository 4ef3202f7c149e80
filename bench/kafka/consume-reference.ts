// The reference: the Kafka client the connector uses (@platformatic/kafka), consuming the topic
// to nowhere through its own consumer stream (a fresh group, from the earliest offset). Prints
// one JSON line: messages, bytes, seconds.
import { KafkaConsumer as Consumer } from '../../packages/test-services/src/index.ts'

const [bootstrap, topic, expected] = process.argv.slice(2)
const total = Number(expected)
const consumer = new Consumer({
  clientId: 'bench-reference',
  groupId: `bench-${process.pid}`,
  bootstrapBrokers: [bootstrap!],
})
const started = performance.now()
const stream = await consumer.consume({ topics: [topic!], mode: 'earliest', autocommit: false, maxBytes: 8 << 20 })
let messages = 0
let bytes = 0
for await (const message of stream) {
  messages++
  bytes += message.value?.length ?? 0
  if (messages >= total) break
}
const seconds = (performance.now() - started) / 1000
await stream.close()
await consumer.close(true)
console.log(JSON.stringify({ messages, bytes, seconds }))
