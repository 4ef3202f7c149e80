import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { type MavenArtifact, mavenJars } from '../maven-jars.ts'

/** The Apache Kafka release the tests run (Scala 2.13 build, KRaft only). */
export const KAFKA_VERSION = '4.4.0'

const BROKER: readonly MavenArtifact[] = [
  { group: 'org.apache.kafka', artifact: 'kafka_2.13', version: KAFKA_VERSION },
  // binds the broker's SLF4J logging to the log4j 2 it ships, so its log shows
  { group: 'org.apache.logging.log4j', artifact: 'log4j-slf4j-impl', version: '2.25.5' },
]

/** The folder of the broker's jars (about 45 MB), fetched from Maven Central once. */
export function kafkaJars(): Promise<string> {
  return mavenJars(`kafka-${KAFKA_VERSION}`, BROKER)
}

/** The jars of Spark's Kafka source that Spark itself does not ship (Scala, Hadoop and the rest come with PySpark). */
const SPARK_KAFKA_JAR = /^(spark-sql-kafka-0-10|spark-token-provider-kafka-0-10|kafka-clients|commons-pool2)[-_]/

/**
 * Spark's Kafka source for a Spark version (`spark-sql-kafka-0-10_2.13`, the Kafka client and
 * the pool it uses), as jar paths for `spark.jars` in tests that run `spark.readStream.format("kafka")`.
 */
export async function sparkKafkaJars(sparkVersion: string): Promise<string[]> {
  const folder = await mavenJars(`spark-sql-kafka-${sparkVersion}`, [
    { group: 'org.apache.spark', artifact: 'spark-sql-kafka-0-10_2.13', version: sparkVersion },
  ])
  return readdirSync(folder)
    .filter((file) => SPARK_KAFKA_JAR.test(file))
    .map((file) => join(folder, file))
}
