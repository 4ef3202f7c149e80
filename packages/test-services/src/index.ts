/** Real services for tests and benchmarks: a Kafka broker and moto's server, on free ports of 127.0.0.1. */

/** The Kafka client the connector uses, for benchmarks that consume a topic to nowhere as a reference. */
export { Consumer as KafkaConsumer } from '@platformatic/kafka'
export { type FaultProxy, type InjectedResponse, startFaultProxy } from './fault-proxy.ts'
export { freePort } from './free-port.ts'
export { type KafkaBroker, type KafkaBrokerOptions, startKafkaBroker } from './kafka/kafka-broker.ts'
export { KAFKA_VERSION, kafkaJars, sparkKafkaJars } from './kafka/kafka-jars.ts'
export { createTopic, produce, type TestMessage, withAdmin } from './kafka/kafka-topics.ts'
export type { TestTls } from './kafka/test-tls.ts'
export { type MavenArtifact, mavenJars } from './maven-jars.ts'
export { MOTO_VERSION, type MotoServer, motoVirtualenv, startMotoServer } from './moto/moto-server.ts'
export { SPARK_KAFKA_VERSION } from './spark-kafka-version.ts'
