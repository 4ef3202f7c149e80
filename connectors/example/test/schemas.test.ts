/**
 * Each table's Spark schema and metadata, kept under `test/__snapshots__/schemas/` so schema
 * changes show up in review and in the release policy check (dropping or retyping a column,
 * or changing keys, cursor or ingestion type, is a major change).
 */
import { readFileSync } from 'node:fs'
import { lintSchema, toSparkJsonValue } from '@lakeflow/core/schema'
import { describe, expect, it } from 'vitest'
import {
  connector,
  eventsSchema,
  metricsSchema,
  ordersSchema,
  productsSchema,
  readingsSchema,
  usersSchema,
} from '../src/index.ts'

const example = connector.create({
  base_url: 'http://127.0.0.1:9',
  username: 'schema-test',
  password: 'schema-test-password',
})
const exported = {
  products: productsSchema,
  users: usersSchema,
  orders: ordersSchema,
  events: eventsSchema,
  metrics: metricsSchema,
  readings: readingsSchema,
}

describe('table schemas', async () => {
  const tables = await example.listTables()

  it('lists every ingestion pattern once', () => {
    expect(tables).toEqual(['products', 'users', 'orders', 'events', 'metrics', 'readings'])
  })

  for (const table of tables) {
    it(`${table}: schema and metadata match __snapshots__/schemas/${table}.json`, async () => {
      const schema = await example.getTableSchema(table, {})
      expect(schema).toBe(exported[table as keyof typeof exported])
      const metadata = await example.readTableMetadata(table, {})
      const snapshot = { table, metadata, schema: toSparkJsonValue(schema) }
      await expect(`${JSON.stringify(snapshot, null, 2)}\n`).toMatchFileSnapshot(`__snapshots__/schemas/${table}.json`)
    })

    it(`${table}: no schema lint findings on the corpus (longs, timestamps, structs where keys are known)`, async () => {
      const records = JSON.parse(readFileSync(new URL(`../simulator/corpus/${table}.json`, import.meta.url), 'utf8'))
      expect(lintSchema(await example.getTableSchema(table, {}), { samples: records })).toEqual([])
    })
  }
})
