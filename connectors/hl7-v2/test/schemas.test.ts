/**
 * Each table's Spark schema and metadata, kept under `test/__snapshots__/schemas/` so schema
 * changes show up in review and in the release policy check (dropping or retyping a column,
 * or changing keys, cursor or ingestion type, is a major change).
 */
import { toSparkJsonValue } from '@lakeflow/core/schema'
import { describe, expect, it } from 'vitest'
import { connector } from '../src/index.ts'

const instance = connector.create({ source_type: 'volume', volume_path: '/nonexistent/hl7-schema-test' })

describe('table schemas', async () => {
  for (const table of await instance.listTables()) {
    it(`${table} matches __snapshots__/schemas/${table}.json`, async () => {
      const schema = toSparkJsonValue(await instance.getTableSchema(table, {}))
      const metadata = await instance.readTableMetadata(table, {})
      await expect(`${JSON.stringify({ table, metadata, schema }, null, 2)}\n`).toMatchFileSnapshot(
        `__snapshots__/schemas/${table}.json`,
      )
    })
  }
})
