/**
 * The stream tables' Spark schema and metadata under the option combinations that change
 * them, kept under `test/__snapshots__/schemas/` so schema changes show up in review and in
 * the release policy check (dropping or retyping a column, or changing keys, cursor or
 * ingestion type, is a major change).
 */
import { toSparkJsonValue } from '@lakeflow/core/schema'
import { describe, expect, it } from 'vitest'
import { connector } from '../src/index.ts'

// No endpoint is contacted: schemas never depend on data.
const instance = connector.create({ streams: 'clicks', region: 'us-east-1', endpoint: 'http://127.0.0.1:9' })

const variants: Record<string, Record<string, string>> = {
  clicks: {},
  'clicks-json-dead-letter': { value_format: 'json', on_decode_error: 'dead_letter' },
}

describe('table schemas', () => {
  for (const [name, tableOptions] of Object.entries(variants)) {
    it(`${name} matches __snapshots__/schemas/${name}.json`, async () => {
      const schema = toSparkJsonValue(await instance.getTableSchema('clicks', tableOptions))
      const metadata = await instance.readTableMetadata('clicks', tableOptions)
      await expect(`${JSON.stringify({ table: name, tableOptions, metadata, schema }, null, 2)}\n`).toMatchFileSnapshot(
        `__snapshots__/schemas/${name}.json`,
      )
    })
  }
})
