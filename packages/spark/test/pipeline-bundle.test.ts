import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { createSimulator, type Simulator } from '@lakeflow/simulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensurePythonEnv, PACKAGE_ROOT } from '../scripts/python-env.ts'
import { type PackResult, packConnector, volumeWheelPath, writePipelineBundle } from '../src/index.ts'
import { QUALITY_SPEC, qualityCorpus } from './fixtures/quality-source.ts'
import { installWheelTo } from './support/commands.ts'
import { exampleOptions, exampleRows, sortBy, startExample } from './support/example.ts'
import { bridgeCommand, SparkCommandError, SparkDriver } from './support/spark-driver.ts'

const QUALITY_CONNECTOR = new URL('./fixtures/quality-connector.ts', import.meta.url).pathname
const VOLUME = '/Volumes/main/lakeflow/connectors'

interface Report {
  [view: string]: {
    expectations: Record<string, { condition: string; action: string; passed_records: number; failed_records: number }>
    dropped_records: number
  }
}

let scratch: string
let spark: SparkDriver
let packed: PackResult
let example: { simulator: Simulator; url: string }
let quality: { simulator: Simulator; url: string }

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'lakeflow-bundle-'))
  packed = await packConnector({ connector: 'example', cwd: PACKAGE_ROOT, to: join(scratch, 'volume') })
  const site = join(scratch, 'site')
  installWheelTo(packed.wheel, site)
  example = await startExample()
  const simulator = createSimulator({ spec: QUALITY_SPEC, corpus: qualityCorpus() })
  quality = { simulator, url: await simulator.start() }
  spark = await SparkDriver.start({ PYTHONPATH: site })
}, 600_000)

afterAll(async () => {
  await spark?.stop()
  await example?.simulator.stop()
  await quality?.simulator.stop()
  if (scratch) rmSync(scratch, { recursive: true, force: true })
})

const contactsSpec = (expectations?: unknown) => ({
  connection_name: 'quality',
  objects: [{ table: { source_table: 'contacts', ...(expectations ? { expectations } : {}) } }],
})

const ingest = (name: string, spec: unknown) =>
  spark.call<{ tables: Record<string, { id: number | null }[] | null>; expectations: Report }>('ingest', {
    connector: 'quality',
    command: bridgeCommand(QUALITY_CONNECTOR),
    spec,
    root: join(scratch, name),
    connection_options: { base_url: quality.url },
    targets: ['contacts'],
  })

describe('expectations from table metadata, honoured by LocalPipeline', () => {
  it('drops and counts a row without a primary key and one without a cursor; a spec expectation warns', async () => {
    const result = await ingest('quality-warn', contactsSpec({ valid_email: "email LIKE '%@%'" }))
    const ids = result.tables.contacts!.map((row) => row.id).sort()
    expect(ids).toEqual([1, 4, 5])
    expect(result.expectations).toEqual({
      source_contacts_upsert: {
        expectations: {
          primary_key_id_not_null: {
            condition: '`id` IS NOT NULL',
            action: 'drop',
            passed_records: 4,
            failed_records: 1,
          },
          cursor_updated_at_not_null: {
            condition: '`updated_at` IS NOT NULL',
            action: 'drop',
            passed_records: 4,
            failed_records: 1,
          },
          valid_email: { condition: "email LIKE '%@%'", action: 'warn', passed_records: 4, failed_records: 1 },
        },
        dropped_records: 2,
      },
    })
  }, 300_000)

  it('a spec expectation with action drop removes its rows too; fail stops the run naming it', async () => {
    const dropped = await ingest(
      'quality-drop',
      contactsSpec({ valid_email: { condition: "email LIKE '%@%'", action: 'drop' } }),
    )
    expect(dropped.tables.contacts!.map((row) => row.id).sort()).toEqual([1, 5])
    expect(dropped.expectations.source_contacts_upsert!.dropped_records).toBe(3)
    // id 1 fails `id >= 3`, and so does the row without an id (a null condition is a failure).
    const failed = await ingest(
      'quality-fail',
      contactsSpec({ high_ids: { condition: 'id >= 3', action: 'fail' } }),
    ).catch((error) => error)
    expect(failed).toBeInstanceOf(SparkCommandError)
    expect(failed.message).toMatch(
      /Expectation high_ids of source_contacts_upsert failed on 2 row\(s\); the update stops \(action fail\)/,
    )
    const clash = await ingest('quality-clash', contactsSpec({ primary_key_id_not_null: 'id > 0' })).catch(
      (error) => error,
    )
    expect(clash.message).toBe(
      "ValueError: Table 'contacts': expectation names ['primary_key_id_not_null'] are reserved for the generated key checks",
    )
  }, 300_000)
})

