/**
 * The benchmark's simulated table: `events`, N API-shaped records (a dozen fields, two
 * nested objects, a list; ~470 bytes of JSON each), served by @lakeflow/simulator with
 * offset pagination. Without a filter the simulator serves cached pages at ~300k records/s,
 * well above what either reader consumes.
 */
import type { SourceSpec } from '../../packages/simulator/src/index.ts'

export const PAGE_SIZE = 5000

export const BENCH_SPEC: SourceSpec = {
  endpoints: [
    {
      path: '/events',
      method: 'GET',
      corpus: 'events',
      response: { pagination_style: 'offset_limit', default_sort: 'id asc' },
      params: { offset: { role: 'offset' }, limit: { role: 'limit', default: PAGE_SIZE, max: PAGE_SIZE } },
    },
  ],
  corpora: { events: { primary_key: ['id'] } },
}

const TYPES = ['page_view', 'click', 'purchase', 'signup', 'search']
const COUNTRIES = ['PT', 'DE', 'US', 'JP', 'BR', 'IN']
const CITIES = ['Lisbon', 'Berlin', 'Austin', 'Osaka', 'Recife', 'Pune']
const OSES = ['android', 'ios', 'windows', 'macos', 'linux']
const START = Date.UTC(2024, 0, 1)

/** The corpus: deterministic records with ids 1..count. */
export function benchEvents(count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, index) => {
    const at = START + index * 1000
    return {
      id: index + 1,
      user_id: (index * 7919) % 100_003,
      session_id: `s-${((index * 2654435761) % 4294967296).toString(16)}`,
      event_type: TYPES[index % TYPES.length],
      occurred_at: new Date(at).toISOString(),
      received_at: new Date(at + 250 + (index % 900)).toISOString(),
      amount: index % 3 === 0 ? (index % 100_000) / 100 : null,
      currency: 'EUR',
      country: COUNTRIES[index % COUNTRIES.length],
      city: CITIES[index % CITIES.length],
      device: {
        os: OSES[index % OSES.length],
        os_version: `${10 + (index % 7)}.${index % 4}`,
        model: `model-${index % 97}`,
        screen: { width: 360 + (index % 5) * 360, height: 640 + (index % 3) * 360 },
      },
      page: {
        path: `/products/${index % 5000}`,
        referrer: index % 4 ? 'https://search.example/' : null,
        title: `Product ${index % 5000}`,
      },
      tags: index % 2 ? ['promo', `segment-${index % 11}`] : [],
      duration_ms: 20 + (index % 5000),
      is_bot: index % 50 === 0,
    }
  })
}
