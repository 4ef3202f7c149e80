import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Admin } from '@platformatic/kafka'
import { run, type ServiceProcess, startService } from '../child.ts'
import { freePort, waitForPort } from '../free-port.ts'
import { kafkaJars } from './kafka-jars.ts'
import { generateTestTls, type TestTls } from './test-tls.ts'

/** What a test may ask of the broker. */
export interface KafkaBrokerOptions {
  /** SASL PLAIN users (name → password) of the `SASL_PLAINTEXT` and `SASL_SSL` listeners. @default { alice: 'alice-secret' } */
  plainUsers?: Readonly<Record<string, string>>
  /** SCRAM users (name → password), created for SHA-256 and SHA-512. @default { scram: 'scram-secret' } */
  scramUsers?: Readonly<Record<string, string>>
  /** JVM heap ceiling in MB. @default 384 */
  heapMb?: number
  /**
   * `fast-start` compiles with C1 only (quicker start, less CPU while tests run);
   * `throughput` uses the full JIT, for benchmarks.
   * @default 'fast-start'
   */
  jit?: 'fast-start' | 'throughput'
  /** How long the broker may take to answer metadata requests. @default 120000 */
  startTimeoutMs?: number
}

/** A running single-node KRaft broker on 127.0.0.1, with one listener per security protocol. */
export interface KafkaBroker {
  /** `127.0.0.1:<port>` of the PLAINTEXT listener. */
  readonly bootstrap: string
  /** `127.0.0.1:<port>` per listener: `SSL` (server certificate only), `MTLS` (SSL, client certificate required), `SASL_PLAINTEXT` (PLAIN and SCRAM), `SASL_SSL` (PLAIN). */
  readonly listeners: {
    readonly plaintext: string
    readonly ssl: string
    readonly mtls: string
    readonly saslPlaintext: string
    readonly saslSsl: string
  }
  /** The throwaway CA and client certificate the TLS listeners use. */
  readonly tls: TestTls
  readonly plainUsers: Readonly<Record<string, string>>
  readonly scramUsers: Readonly<Record<string, string>>
  /** The broker's process id. */
  readonly pid: number
  /** The broker's log (stdout and stderr). */
  readonly logFile: string
  /** Stops the broker by its process id and removes its data. */
  stop(): Promise<void>
}

/** Quotes a JAAS option value. */
const jaasValue = (value: string) => `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`

/**
 * Starts Apache Kafka (KRaft, broker and controller in one JVM) with its data in a temp
 * folder. The jars come from {@link kafkaJars}; the TLS material is generated for this broker.
 */
