import type { RawRecord } from '@lakeflow/core/connector'
import {
  createTopic,
  type KafkaBroker,
  produce,
  startKafkaBroker,
  type TestMessage,
  withAdmin,
} from '@lakeflow/test-services'
import type { SourceFixture } from '@lakeflow/testkit'

/** The topics of the contract suite's fixture: `events` (text values) and `audit` (JSON values). */
export const FIXTURE_TOPICS = ['events', 'audit'] as const
const PARTITIONS = 3
const BASELINE = 60
const SUITE_PASSWORD = 'contract-suite-secret'

function message(topic: string, id: string, index: number): TestMessage {
  const value =
    topic === 'audit' ? JSON.stringify({ id, action: index % 2 ? 'update' : 'create', user: `u${index % 7}` }) : id
  return { key: `k${index % 11}`, value, headers: { origin: 'fixture', seq: String(index) } }
}

/**
 * A Kafka broker as the contract suite's source: started once, each check starting from
 * freshly created topics holding the same baseline messages; `append` produces more.
 */
export function kafkaFixture(): SourceFixture & { broker(): KafkaBroker } {
  let broker: KafkaBroker | undefined
  let options: Record<string, unknown> | undefined
  let appended = 0
  const recreate = async (topic: string) => {
    await withAdmin(broker!.bootstrap, async (admin) => {
      const existing = await admin.listTopics()
      if (existing.includes(topic)) await admin.deleteTopics({ topics: [topic] })
    })
    // deletion completes asynchronously: retry the creation until the name is free
    for (let attempt = 0; ; attempt++) {
      try {
        await createTopic(broker!.bootstrap, topic, PARTITIONS)
        return
      } catch (error) {
        if (attempt > 100) throw error
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
  }
  return {
    broker: () => broker!,
    // A second start returns the running broker's options, so several suites can share it.
    async start() {
      if (options) return options
      broker = await startKafkaBroker({ plainUsers: { suite: SUITE_PASSWORD } })
      // SASL, so the suite's canary check has a secret to plant
      options = {
        bootstrap_servers: broker.listeners.saslPlaintext,
        security_protocol: 'SASL_PLAINTEXT',
        sasl_username: 'suite',
        sasl_password: SUITE_PASSWORD,
        topics: FIXTURE_TOPICS.join(','),
        request_timeout_ms: 10_000,
      }
      return options
    },
    async stop() {
      await broker?.stop()
    },
    async reset() {
      for (const topic of FIXTURE_TOPICS) {
        await recreate(topic)
        await produce(
          broker!.bootstrap,
          topic,
          Array.from({ length: BASELINE }, (_, index) => message(topic, `base-${index}`, index)),
        )
      }
    },
    async append(table, count) {
      const ids = Array.from({ length: count }, () => `new-${appended++}`)
      await produce(
        broker!.bootstrap,
        table,
        ids.map((id, index) => message(table, id, appended + index)),
      )
      return ids
    },
    identity(table: string, record: RawRecord) {
      return table === 'audit' ? String((record.value as { id: string }).id) : String(record.value)
    },
  }
}
