import { defineConnector } from '@lakeflow/core/connector'
import { defineOptions } from '@lakeflow/core/options'
import Type from 'typebox'
import { describe, expect, it } from 'vitest'
import { FRAMEWORK_OPTION_KEYS, splitOptions, tableOptionsOf } from '../src/index.ts'

const definition = defineConnector({
  name: 'demo',
  packageName: '@lakeflow/connector-demo',
  version: '0.0.0',
  description: 'options test',
  options: defineOptions({ apiToken: Type.String(), base_url: Type.String() }),
  tableOptionKeys: ['maxRecordsPerBatch', 'owner'],
  create: () => {
    throw new Error('not used')
  },
})

describe('splitOptions (connection options vs table options)', () => {
  it('sends connection keys to the connector and the rest, minus framework keys, to the table', () => {
    // Spark lower-cases option keys: the declared spelling comes back.
    const raw = {
      apitoken: 't0ken',
      base_url: 'http://127.0.0.1:1',
      tablename: 'issues',
      isdeleteflow: 'true',
      'databricks.connection': 'conn',
      sourcename: 'demo',
      externaloptionsallowlist: 'owner',
      scd_type: 'SCD_TYPE_2',
      primary_keys: '["id"]',
      sequence_by: 'updated_at',
      cluster_by: 'id',
      strict: 'true',
      nodepath: '/opt/node',
      bridgebatchrows: '500',
      path: '/ignored',
      maxrecordsperbatch: '10',
      owner: 'octo',
      unknown_key: 'kept for the table to reject',
    }
    expect(splitOptions(definition, raw)).toEqual({
      connection: { apiToken: 't0ken', base_url: 'http://127.0.0.1:1' },
      table: { maxRecordsPerBatch: '10', owner: 'octo', unknown_key: 'kept for the table to reject' },
    })
  })

  it('strips framework keys from per-table configurations (metadata virtual table)', () => {
    expect(tableOptionsOf(definition, { owner: 'octo', scd_type: 'SCD_TYPE_1', MAXRECORDSPERBATCH: '5' })).toEqual({
      owner: 'octo',
      maxRecordsPerBatch: '5',
    })
    expect(FRAMEWORK_OPTION_KEYS).toContain('isDeleteFlow')
  })
})
