import { describeConnector } from '@lakeflow/testkit'
import { connector } from '../src/index.ts'

const here = (path: string) => new URL(path, import.meta.url).pathname

// The shared contract suite against the simulated Acme API (simulator/). With
// LAKEFLOW_TEST_MODE=live and LAKEFLOW_TEST_CONFIG_JSON='{"base_url":"…","token":"…"}' it
// runs against the real API instead (checks that need the simulator are skipped).
describeConnector({
  connector,
  module: new URL('../src/index.ts', import.meta.url).href,
  options: ({ baseUrl }) => ({ base_url: baseUrl, token: 'simulator-token' }),
  simulator: { spec: here('../simulator/endpoints.yaml'), corpus: here('../simulator/corpus') },
  tables: {
    items: {
      corpus: 'items',
      newRecord: (index) => ({ id: 100_000 + index, name: `new item ${index}`, status: 'open' }),
      update: (_record, random) => ({ status: random() < 0.5 ? 'closed' : 'archived' }),
    },
  },
  // The check lowers the rate so a breach shows within a few dozen requests.
  requestRate: { perSecond: 20, burst: 10, options: { max_requests_per_second: 20 } },
  memory: { table: 'items', tableOptions: { page_size: '1000', max_records_per_batch: '100000000' } },
})
