import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { connector as example } from '@lakeflow/connector-example'
import { Spark, type TableSchema, toSparkJson } from '@lakeflow/core/schema'
import { DuckDbDestination, parsePipelineSpecText, runPipeline } from '@lakeflow/pipeline'
import type { Simulator } from '@lakeflow/simulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PACKAGE_ROOT } from '../scripts/python-env.ts'
import { packConnector, packPipeline } from '../src/index.ts'
import { connector as shop } from './fixtures/shop-connector.ts'
import { exampleOptions, exampleRows, installWheel, sortBy, startExample } from './support/example.ts'
import { SparkDriver } from './support/spark-driver.ts'

let spark: SparkDriver
let simulator: Simulator
let url: string
let scratch: string
let wheel: string

beforeAll(async () => {
  ;({ simulator, url } = await startExample())
  scratch = mkdtempSync(join(tmpdir(), 'lakeflow-spark-example-'))
  ;({ wheel } = await packConnector({ connector: 'example', cwd: PACKAGE_ROOT, outDir: scratch }))
  spark = await SparkDriver.start()
  installWheel(wheel)
  await spark.call('register_packed', { package: 'lakeflow_connector_example' })
}, 600_000)

afterAll(async () => {
  await spark?.stop()
  await simulator?.stop()
  if (scratch) rmSync(scratch, { recursive: true, force: true })
})

const TABLES = ['products', 'users', 'orders', 'events', 'metrics', 'readings']

describe('the example connector through its packed wheel', () => {
  it('registers from the installed wheel, whose bundle runs the connector', async () => {
    const registered = await spark.call<{ file: string; module: string }>('register_packed', {
      package: 'lakeflow_connector_example',
    })
    expect(registered.module).toBe('lakeflow_connector_example.source')
    expect(registered.file).toMatch(/site-packages\/lakeflow_connector_example\/__init__\.py$/)
  })

  it.each(TABLES)('batch read of %s equals the connector read through core converter', async (table) => {
    const [result, expected] = await Promise.all([
      spark.call<{ rows: unknown[] }>('batch', { options: { tableName: table, ...exampleOptions(url) } }),
      exampleRows(url, table),
    ])
    expect(expected.length).toBeGreaterThan(0)
    const schema = await example.create(exampleOptions(url)).getTableSchema(table, {})
    const keys = [Object.keys(schema.fields)[0]!]
    expect(sortBy(result.rows, keys)).toEqual(sortBy(expected, keys))
  })

  it('reads the partitioned readings table on several tasks', async () => {
    const result = await spark.call<{ partitions: number[] }>('batch', {
      options: { tableName: 'readings', num_partitions: '3', ...exampleOptions(url) },
      partition_ids: true,
    })
    expect(new Set(result.partitions)).toEqual(new Set([0, 1, 2]))
  })

  it('serves _community_table_metadata as readTableMetadata does', async () => {
    const result = await spark.call<{ rows: unknown[] }>('batch', {
      options: {
        tableName: '_community_table_metadata',
        tableNameList: JSON.stringify(TABLES),
        ...exampleOptions(url),
      },
    })
    const connector = example.create(exampleOptions(url))
    const expected = await Promise.all(
      TABLES.map(async (tableName) => {
        const metadata = await connector.readTableMetadata(tableName, {})
        return {
          tableName,
          primary_keys: metadata.primary_keys ?? null,
          cursor_field: metadata.cursor_field ?? null,
          ingestion_type: metadata.ingestion_type,
        }
      }),
    )
    expect(result.rows).toEqual(expected)
  })
})

