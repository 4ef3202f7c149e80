/** Real services for tests and benchmarks: a Kafka broker and moto's server, on free ports of 127.0.0.1. */
export { freePort } from './free-port.ts'
export { KAFKA_VERSION, kafkaJars } from './kafka/kafka-jars.ts'
export { type KafkaBroker, type KafkaBrokerOptions, startKafkaBroker } from './kafka/kafka-broker.ts'
export type { TestTls } from './kafka/test-tls.ts'
