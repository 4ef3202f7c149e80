import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { run } from '../child.ts'
import { cacheRoot } from '../paths.ts'

/** The Apache Kafka release the tests run (Scala 2.13 build, KRaft only). */
export const KAFKA_VERSION = '4.4.0'
/** Binds the broker's SLF4J logging to log4j 2 (the broker ships log4j-core), so its log shows. */
const LOG4J_VERSION = '2.25.5'

const pom = `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>lakeflow.test</groupId>
  <artifactId>kafka-broker</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>${KAFKA_VERSION}</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>${LOG4J_VERSION}</version></dependency>
  </dependencies>
</project>
`

/**
 * The folder of the broker's jars, fetched from Maven Central with the machine's `mvn` the
 * first time (about 45 MB) and reused afterwards. Concurrent callers are safe: each fetches
 * into its own folder and the first rename wins.
 */
export async function kafkaJars(): Promise<string> {
  const folder = join(cacheRoot(), `kafka-${KAFKA_VERSION}`)
  if (existsSync(join(folder, `kafka_2.13-${KAFKA_VERSION}.jar`))) return folder
  const staging = `${folder}.tmp-${process.pid}`
  rmSync(staging, { recursive: true, force: true })
  mkdirSync(staging, { recursive: true })
  writeFileSync(join(staging, 'pom.xml'), pom)
  await run(
    'mvn',
    ['-B', '-q', 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${join(staging, 'libs')}`],
    { cwd: staging },
  ).catch((error: Error) => {
    rmSync(staging, { recursive: true, force: true })
    throw new Error(`fetching Apache Kafka ${KAFKA_VERSION} from Maven Central failed (needs mvn and Java 17+): ${error.message}`)
  })
  for (const jar of readdirSync(join(staging, 'libs'))) renameSync(join(staging, 'libs', jar), join(staging, jar))
  rmSync(join(staging, 'libs'), { recursive: true })
  try {
    renameSync(staging, folder)
  } catch (error) {
    rmSync(staging, { recursive: true, force: true })
    if (!existsSync(folder)) throw error
  }
  return folder
}