describe('Spark JSON schemas', () => {
  it('StructType.fromJson(json).json() gives back core toSparkJson byte for byte', async () => {
    const golden = Spark.table({
      'dotted.name': Spark.string({ description: 'Non-ASCII comment: café ☃ "quoted"' }),
      nested: Spark.struct({
        list: Spark.array(Spark.map(Spark.string({ nullable: false }), Spark.decimal(38, 18), { nullable: false })),
        deep: Spark.struct({ when: Spark.timestampNtz({ nullable: false }), bits: Spark.binary() }),
      }),
      v: Spark.variant(),
      small: Spark.byte({ nullable: false }),
      half: Spark.short(),
      f: Spark.float(),
      d: Spark.date(),
    })
    const schemas: TableSchema[] = [golden]
    const exampleConnector = example.create(exampleOptions(url))
    for (const table of TABLES) schemas.push(await exampleConnector.getTableSchema(table, {}))
    const shopConnector = shop.create({ base_url: url })
    for (const table of await shopConnector.listTables()) schemas.push(await shopConnector.getTableSchema(table, {}))
    const texts = schemas.map((schema) => toSparkJson(schema))
    expect(await spark.call<string[]>('struct_roundtrip', { schemas: texts })).toEqual(texts)
  })
})

describe('one pipeline spec, two runners', () => {
  it('the DuckDB runner and Spark (generated pipeline file, local flows) give identical tables', async () => {
    const specText = [
      'connection_name: example',
      'objects:',
      '  - table: { source_table: products }',
      '  - table: { source_table: users, table_configuration: { max_records_per_batch: 40 } }',
      '  - table: { source_table: orders, destination_table: orders_copy }',
      '  - table: { source_table: events, table_configuration: { limit: 100 } }',
      '',
    ].join('\n')
    const specFile = join(scratch, 'example_spec.yaml')
    writeFileSync(specFile, specText)
    const { file } = await packPipeline({ spec: specFile, connector: 'example', outDir: scratch })
    const duckFile = join(scratch, 'example.duckdb')
    const targets = { products: 'product_id', users: 'user_id', orders_copy: 'order_id', events: 'event_id' }

    const runBoth = async () => {
      // Closed before the file is opened again below: an open destination still holds it.
      const destination = new DuckDbDestination({ file: duckFile })
      const report = await runPipeline({
        spec: parsePipelineSpecText(specText, specFile),
        pipeline: 'example-spark-compare',
        connector: example,
        connectorOptions: exampleOptions(url),
        destination,
      }).finally(() => destination.close())
      expect(report.tables.map((table) => [table.sourceTable, table.status])).toEqual([
        ['products', 'succeeded'],
        ['users', 'succeeded'],
        ['orders', 'succeeded'],
        ['events', 'succeeded'],
      ])
      const { tables: sparkTables } = await spark.call<{ tables: Record<string, unknown[]> }>('pipeline_file', {
        file,
        root: join(scratch, 'lakehouse'),
        package: 'lakeflow_connector_example',
        connection_options: exampleOptions(url),
        targets: Object.keys(targets),
      })
      const instance = await DuckDBInstance.create(duckFile)
      const connection = await instance.connect()
      for (const [table, key] of Object.entries(targets)) {
        const parquet = join(scratch, `${table}-${Date.now()}.parquet`)
        await connection.run(`COPY ${table} TO '${parquet}' (FORMAT parquet)`)
        const duck = await spark.call<unknown[]>('read_parquet', { path: parquet })
        expect(duck.length, table).toBeGreaterThan(0)
        expect(sortBy(sparkTables[table]!, [key]), table).toEqual(sortBy(duck, [key]))
      }
      connection.closeSync()
      instance.closeSync()
    }

    await runBoth()
    simulator.clock.advance(3600)
    simulator.data.insert('users', {
      user_id: 900_001,
      email: 'late@example.com',
      display_name: 'late',
      status: 'active',
      address: { city: 'Porto', country: 'PT' },
      signup_date: '2024-06-01',
    })
    const order = simulator.data.records('orders')[3]!
    simulator.data.update('orders', { order_id: order.order_id }, { status: 'shipped' })
    simulator.clock.advance(60)
    simulator.data.delete('orders', { order_id: simulator.data.records('orders')[5]!.order_id })
    simulator.data.insert('events', {
      event_id: 'evt_late_0001',
      event_type: 'click',
      user_id: 1,
      properties: { path: '/late', referrer: 'direct' },
    })
    const product = simulator.data.records('products')[0]!
    simulator.data.update('products', { product_id: product.product_id }, { price: 1.25 })
    await runBoth()
  }, 600_000)
})
