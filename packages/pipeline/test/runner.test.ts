import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createTableConnector, defineConnector, tableFactory } from '@lakeflow/core/connector'
import { SpecVersionError } from '@lakeflow/core/errors'
import { defineOptions } from '@lakeflow/core/options'
import { Spark } from '@lakeflow/core/schema'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ConnectorNotFoundError,
  connectorPackageName,
  DuckDbDestination,
  loadConnector,
  type PipelineEvent,
  parsePipelineSpec,
  runPipeline,
} from '../src/index.ts'
import { connector as futureConnector } from './support/future-connector.ts'
import { queryFile, tempDir } from './support/harness.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
let temp: ReturnType<typeof tempDir>
beforeAll(() => {
  temp = tempDir()
})
afterAll(() => temp.remove())

// A source with no HTTP at all: records generated from the offset (a real connector, not a
// stand-in for one), so the runner's own rules can be pinned down.
const table = tableFactory<{ mode: string }>()
const counter = table({
  name: 'counter',
  schema: Spark.table({ n: Spark.long({ nullable: false }) }),
  metadata: { primary_keys: ['n'], cursor_field: 'n', ingestion_type: 'cdc' },
  async *read(context, start) {
    const from = typeof start?.n === 'number' ? start.n : 0
    if (context.mode === 'endless' || from < 3) {
      yield { n: from + 1 }
      return { n: from + 1 }
    }
    if (context.mode === 'stale') yield { n: 999 }
    return start ?? {}
  },
})
const definition = (mode: string) =>
  defineConnector({
    name: 'counter',
    packageName: '@lakeflow/connector-counter',
    version: '0.0.0',
    description: 'counts',
    options: defineOptions({}),
    create: () => createTableConnector({ name: 'counter', context: { mode }, tables: [counter] }),
  })

async function run(mode: string, maxCalls?: number, settings: { file?: string; groupCommitRows?: number } = {}) {
  const file = settings.file ?? path.join(temp.dir, `${mode}-${Math.random().toString(36).slice(2)}.duckdb`)
  const events: PipelineEvent[] = []
  const destination = new DuckDbDestination({ file, groupCommitRows: settings.groupCommitRows ?? 1 })
  const report = await runPipeline({
    spec: parsePipelineSpec({ connection_name: 'counter', objects: [{ table: { source_table: 'counter' } }] }),
    pipeline: 'p',
    connector: definition(mode),
    connectorOptions: {},
    destination,
    ...(maxCalls ? { maxCalls } : {}),
    onEvent: (event) => events.push(event),
  })
  await destination.close()
  return { report, events, file }
}

describe('runner rules', () => {
  it('reads until the offset comes back unchanged, one commit per call', async () => {
    const { report, file } = await run('finite')
    expect(report.tables[0]).toMatchObject({ status: 'succeeded', rows: 3, batches: 3 })
    expect(await queryFile(file, 'SELECT n::INT AS n FROM counter ORDER BY n')).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }])
  })

  it('a read that reaches the call cap commits every finished call, warns, and the next run continues', async () => {
    // Grouped commits: without the cap handling, the 5 finished calls of the open group were lost.
    const first = await run('endless', 5, { groupCommitRows: 100 })
    expect(first.report.status).toBe('succeeded')
    expect(first.report.tables[0]).toMatchObject({ status: 'succeeded', complete: false, rows: 5, batches: 1 })
    const warning =
      'the upsert read stopped after 5 read calls (the cap, --max-calls); the calls read are kept, and the next sync continues from there'
    expect(first.report.warnings).toEqual([{ table: 'counter', message: warning }])
    expect(first.events).toContainEqual({ type: 'warning', table: 'counter', message: warning })
    expect(await queryFile(first.file, `SELECT offset_json FROM _lakeflow_state WHERE batches > 0`)).toEqual([
      { offset_json: '{"n":5}' },
    ])
    const second = await run('endless', 5, { file: first.file, groupCommitRows: 100 })
    expect(second.report.tables[0]).toMatchObject({ complete: false, rows: 5 })
    expect(
      await queryFile(first.file, 'SELECT min(n)::INT AS low, max(n)::INT AS high, count(*)::INT AS n FROM counter'),
    ).toEqual([{ low: 1, high: 10, n: 10 }])
  })

  it('discards records returned with an unchanged offset, with a warning (as Spark does)', async () => {
    const { report, events } = await run('stale')
    expect(report.tables[0]).toMatchObject({ status: 'succeeded', rows: 3 })
    expect(events.find((event) => event.type === 'warning')).toMatchObject({
      table: 'counter',
      message:
        '1 records returned with an unchanged offset were discarded (as Spark does); a connector must move the offset when it returns records',
    })
  })
})

describe('connector resolution', () => {
  it('maps names to packages and loads path connectors, checking the interface version', async () => {
    expect(connectorPackageName('github')).toBe('@lakeflow/connector-github')
    expect(connectorPackageName('@acme/connector-x')).toBe('@acme/connector-x')
    const loaded = await loadConnector(path.join(here, 'support/shop-connector.ts'))
    expect(futureConnector.name).toBe(loaded.definition.name)
    expect(loaded.definition.name).toBe('shop')
    await expect(loadConnector('./support/future-connector.ts', here)).rejects.toSatisfy(
      (error) =>
        SpecVersionError.isInstance(error) &&
        (error as Error).message.startsWith(
          'Connector "shop" implements specification version "v9", but this framework supports "v1"',
        ),
    )
    await expect(loadConnector('does-not-exist', here)).rejects.toSatisfy((error) =>
      ConnectorNotFoundError.isInstance(error),
    )
  })
})
