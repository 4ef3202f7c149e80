import { describeConnector } from '@lakeflow/testkit'
import { connector } from '../src/index.ts'
import { kafkaFixture } from './support/fixture.ts'

// The shared contract suite against a real broker: the fixture starts Apache Kafka on a free
// port, recreates the topics before each check, and produces for the stream checks. Checks
// that need the HTTP simulator (its mutation API, injected faults, request log) are skipped
// with that reason; the stream checks cover appends, crashes and exactly-once instead.
describeConnector({
  connector,
  module: new URL('../src/index.ts', import.meta.url).href,
  source: kafkaFixture(),
  options: {},
  tableOptions: { events: { value_format: 'text' }, audit: { value_format: 'json' } },
  batchOption: 'maxOffsetsPerTrigger',
})