export async function startKafkaBroker(options: KafkaBrokerOptions = {}): Promise<KafkaBroker> {
  const jars = await kafkaJars()
  const folder = mkdtempSync(join(tmpdir(), 'lakeflow-kafka-'))
  const tls = await generateTestTls(folder)
  const plainUsers = options.plainUsers ?? { alice: 'alice-secret' }
  const scramUsers = options.scramUsers ?? { scram: 'scram-secret' }
  const [plaintext, controller, ssl, mtls, saslPlaintext, saslSsl] = await Promise.all(
    Array.from({ length: 6 }, () => freePort()),
  )
  const address = (port: number | undefined) => `127.0.0.1:${port}`
  const keystore = join(folder, 'server-keystore.pem')
  writeFileSync(keystore, readFileSync(tls.serverKeyFile, 'utf8') + readFileSync(tls.serverCertFile, 'utf8'))
  const plainJaas = `org.apache.kafka.common.security.plain.PlainLoginModule required ${Object.entries(plainUsers)
    .map(([name, password]) => `user_${name}=${jaasValue(password)}`)
    .join(' ')};`
  const scramJaas = 'org.apache.kafka.common.security.scram.ScramLoginModule required;'
  const tlsServer = (listener: string) => [
    `listener.name.${listener}.ssl.keystore.type=PEM`,
    `listener.name.${listener}.ssl.keystore.location=${keystore}`,
    `listener.name.${listener}.ssl.truststore.type=PEM`,
    `listener.name.${listener}.ssl.truststore.location=${tls.caFile}`,
  ]
  const properties = [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${address(controller)}`,
    `listeners=PLAINTEXT://${address(plaintext)},CONTROLLER://${address(controller)},SSL://${address(ssl)},MTLS://${address(mtls)},SASL_PLAINTEXT://${address(saslPlaintext)},SASL_SSL://${address(saslSsl)}`,
    `advertised.listeners=PLAINTEXT://${address(plaintext)},SSL://${address(ssl)},MTLS://${address(mtls)},SASL_PLAINTEXT://${address(saslPlaintext)},SASL_SSL://${address(saslSsl)}`,
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SSL:SSL,MTLS:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL',
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${join(folder, 'data')}`,
    ...tlsServer('ssl'),
    ...tlsServer('mtls'),
    'listener.name.mtls.ssl.client.auth=required',
    ...tlsServer('sasl_ssl'),
    'sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
    'listener.name.sasl_plaintext.sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
    `listener.name.sasl_plaintext.plain.sasl.jaas.config=${plainJaas}`,
    `listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=${scramJaas}`,
    `listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=${scramJaas}`,
    'listener.name.sasl_ssl.sasl.enabled.mechanisms=PLAIN',
    `listener.name.sasl_ssl.plain.sasl.jaas.config=${plainJaas}`,
    'num.network.threads=2',
    'num.io.threads=2',
    'num.partitions=1',
    'auto.create.topics.enable=false',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'log.retention.check.interval.ms=1000',
  ]
  const configFile = join(folder, 'server.properties')
  writeFileSync(configFile, `${properties.join('\n')}\n`)
  const log4j = join(folder, 'log4j2.properties')
  writeFileSync(
    log4j,
    'appender.out.type=Console\nappender.out.name=out\nappender.out.layout.type=PatternLayout\nappender.out.layout.pattern=[%d] %p %m (%c)%n\nrootLogger.level=WARN\nrootLogger.appenderRef.out.ref=out\n',
  )
  const classpath = `${jars}/*`
  const heap = `-Xmx${options.heapMb ?? 384}m`
  const jvm = [heap, '-Xms64m', '-XX:+UseSerialGC', `-Dlog4j2.configurationFile=${log4j}`, '-cp', classpath]
  if ((options.jit ?? 'fast-start') === 'fast-start') jvm.unshift('-XX:TieredStopAtLevel=1')
  const scram = Object.entries(scramUsers).flatMap(([name, password]) =>
    ['SCRAM-SHA-256', 'SCRAM-SHA-512'].flatMap((mechanism) => [
      '--add-scram',
      `${mechanism}=[name=${name},password=${password}]`,
    ]),
  )
  await run('java', [
    ...jvm,
    'kafka.tools.StorageTool',
    'format',
    '-t',
    'bGFrZWZsb3ctdGVzdHMtMQ',
    '-c',
    configFile,
    ...scram,
  ])
  const logFile = join(folder, 'broker.log')
  let service: ServiceProcess | undefined = startService('java', [...jvm, 'kafka.Kafka', configFile], { logFile })
  const stop = async () => {
    await service?.stop()
    service = undefined
    rmSync(folder, { recursive: true, force: true })
  }
  try {
    const timeoutMs = options.startTimeoutMs ?? 120_000
    await waitForPort(plaintext!, timeoutMs, () => service?.alive() ?? false)
    await waitForMetadata(address(plaintext), timeoutMs)
  } catch (error) {
    const tail = readFileSync(logFile, 'utf8').slice(-3000)
    await stop()
    throw new Error(`Kafka did not start: ${(error as Error).message}\n${tail}`)
  }
  return {
    bootstrap: address(plaintext),
    listeners: {
      plaintext: address(plaintext),
      ssl: address(ssl),
      mtls: address(mtls),
      saslPlaintext: address(saslPlaintext),
      saslSsl: address(saslSsl),
    },
    tls,
    plainUsers,
    scramUsers,
    pid: service.pid,
    logFile,
    stop,
  }
}

/** Polls a metadata request until the broker lists itself. */
async function waitForMetadata(bootstrap: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const admin = new Admin({ clientId: 'lakeflow-test-services', bootstrapBrokers: [bootstrap], retries: 0 })
    try {
      const metadata = await admin.metadata({ topics: [] })
      if (metadata.brokers.size > 0) return
    } catch (error) {
      if (Date.now() > deadline) throw error
    } finally {
      await admin.close().catch(() => {})
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}
