import type { Simulator } from '@lakeflow/simulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connector as shopConnector } from './fixtures/shop-connector.ts'
import { byId, expectedRows, startShop } from './support/shop.ts'
import { bridgeCommand, SHOP_CONNECTOR, SparkDriver } from './support/spark-driver.ts'

const CATALOG_CONNECTOR = new URL('./fixtures/catalog-connector.ts', import.meta.url).pathname

let spark: SparkDriver
let simulator: Simulator
let url: string

beforeAll(async () => {
  ;({ simulator, url } = await startShop())
  spark = await SparkDriver.start()
  await spark.call('register', { connector: 'shop', command: bridgeCommand(SHOP_CONNECTOR) })
}, 600_000)

afterAll(async () => {
  await spark?.stop()
  await simulator?.stop()
})

const read = (tableName: string, extra: Record<string, string> = {}) =>
  spark.call<{ schema: string; rows: any[]; partitions?: number[] }>('batch', {
    options: { tableName, base_url: url, ...extra },
  })

describe('batch reads through spark.read.format("lakeflow_connect")', () => {
  it.each(['products', 'orders', 'kinds'])('%s equals the connector read through core converter', async (table) => {
    const [spark, expected] = await Promise.all([read(table), expectedRows(url, table)])
    expect(expected.rows.length).toBeGreaterThan(0)
    expect(byId(spark.rows)).toEqual(byId(expected.rows))
  })
})

describe('partitions', () => {
  it('reads a partitioned table on several tasks, one per connector partition', async () => {
    const [result, expected] = await Promise.all([read('readings'), expectedRows(url, 'readings')])
    expect(byId(result.rows)).toEqual(byId(expected.rows))
    const tagged = await spark.call<{ rows: { id: number }[]; partitions: number[] }>('batch', {
      options: { tableName: 'readings', base_url: url },
      partition_ids: true,
    })
    // 250 readings in partitions of 100: (0,100], (100,200], (200,250] → tasks 0, 1, 2.
    expect([...new Set(tagged.partitions)].sort()).toEqual([0, 1, 2])
    tagged.rows.forEach((row, index) => {
      expect(tagged.partitions[index]).toBe(Math.floor((row.id - 1) / 100))
    })
  })

  it('reads non-partitioned tables in one task', async () => {
    const tagged = await spark.call<{ partitions: number[] }>('batch', {
      options: { tableName: 'orders', base_url: url },
      partition_ids: true,
    })
    expect(new Set(tagged.partitions)).toEqual(new Set([0]))
  })
})

describe('virtual tables', () => {
  it('_community_table_metadata matches readTableMetadata, in the caller order', async () => {
    const names = ['readings', 'orders', 'products', 'kinds']
    const result = await read('_community_table_metadata', {
      tableNameList: JSON.stringify(names),
      tableConfigs: JSON.stringify({ crash: { mode: 'throw' } }),
    })
    const connector = shopConnector.create({ base_url: url })
    const expected = await Promise.all(
      names.map(async (name) => {
        const metadata = await connector.readTableMetadata(name, {})
        return {
          tableName: name,
          primary_keys: metadata.primary_keys ?? null,
          cursor_field: metadata.cursor_field ?? null,
          ingestion_type: metadata.ingestion_type,
        }
      }),
    )
    expect(result.rows).toEqual(expected)
    expect(JSON.parse(result.schema).fields.map((field: { name: string }) => field.name)).toEqual([
      'tableName',
      'primary_keys',
      'cursor_field',
      'ingestion_type',
    ])
  })

  it('_community_tables lists every table sorted, with namespace []; _community_namespaces is empty', async () => {
    const tables = await read('_community_tables')
    expect(tables.rows).toEqual(
      ['crash', 'kinds', 'orders', 'products', 'readings'].map((tableName) => ({ namespace: [], tableName })),
    )
    expect((await read('_community_namespaces')).rows).toEqual([])
  })

  it('rejects bad virtual-table options with upstream errors', async () => {
    await expect(read('_community_table_metadata', { tableNameList: 'not json' })).rejects.toThrow(
      /Option 'tableNameList' must be valid JSON, got 'not json'/,
    )
    await expect(read('_community_table_metadata', { tableNameList: '{"a":1}' })).rejects.toThrow(
      /Option 'tableNameList' must be a JSON list of strings/,
    )
    await expect(read('_community_tables', { namespace: '["a"]' })).rejects.toThrow(
      /Option 'namespace' is not supported: connector 'shop' has no namespaces/,
    )
    await expect(read('_community_nope')).rejects.toThrow(
      /Unknown virtual table '_community_nope'; the valid ones are: _community_table_metadata, _community_namespaces, _community_tables/,
    )
  })
})

describe('virtual tables of a namespaced connector', () => {
  beforeAll(() => spark.call('register', { connector: 'catalog', command: bridgeCommand(CATALOG_CONNECTOR) }))
  afterAll(() => spark.call('register', { connector: 'shop', command: bridgeCommand(SHOP_CONNECTOR) }))

  it('_community_namespaces lists child namespaces of namespacePrefix, sorted', async () => {
    expect((await read('_community_namespaces')).rows).toEqual([{ namespace: ['hr'] }, { namespace: ['sales'] }])
    expect((await read('_community_namespaces', { namespacePrefix: '["sales"]' })).rows).toEqual([
      { namespace: ['sales', 'eu'] },
    ])
  })

  it('_community_tables needs namespace and lists that namespace sorted', async () => {
    expect((await read('_community_tables', { namespace: '["sales"]' })).rows).toEqual([
      { namespace: ['sales'], tableName: 'invoices' },
      { namespace: ['sales'], tableName: 'orders' },
    ])
    expect((await read('_community_tables', { namespace: '[]' })).rows).toEqual([
      { namespace: [], tableName: 'root_table' },
    ])
    await expect(read('_community_tables')).rejects.toThrow(
      /Option 'namespace' is required to list the tables of connector 'catalog'/,
    )
  })
})

describe('errors', () => {
  it('an unknown table fails at planning with the connector error', async () => {
    await expect(read('nope')).rejects.toThrow(
      /connector 'shop', table 'nope': UnknownTableError \(config\): Connector "shop" has no table named "nope"/,
    )
  })

  it('bad connection options name the key', async () => {
    await expect(read('orders', { retry_base_ms: 'fast' })).rejects.toThrow(
      /Invalid option "retry_base_ms" for connector shop/,
    )
  })

  it('a connector that exits mid-read gives a clear error naming connector, table, exit code and stderr', async () => {
    const error = await read('crash', { mode: 'exit' }).catch((caught: Error) => caught)
    expect(error).toBeInstanceOf(Error)
    const message = (error as Error).message
    expect(message).toMatch(
      /the Node process of connector 'shop' \(pid \d+\) exited with code 7 while reading table 'crash'/,
    )
    expect(message).toContain('shop connector: about to crash on purpose')
    // The pool replaces the dead process: the next read works.
    expect((await read('products')).rows).toHaveLength(23)
  })

  it('a Node process killed mid-read is reported as killed, never as empty data', async () => {
    await expect(read('crash', { mode: 'kill' })).rejects.toThrow(
      /the Node process of connector 'shop' \(pid \d+\) was killed by signal 9 while reading table 'crash'/,
    )
  })

  it('a connector error inside a read fails the batch read (no offset to keep)', async () => {
    await expect(read('crash', { mode: 'throw' })).rejects.toThrow(
      /connector 'shop', table 'crash': Error \(internal\): boom from the crash table/,
    )
  })
})
