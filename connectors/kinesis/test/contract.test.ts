import { describeConnector } from '@lakeflow/testkit'
import { connector } from '../src/index.ts'
import { kinesisFixture } from './support/fixture.ts'

// The shared contract suite against moto's Kinesis: the fixture recreates the streams
// before each check and puts records for the stream checks. Checks that need the HTTP
// simulator (its mutation API, injected faults, request log) are skipped with that reason.
describeConnector({
  connector,
  module: new URL('../src/index.ts', import.meta.url).href,
  source: kinesisFixture(),
  options: {},
  tableOptions: { clicks: { value_format: 'text' }, orders: { value_format: 'json' } },
  batchOption: 'max_records_per_batch',
})
