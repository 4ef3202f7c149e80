/**
 * Generates the example API's corpus (`simulator/corpus/*.json`) from a fixed seed, so the
 * committed JSON is reproducible: `pnpm generate-corpus` rewrites identical files.
 * Records are shaped exactly like the example API's responses (plus a few
 * nested and typed fields so the converter sees every kind of value). No real people: names
 * come from word lists and e-mail addresses use the reserved `example.com` domain.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { seededRandom } from '@lakeflow/core/internal'

const SEED = 42
/** Share of nullable, non-key, non-cursor fields left null. */
const NULL_RATE = 0.15
/** Every cursor lies in May 2024, long before any test's clock. */
const BASE = Date.UTC(2024, 4, 1)

const random = seededRandom(SEED)
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
const int = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1))
const money = (min: number, max: number): number => Math.round((min + random() * (max - min)) * 100) / 100
const maybe = <T>(value: T): T | null => (random() < NULL_RATE ? null : value)
const iso = (ms: number): string => new Date(ms).toISOString()
const day = (ms: number): string => iso(ms).slice(0, 10)

const ADJECTIVES = ['amber', 'brisk', 'calm', 'dusty', 'eager', 'fuzzy', 'gentle', 'hollow', 'ivory', 'jolly']
const NOUNS = ['anchor', 'basket', 'candle', 'drum', 'easel', 'fern', 'globe', 'hammer', 'kettle', 'lantern']
const CATEGORIES = ['books', 'garden', 'kitchen', 'toys', 'tools']
const STATUSES = ['active', 'inactive', 'suspended']
const ORDER_STATUSES = ['pending', 'paid', 'shipped', 'cancelled']
const EVENT_TYPES = ['page_view', 'click', 'purchase', 'signup']
const CITIES: [string, string][] = [
  ['Lisbon', 'PT'],
  ['Oslo', 'NO'],
  ['Quito', 'EC'],
  ['Osaka', 'JP'],
  ['Accra', 'GH'],
]
const METRIC_NAMES = ['cpu', 'memory', 'disk', 'latency']

const products = Array.from({ length: 53 }, (_, index) => ({
  product_id: index + 1,
  sku: `SKU-${String(100 + index * 7).padStart(6, '0')}`,
  name: maybe(`${pick(ADJECTIVES)} ${pick(NOUNS)}`),
  price: maybe(money(2, 250)),
  category: maybe(pick(CATEGORIES)),
  in_stock: maybe(random() < 0.7),
  tags: maybe(Array.from({ length: int(0, 3) }, () => pick(ADJECTIVES))),
  dimensions: maybe({ width_cm: money(1, 90), height_cm: money(1, 90), depth_cm: maybe(money(1, 40)) }),
  released_on: maybe(day(BASE - int(30, 900) * 86_400_000)),
}))

const users = Array.from({ length: 37 }, (_, index) => {
  const [city, country] = pick(CITIES)
  // Users 12 and 13 share an updated_at: ties exist in the corpus, not only in tests.
  const minute = index === 12 ? 11 : index
  return {
    user_id: index + 1,
    email: maybe(`user${index + 1}@example.com`),
    display_name: maybe(`${pick(ADJECTIVES)}_${pick(NOUNS)}`),
    status: maybe(pick(STATUSES)),
    address: maybe({ city, country: maybe(country) }),
    signup_date: maybe(day(BASE - int(1, 400) * 86_400_000)),
    updated_at: iso(BASE + minute * 60_000),
  }
})

const orders = Array.from({ length: 103 }, (_, index) => ({
  order_id: 1001 + index,
  user_id: maybe(int(1, 37)),
  amount: maybe(money(5, 900)),
  currency: maybe(pick(['USD', 'EUR', 'GBP'])),
  status: maybe(pick(ORDER_STATUSES)),
  items: maybe(Array.from({ length: int(1, 3) }, () => ({ product_id: int(1, 53), quantity: int(1, 5) }))),
  note: random() < 0.8 ? null : `gift wrap ${pick(NOUNS)}`,
  updated_at: iso(BASE + 3_600_000 + index * 1_000),
}))

// Orders deleted before the corpus snapshot: tombstones keep the key and cursor only.
const deletedOrders = Array.from({ length: 4 }, (_, index) => ({
  order_id: 1104 + index,
  user_id: null,
  amount: null,
  currency: null,
  status: null,
  items: null,
  note: null,
  updated_at: iso(BASE + 3_600_000 + (20 + index * 17) * 1_000 + 500),
}))

const events = Array.from({ length: 101 }, (_, index) => ({
  event_id: `evt_${(0x1a2b3c + index * 7919).toString(16).padStart(8, '0')}`,
  event_type: maybe(pick(EVENT_TYPES)),
  user_id: maybe(int(1, 37)),
  // Open-ended properties (experiment flags come and go), hence a map rather than a struct.
  properties: maybe({
    path: `/${pick(NOUNS)}`,
    ...Object.fromEntries(Array.from({ length: int(0, 2) }, () => [`flag_${int(1, 60)}`, pick(['on', 'off'])])),
  }),
  created_at: iso(BASE + 7_200_000 + index * 1_000),
}))

const metrics = Array.from({ length: 120 }, (_, index) => ({
  metric_id: index + 1,
  name: maybe(pick(METRIC_NAMES)),
  value: maybe({ count: int(0, 5000), label: maybe(pick(['p50', 'p95', 'p99'])), measure: maybe(money(0, 100)) }),
  host: maybe(`host-${String(int(1, 6)).padStart(2, '0')}`),
  updated_at: iso(BASE + 86_400_000 + index * 60_000),
}))

const readings = Array.from({ length: 90 }, (_, index) => ({
  reading_id: index + 1,
  sensor_id: `sensor-${pick(['a', 'b', 'c', 'd'])}`,
  value: maybe(money(-20, 45)),
  unit: maybe(pick(['C', '%', 'hPa'])),
  recorded_at: iso(BASE + 2 * 86_400_000 + index * 300_000),
}))

const directory = new URL('./corpus/', import.meta.url)
mkdirSync(directory, { recursive: true })
const files = { products, users, orders, 'orders.tombstones': deletedOrders, events, metrics, readings }
for (const [name, records] of Object.entries(files)) {
  writeFileSync(new URL(`${name}.json`, directory), `${JSON.stringify(records, null, 2)}\n`)
  console.log(`corpus/${name}.json: ${records.length} records`)
}
