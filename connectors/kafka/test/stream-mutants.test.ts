/**
 * The stream checks' mutant gallery: Kafka connectors with one offset defect each, run
 * through the stream checks against the same broker fixture, which must fail them.
 */
import type { ConnectorDefinition, LakeflowConnector, Offset, TableRead } from '@lakeflow/core/connector'
import { createSuite, streamChecks } from '@lakeflow/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connector } from '../src/index.ts'
import { kafkaFixture } from './support/fixture.ts'

/** The connector with `readTable` replaced. */
function mutant(
  name: string,
  readTable: (
    inner: LakeflowConnector,
    table: string,
    start: Offset | null,
    options: Record<string, string>,
  ) => TableRead,
): ConnectorDefinition {
  return {
    ...connector,
    name,
    create(options) {
      const inner = connector.create(options)
      return Object.assign(Object.create(Object.getPrototypeOf(inner)), inner, {
        readTable: (table: string, start: Offset | null, tableOptions: Record<string, string>) =>
          readTable(inner, table, start, tableOptions),
        close: () => inner.close?.(),
        listTables: () => inner.listTables(),
        getTableSchema: (table: string, tableOptions: Record<string, string>) =>
          inner.getTableSchema(table, tableOptions),
        readTableMetadata: (table: string, tableOptions: Record<string, string>) =>
          inner.readTableMetadata(table, tableOptions),
      })
    },
  }
}

const shift = (offset: Offset, by: number): Offset =>
  Object.fromEntries(
    Object.entries(offset).map(([partition, position]) => [partition, Math.max(0, Number(position) + by)]),
  )

const mutants = {
  // an off-by-one in the fetch loop: the first message of every call is dropped, the offset still moves past it
  dropsFirstMessageOfEachCall: mutant('dropsFirstMessageOfEachCall', async function* (inner, table, start, options) {
    const read = inner.readTable(table, start, options)
    let first = true
    for (;;) {
      const step = await read.next()
      if (step.done) return step.value
      if (first) {
        first = false
        continue
      }
      yield step.value
    }
  }),
  // resumes one message before the committed offset: the last message of a call comes twice
  replaysOneMessage: mutant('replaysOneMessage', async function* (inner, table, start, options) {
    const resumed = start && Object.keys(start).length > 0 ? shift(start, -1) : start
    const end = (yield* inner.readTable(table, resumed, options)) as Offset
    return start && JSON.stringify(end) === JSON.stringify(resumed) ? start : end
  }),
}

const fixture = kafkaFixture()
const config = (definition: ConnectorDefinition) => ({
  connector: definition,
  // every suite here shares the one broker; it is stopped once, after the last
  source: { ...fixture, stop: async () => {} },
  options: {},
  tableOptions: { events: { value_format: 'text' }, audit: { value_format: 'json' } },
  batchOption: 'maxOffsetsPerTrigger',
})

beforeAll(() => fixture.start(), 180_000)
afterAll(() => fixture.stop())

describe('stream checks fail their mutants and pass the connector', () => {
  for (const check of streamChecks) {
    it(`${check.id} passes the connector`, async () => {
      const suite = createSuite(config(connector), [check])
      await suite.start()
      expect(await suite.run(check)).toMatchObject({ status: 'passed' })
    }, 180_000)
  }
  for (const [name, definition] of Object.entries(mutants)) {
    it(`stream-exactly-once fails ${name}`, async () => {
      const suite = createSuite(config(definition), streamChecks)
      await suite.start()
      const result = await suite.run(streamChecks[0]!)
      expect(result.status).toBe('failed')
      if (result.status !== 'failed') return
      expect(result.error.message).toMatch(/appended records never committed|committed more than once/)
      expect(result.error.message).toMatch(
        name === 'dropsFirstMessageOfEachCall'
          ? /[1-9]\d* appended records never committed/
          : /[1-9]\d* committed more than once/,
      )
    }, 180_000)
  }
})
