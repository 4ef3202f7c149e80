// The connector alone: every partition of the topic read through the Kafka connector's
// readTable (decoding included, no destination). Prints one JSON line: messages, seconds.

import { connector } from '../../connectors/kafka/src/index.ts'
import { drainRead } from '../../packages/core/src/connector/index.ts'

const [bootstrap, topic, valueFormat] = process.argv.slice(2)
const kafka = connector.create({ bootstrap_servers: bootstrap, topics: topic })
const started = performance.now()
const { count } = await drainRead(kafka.readTable(topic!, {}, { value_format: valueFormat ?? 'text' }))
const seconds = (performance.now() - started) / 1000
await kafka.close?.()
console.log(JSON.stringify({ messages: count, seconds }))
