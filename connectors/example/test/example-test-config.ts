import type { ConnectorTestConfig } from '@lakeflow/testkit'
import { connector } from '../src/index.ts'

const here = (path: string) => new URL(path, import.meta.url).pathname

/** Where the example's simulated API lives. */
export const exampleSimulator = {
  spec: here('../simulator/endpoints.yaml'),
  corpus: here('../simulator/corpus'),
}

const STATUSES = ['pending', 'paid', 'shipped', 'cancelled']

/**
 * The example's contract-suite configuration: also the base the testkit's self-test mutates.
 * Table options keep the API's defaults; the suite randomises `max_records_per_batch` itself.
 */
export const exampleTestConfig: ConnectorTestConfig = {
  connector,
  module: new URL('../src/index.ts', import.meta.url).href,
  options: ({ baseUrl }) => ({ base_url: baseUrl, username: 'simulator-user', password: 'simulator-fake-password' }),
  simulator: exampleSimulator,
  sampleRecords: 100,
  tableOptions: {
    metrics: { window_seconds: '7200' },
  },
  tables: {
    products: {
      corpus: 'products',
      newRecord: (index) => ({
        product_id: 100_000 + index,
        sku: `SKU-N${index}`,
        name: `new product ${index}`,
        price: 9.5,
        category: 'tools',
        in_stock: true,
        tags: ['new'],
        dimensions: null,
        released_on: '2024-05-20',
      }),
      update: (_record, random) => ({ price: Math.round(random() * 10_000) / 100 }),
    },
    users: {
      corpus: 'users',
      newRecord: (index) => ({
        user_id: 100_000 + index,
        email: `new${index}@example.com`,
        display_name: `new_user_${index}`,
        status: 'active',
        address: { city: 'Lisbon', country: 'PT' },
        signup_date: '2024-05-20',
      }),
      update: (_record, random) => ({ status: random() < 0.5 ? 'inactive' : 'suspended' }),
    },
    orders: {
      corpus: 'orders',
      deletes: true,
      newRecord: (index) => ({
        order_id: 100_000 + index,
        user_id: 1 + (index % 37),
        amount: 10 + (index % 90),
        currency: 'EUR',
        status: 'pending',
        items: [{ product_id: 1 + (index % 53), quantity: 1 }],
        note: null,
      }),
      update: (_record, random) => ({ status: STATUSES[Math.floor(random() * STATUSES.length)] }),
    },
    events: {
      corpus: 'events',
      newRecord: (index) => ({
        event_id: `evt_new_${String(index).padStart(8, '0')}`,
        event_type: 'click',
        user_id: 1 + (index % 37),
        properties: { path: `/p/${index % 100}`, referrer: 'direct' },
      }),
    },
    metrics: {
      corpus: 'metrics',
      newRecord: (index) => ({
        metric_id: 100_000 + index,
        name: 'cpu',
        value: { count: index % 1000, label: 'p50', measure: 0.5 },
        host: 'host-01',
      }),
      update: (record, random) => ({
        value: {
          count: Math.floor(random() * 1000),
          label: 'p95',
          measure: (record.value as { measure?: number } | null)?.measure ?? null,
        },
      }),
    },
    readings: {
      corpus: 'readings',
      newRecord: (index) => ({ reading_id: 100_000 + index, sensor_id: 'sensor-z', value: index % 40, unit: 'C' }),
    },
  },
  // The API allows 1000/s; the check lowers it to 20/s so a breach shows within a few dozen
  // requests, well past the simulator's measuring slack.
  requestRate: { perSecond: 20, burst: 10, options: { max_requests_per_second: 20 } },
  memory: {
    table: 'events',
    tableOptions: { limit: '1000', max_records_per_batch: '100000000' },
  },
}
