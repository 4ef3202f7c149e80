// Table options through the real bridge protocol (a lakeflow-bridge process): a pipeline
// spec's shared table_configuration reaches every table, each table ignores what another
// table takes, unknown keys are refused, and sessions never mix up two calls' table options.
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BridgeClient, type CallOutcome } from './support/bridge-client.ts'

const ECHO_CONNECTOR = new URL('./fixtures/options-connector.ts', import.meta.url).pathname

let bridge: BridgeClient

beforeAll(() => {
  bridge = new BridgeClient(ECHO_CONNECTOR, { env: { LAKEFLOW_DEBUG: '1' } })
})

afterAll(async () => {
  await bridge?.close()
})

function texts(outcome: CallOutcome): string[] {
  expect(outcome.message.type, JSON.stringify(outcome.message)).toBe('end')
  return outcome.batches.flatMap((batch) => [...batch.getChild('text')!].map(String))
}

const read = (options: Record<string, string>, tableName = 'greetings', instance?: string) =>
  bridge.call('read', { options, tableName, kind: 'table', start: null, ...(instance ? { instance } : {}) })

describe('one table_configuration for every table (as upstream specs write it)', () => {
  // What Spark passes for one table of such a spec: connection options, framework keys
  // (lower-cased by Spark), and the same configuration every table got.
  const shared = {
    label: '> ',
    tablename: 'greetings',
    isdeleteflow: 'false',
    scd_type: 'SCD_TYPE_2',
    greeting: 'hi',
    count: '1',
    farewell: 'ciao',
    start_date: '2024-01-01',
  }

  it('each table reads its own keys and ignores the ones another table takes', async () => {
    expect(texts(await read(shared, 'greetings'))).toEqual(['> hi 1'])
    expect(texts(await read({ ...shared, tablename: 'farewells' }, 'farewells'))).toEqual(['> ciao since 2024-01-01'])
    expect(texts(await read(shared, 'greetings'))).toEqual(['> hi 1'])
  })

  it('notes each ignored key once at debug level (LAKEFLOW_DEBUG)', async () => {
    const notes = () => bridge.stderr.split('\n').filter((line) => line.startsWith('lakeflow debug: table '))
    // stderr is its own pipe: wait for the notes the reads wrote before their results.
    await bridge.stderrUntil(() => notes().length >= 4)
    expect(notes().sort()).toEqual([
      'lakeflow debug: table farewells of connector echo ignores option "count" (another table of the connector takes it)',
      'lakeflow debug: table farewells of connector echo ignores option "greeting" (another table of the connector takes it)',
      'lakeflow debug: table greetings of connector echo ignores option "farewell" (another table of the connector takes it)',
      'lakeflow debug: table greetings of connector echo ignores option "start_date" (another table of the connector takes it)',
    ])
  })

  it('refuses a key no table knows, suggesting the closest one', async () => {
    const { message } = await read({ ...shared, gretting: 'hey' })
    expect(message).toMatchObject({
      type: 'error',
      error: {
        name: 'InvalidOptionsError',
        category: 'config',
        message:
          'Invalid option "gretting" for table greetings of connector echo: unknown option, no table of connector echo takes it; did you mean "greeting"? This table takes: greeting, count',
      },
    })
  })
})

describe('sessions', () => {
  it('a call with the same instance and connection options but other table options reads with its own', async () => {
    const instance = 'reader-1'
    expect(texts(await read({ label: '', count: '1' }, 'greetings', instance))).toEqual(['hello 1'])
    expect(texts(await read({ label: '', count: '3', greeting: 'hey' }, 'greetings', instance))).toEqual([
      'hey 1',
      'hey 2',
      'hey 3',
    ])
    // Back to the first options: the first session again, still with its own options.
    expect(texts(await read({ label: '', count: '1' }, 'greetings', instance))).toEqual(['hello 1'])
    const described = await bridge.call('describe', {
      options: { label: '', count: '5' },
      tableName: 'greetings',
      instance,
    })
    expect(described.message.type).toBe('result')
  })
})

describe('connector names (the rule every runner shares)', () => {
  const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url))

  it.each([
    ['connector-example', REPO_ROOT],
    ['@lakeflow/connector-example', REPO_ROOT],
    ['./connectors/example', REPO_ROOT],
    ['example', join(REPO_ROOT, 'packages', 'spark')],
  ])('lakeflow-bridge --connector %s (from %s) serves the example connector', async (name, cwd) => {
    const client = new BridgeClient(name, { cwd })
    try {
      const { message } = await client.call('hello')
      expect(message, client.stderr).toMatchObject({
        type: 'result',
        result: { connector: { name: 'example', packageName: '@lakeflow/connector-example' } },
      })
    } finally {
      await client.close()
    }
  })
})