describe('lakeflow pack --pipeline --bundle', () => {
  let bundleDir: string
  let settings: {
    libraries: unknown[]
    configuration: Record<string, string>
    [key: string]: unknown
  }
  let transformations: string

  beforeAll(async () => {
    const spec = join(scratch, 'shop.yaml')
    writeFileSync(
      spec,
      [
        'connection_name: example_conn',
        'objects:',
        '  - table:',
        '      source_table: products',
        '      expectations: { has_sku: "sku IS NOT NULL" }',
        '  - table: { source_table: users }',
        '  - table: { source_table: orders, destination_schema: sales }',
        '  - table:',
        '      source_table: events',
        '      table_configuration: { limit: 100 }',
        "      expectations: { known_type: { condition: \"event_type IN ('click', 'page_view', 'purchase', 'signup')\" } }",
        '',
      ].join('\n'),
    )
    bundleDir = join(scratch, 'bundle')
    const bundle = await writePipelineBundle({
      spec,
      connector: 'example',
      cwd: PACKAGE_ROOT,
      wheel: volumeWheelPath(VOLUME, 'lakeflow_connector_example-0.1.0-py3-none-any.whl'),
      directory: bundleDir,
      catalog: 'main',
      schema: 'raw',
    })
    expect(bundle).toEqual({
      directory: bundleDir,
      settings: join(bundleDir, 'pipeline.json'),
      transformations: join(bundleDir, 'transformations', 'shop_ingest.py'),
      utilities: join(bundleDir, 'utilities', 'shop_spec.py'),
    })
    settings = JSON.parse(readFileSync(bundle.settings, 'utf8'))
    transformations = readFileSync(bundle.transformations, 'utf8')
  }, 120_000)

  it('lays out pipeline.json, transformations/ and utilities/ as plain Python files', () => {
    const files = (directory: string): string[] =>
      readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? files(join(directory, entry.name)) : [relative(bundleDir, join(directory, entry.name))],
      )
    expect(files(bundleDir).sort()).toEqual([
      'pipeline.json',
      'transformations/shop_ingest.py',
      'utilities/shop_spec.py',
    ])
    for (const file of ['transformations/shop_ingest.py', 'utilities/shop_spec.py']) {
      const source = readFileSync(join(bundleDir, file), 'utf8')
      expect(source, file).not.toMatch(/^\s*[%!]|# MAGIC|# COMMAND|Databricks notebook source|dlt\.read/m)
      execFileSync(ensurePythonEnv().python, ['-m', 'py_compile', join(bundleDir, file)])
    }
    expect(transformations).toContain('from lakeflow_connector_example import ingest, register')
    expect(transformations).toContain('from utilities.shop_spec import PIPELINE_SPEC')
    expect(readFileSync(join(bundleDir, 'utilities', 'shop_spec.py'), 'utf8')).toContain(
      "\"known_type\": {\n                        \"condition\": \"event_type IN ('click', 'page_view', 'purchase', 'signup')\",",
    )
  })

  it('pins the wheel in the volume and declares every configuration key the transformations read, with its default', () => {
    const root = '/Workspace/Shared/lakeflow/shop'
    expect(settings).toEqual({
      name: 'shop',
      edition: 'ADVANCED',
      catalog: 'main',
      schema: 'raw',
      root_path: root,
      libraries: [
        { whl: `${VOLUME}/lakeflow_connector_example/lakeflow_connector_example-0.1.0-py3-none-any.whl` },
        { glob: { include: `${root}/transformations/**` } },
      ],
      configuration: {
        'lakeflow.connection_name': 'example_conn',
        'lakeflow.secret_scope': '',
        'lakeflow.node_path': '',
        'lakeflow.catalog': 'main',
        'lakeflow.schema': 'raw',
        'lakeflow.connector_volume': `${VOLUME}/lakeflow_connector_example`,
        'lakeflow.option.base_url': '',
        'lakeflow.option.username': '',
        'lakeflow.secret.password': '',
        'lakeflow.secret.token': '',
        'lakeflow.option.timeout_ms': '30000',
        'lakeflow.option.max_requests_per_second': '1000',
      },
    })
    // Read back from the Python source: every spark.conf.get(key, default) is configured, and nothing else.
    const reads = [...transformations.matchAll(/spark\.conf\.get\(("[^"]*"), ("[^"]*")\)/g)].map((match) => [
      JSON.parse(match[1]!),
      JSON.parse(match[2]!),
    ])
    expect(Object.fromEntries(reads)).toEqual(settings.configuration)
    expect(reads).toHaveLength(Object.keys(settings.configuration).length)
    expect(transformations.match(/spark\.conf\.get/g)).toHaveLength(reads.length)
  })

  it('runs on LocalPipeline with options from the configuration and the password from a secret scope', async () => {
    const password = exampleOptions(example.url).password!
    const targets = [
      '`main`.`raw`.`products`',
      '`main`.`raw`.`users`',
      '`main`.`sales`.`orders`',
      '`main`.`raw`.`events`',
    ]
    const result = await spark.call<{ tables: Record<string, Record<string, unknown>[]>; expectations: Report }>(
      'pipeline_file',
      {
        file: join(bundleDir, 'transformations', 'shop_ingest.py'),
        path: bundleDir,
        root: join(scratch, 'lakehouse'),
        package: 'lakeflow_connector_example',
        secrets: { 'lakeflow-example': { 'example-password': password } },
        conf: {
          'lakeflow.connection_name': '',
          'lakeflow.secret_scope': 'lakeflow-example',
          'lakeflow.secret.password': 'example-password',
          'lakeflow.option.base_url': example.url,
          'lakeflow.option.username': exampleOptions(example.url).username!,
          'lakeflow.connector_volume': packed.volume!.directory,
        },
        targets,
      },
    )
    const keys = { products: 'product_id', users: 'user_id', orders: 'order_id', events: 'event_id' } as const
    for (const [target, table] of targets.map((name, index) => [name, Object.keys(keys)[index]!] as const)) {
      const key = keys[table as keyof typeof keys]
      const expected = await exampleRows(example.url, table, table === 'events' ? { limit: '100' } : {})
      const got = sortBy(result.tables[target]!, [key]).map((row) => row[key])
      const source = sortBy(expected, [key]).map((row) => (row as Record<string, unknown>)[key])
      expect(got.length, target).toBeGreaterThan(0)
      // Orders applies the source's deletes as well: what is left is a subset.
      if (table === 'orders') expect(source, target).toEqual(expect.arrayContaining(got))
      else expect(got, target).toEqual(source)
    }
    const declared = Object.fromEntries(
      Object.entries(result.expectations).map(([view, report]) => [view, Object.keys(report.expectations).sort()]),
    )
    expect(declared).toEqual({
      source_products_snapshot: ['has_sku', 'primary_key_product_id_not_null'],
      source_users_upsert: ['cursor_updated_at_not_null', 'primary_key_user_id_not_null'],
      source_orders_upsert: ['cursor_updated_at_not_null', 'primary_key_order_id_not_null'],
      source_orders_delete: ['cursor_updated_at_not_null', 'primary_key_order_id_not_null'],
      source_events_append: ['known_type', 'primary_key_event_id_not_null'],
    })
    // Every row was checked and none dropped: the keys and cursors are all there. Events
    // without a type fail the spec's warn-only expectation: counted, and kept.
    const untyped = (await exampleRows(example.url, 'events', { limit: '100' })).filter(
      (row) => (row as { event_type: unknown }).event_type === null,
    ).length
    expect(untyped).toBeGreaterThan(0)
    for (const [view, report] of Object.entries(result.expectations)) {
      expect(report.dropped_records, view).toBe(0)
      for (const [name, counts] of Object.entries(report.expectations))
        expect(counts.failed_records, `${view} ${name}`).toBe(name === 'known_type' ? untyped : 0)
    }
    const products = result.tables['`main`.`raw`.`products`']!.length
    const events = result.tables['`main`.`raw`.`events`']!.length
    expect(result.expectations.source_products_snapshot!.expectations.has_sku).toMatchObject({
      passed_records: products,
      failed_records: 0,
    })
    expect(result.expectations.source_events_append!.expectations.known_type).toEqual({
      condition: "event_type IN ('click', 'page_view', 'purchase', 'signup')",
      action: 'warn',
      passed_records: events - untyped,
      failed_records: untyped,
    })
    expect(JSON.stringify(settings)).not.toContain(password)
    expect(transformations).not.toContain(password)
  }, 600_000)
})
