import { readFileSync } from 'node:fs'
import type { Simulator } from '@lakeflow/simulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BRIDGE_VERSION, PROTOCOL_VERSION } from '../src/index.ts'
import { BridgeClient } from './support/bridge-client.ts'
import { expectedRows, startShop } from './support/shop.ts'
import { SHOP_CONNECTOR } from './support/spark-driver.ts'

let simulator: Simulator
let url: string
let bridge: BridgeClient

beforeAll(async () => {
  ;({ simulator, url } = await startShop(2500))
  bridge = new BridgeClient(SHOP_CONNECTOR)
})

afterAll(async () => {
  await bridge?.close()
  await simulator?.stop()
})

describe('the bridge protocol (a real lakeflow-bridge process)', () => {
  it('answers hello with the protocol version, bridge version and connector', async () => {
    const { message } = await bridge.call('hello')
    expect(message).toMatchObject({
      type: 'result',
      result: {
        protocol: PROTOCOL_VERSION,
        bridgeVersion: BRIDGE_VERSION,
        node: process.version,
        connector: { name: 'shop', packageName: '@lakeflow/spark-test-shop', version: '0.0.0' },
      },
    })
    const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
    expect(BRIDGE_VERSION).toBe(packageJson.version)
  })

  it('describes a table: Spark JSON schema and capabilities', async () => {
    const { message } = await bridge.call('describe', { options: { base_url: url }, tableName: 'readings' })
    expect(message.type).toBe('result')
    const result = (message as { result: Record<string, unknown> }).result
    expect(result).toMatchObject({ partitions: true, partitionedStream: true, deletes: true, namespaces: false })
    expect(JSON.parse(result.schema as string).fields.map((field: { name: string }) => field.name)).toEqual([
      'id',
      'sensor',
      'value',
      'updated_at',
    ])
    const orders = await bridge.call('describe', { options: { base_url: url }, tableName: 'orders' })
    expect((orders.message as { result: Record<string, unknown> }).result.partitionedStream).toBe(false)
  })

  it('streams a read as Arrow batches of the requested size, then the end offset', async () => {
    const { batches, message } = await bridge.call('read', {
      options: { base_url: url },
      tableName: 'readings',
      kind: 'table',
      start: {},
      batchRows: 1000,
    })
    expect(batches.map((batch) => batch.numRows)).toEqual([1000, 1000, 500])
    expect(message).toEqual({
      id: expect.any(Number),
      type: 'end',
      result: { offset: { max_id: 2500 }, rows: 2500, batches: 3 },
    })
    const ids = batches.flatMap((batch) => [...batch.getChild('id')!].map(Number))
    expect(ids).toEqual(Array.from({ length: 2500 }, (_, index) => index + 1))
    const expected = await expectedRows(url, 'readings', { start: {} })
    const values = batches.flatMap((batch) => [...batch.getChild('value')!])
    expect(values).toEqual(expected.rows.map((row) => (row as { value: number }).value))
  })

  it('returns typed errors with name, category and a redacted message', async () => {
    const { message } = await bridge.call('read', {
      options: { base_url: url, token: 'sekret-token-123' },
      tableName: 'nope',
      kind: 'table',
    })
    expect(message).toMatchObject({
      type: 'error',
      error: { name: 'UnknownTableError', category: 'config', message: expect.stringContaining('"nope"') },
    })
    const version = await bridge.call('hello', {}, 99)
    expect(version.message).toMatchObject({
      type: 'error',
      error: { message: expect.stringMatching(/protocol version 99/) },
    })
    const unknown = await bridge.call('frobnicate')
    expect(unknown.message).toMatchObject({ type: 'error', error: { message: 'Unknown bridge method "frobnicate"' } })
  })

  it('cancels a read: the end says cancelled and the process keeps serving', async () => {
    // Every page takes 200 ms, so the whole read takes seconds: cancel once its first request
    // is at the source; the bridge stops at the next record it sees.
    simulator.inject({ fault: { kind: 'slow', delayMs: 200 }, match: { path: '/readings' } })
    const before = simulator.requests.length
    const id = bridge.peekId()
    const pending = bridge.call('read', { options: { base_url: url }, tableName: 'readings', kind: 'table', start: {} })
    while (!simulator.requests.slice(before).some((request) => request.path === '/readings')) {
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    bridge.sendRaw(JSON.stringify({ v: PROTOCOL_VERSION, id: 0, method: 'cancel', params: { id } }))
    const { message } = await pending
    simulator.clearFaults()
    expect(message).toMatchObject({ type: 'end', result: { cancelled: true } })
    expect((await bridge.call('listTables', { options: { base_url: url } })).message).toMatchObject({
      result: ['products', 'orders', 'readings', 'kinds', 'crash'],
    })
  })

  it('keeps stray stdout writes out of the frame stream', async () => {
    const noisy = new BridgeClient(new URL('./fixtures/noisy-connector.ts', import.meta.url).pathname)
    const { batches, message } = await noisy.call('read', { options: {}, tableName: 'noise', kind: 'table' })
    expect(message).toMatchObject({ type: 'end', result: { rows: 2 } })
    expect(batches[0]!.numRows).toBe(2)
    await noisy.close()
    expect(noisy.stderr).toContain('console.log from a connector')
  })

  it('exits when its stdin closes (the Python worker went away)', async () => {
    const short = new BridgeClient(SHOP_CONNECTOR)
    await short.call('hello')
    expect(await short.close()).toBe(0)
    expect(short.stderr).toContain('input closed; exiting')
  })
})
