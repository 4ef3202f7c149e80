#!/usr/bin/env node
// lakeflow-test-services prepare: fetches everything the stream tests start (the Kafka
// broker's jars, Spark's Kafka source, moto's virtualenv) into the git-ignored cache, once,
// and prints how long each took. CI runs it before the tests, so a missing tool or an
// unreachable registry fails early and by name.
import { kafkaJars, sparkKafkaJars } from './kafka/kafka-jars.ts'
import { motoVirtualenv } from './moto/moto-server.ts'
import { SPARK_KAFKA_VERSION } from './spark-kafka-version.ts'

const steps: [string, () => Promise<unknown>][] = [
  ['Apache Kafka broker jars (Maven Central)', kafkaJars],
  [`Spark ${SPARK_KAFKA_VERSION} Kafka source jars (Maven Central)`, () => sparkKafkaJars(SPARK_KAFKA_VERSION)],
  ['moto server virtualenv (PyPI)', motoVirtualenv],
]

const [command] = process.argv.slice(2)
if (command !== 'prepare') {
  process.stderr.write('Usage: lakeflow-test-services prepare\n')
  process.exit(2)
}
for (const [name, step] of steps) {
  const started = performance.now()
  await step()
  process.stdout.write(`${name}: ready in ${((performance.now() - started) / 1000).toFixed(1)} s\n`)
}
