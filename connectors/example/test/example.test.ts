/**
 * The example's own behaviour, beyond the contract suite: option errors, the windowed
 * table's first record and jumps over empty time, the init-time cap, snapshot offsets,
 * bearer auth and partition shapes. Against the simulated API on 127.0.0.1.
 */
import { collectRead, drainRead, type LakeflowConnector } from '@lakeflow/core/connector'
import { InvalidOptionsError } from '@lakeflow/core/errors'
import { parseOptions } from '@lakeflow/core/options'
import { createSimulator, type Simulator } from '@lakeflow/simulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connector, createExampleConnector, ExampleOptions, exampleRateBudget } from '../src/index.ts'
import { exampleSimulator } from './example-test-config.ts'

let simulator: Simulator
let baseUrl: string
const credentials = { username: 'simulator-user', password: 'simulator-fake-password' }
const create = (extra: Record<string, unknown> = {}): LakeflowConnector =>
  connector.create({ base_url: baseUrl, ...credentials, ...extra })
const optionsError = (call: () => unknown): InvalidOptionsError => {
  try {
    call()
  } catch (error) {
    if (InvalidOptionsError.isInstance(error)) return error
    throw error
  }
  throw new Error('expected an InvalidOptionsError')
}

beforeAll(async () => {
  simulator = createSimulator({ ...exampleSimulator, now: new Date().toISOString() })
  baseUrl = await simulator.start()
})
afterAll(() => simulator.stop())

describe('connection options', () => {
  it('names the offending key, with what was expected', () => {
    expect(optionsError(() => connector.create(credentials)).key).toBe('base_url')
    expect(optionsError(() => connector.create({ base_url: 'ftp://host', ...credentials })).key).toBe('base_url')
    expect(optionsError(() => connector.create({ base_url: baseUrl, username: 'u' })).message).toMatch(
      /"password".*required with username/,
    )
    expect(
      optionsError(() => connector.create({ base_url: baseUrl, token: 'token-1', username: 'u' })).message,
    ).toMatch(/either token .* not both/)
    expect(optionsError(() => connector.create({ base_url: baseUrl })).key).toBe('username')
    expect(optionsError(() => create({ passwd: 'x' })).message).toMatch(/did you mean "password"/)
    expect(optionsError(() => create({ max_requests_per_second: '0' })).message).toMatch(
      /"max_requests_per_second".*expected a number > 0, got 0/,
    )
    expect(optionsError(() => create({ max_requests_per_second: 5000 })).message).toMatch(
      /"max_requests_per_second".*expected a number <= 1000, got 5000/,
    )
  })

  it('shares one request budget per API and user across instances, at the configured rate', () => {
    const options = (extra: Record<string, unknown>) =>
      parseOptions(ExampleOptions, { base_url: baseUrl, ...credentials, ...extra }, 'connector example')
    const budget = exampleRateBudget(options({ max_requests_per_second: '12.5' }))
    expect(budget).toMatchObject({ requestsPerSecond: 12.5, burst: 10 })
    expect(exampleRateBudget(options({ max_requests_per_second: '12.5' }))).toBe(budget)
    expect(exampleRateBudget(options({}))).toMatchObject({ requestsPerSecond: 1000 })
    expect(exampleRateBudget(options({ max_requests_per_second: '12.5', username: 'someone-else' }))).not.toBe(budget)
  })

  it('never shows a secret in an error', () => {
    const error = optionsError(() => connector.create({ base_url: baseUrl, username: 'u', password: 12345 }))
    expect(error.key).toBe('password')
    expect(error.message).not.toContain('12345')
  })

  it('validates table options when a read starts', () => {
    const example = create()
    expect(optionsError(() => example.readTable('metrics', {}, { window_seconds: '0' })).key).toBe('window_seconds')
    expect(optionsError(() => example.readTable('metrics', {}, { start_timestamp: 'yesterday' })).key).toBe(
      'start_timestamp',
    )
    // Another table's key (products takes category) is ignored; a key no table takes is refused.
    expect(() => example.readTable('users', {}, { category: 'toys' })).not.toThrow()
    expect(optionsError(() => example.readTable('users', {}, { categroy: 'toys' })).message).toMatch(
      /unknown option, no table of connector example takes it; did you mean "category"\?/,
    )
    expect(optionsError(() => example.readTable('orders', {}, { status: 'paid;drop' })).key).toBe('status')
  })
})

describe('reads', () => {
  it('metrics: the first window emits the very first record (upstream skipped it)', async () => {
    const { records, offset } = await collectRead(create().readTable('metrics', {}, { window_seconds: '60' }))
    expect(records[0]?.metric_id).toBe(1)
    expect(records.map((record) => record.metric_id)).toEqual([1, 2])
    expect(offset).toEqual({ cursor: '2024-05-02T00:01:00.000Z' })
  })

  it('metrics: an empty stretch of time is jumped over in one call', async () => {
    const { records } = await collectRead(
      create().readTable('metrics', {}, { start_timestamp: '2020-01-01T00:00:00Z', window_seconds: '600' }),
    )
    expect(records.length).toBe(11)
  })

  it('users: reads stop at the init-time cap, then return the offset unchanged', async () => {
    const cap = new Date('2024-05-01T00:10:00.000Z')
    const example = createExampleConnector(
      parseOptions(ExampleOptions, { base_url: baseUrl, ...credentials }, 'test'),
      { now: cap },
    )
    const first = await collectRead(example.readTable('users', {}, {}))
    expect(first.records.every((record) => String(record.updated_at) <= cap.toISOString())).toBe(true)
    expect(first.records).toHaveLength(11) // minutes 0–10; the two users of minute 11 come later
    const again = await collectRead(example.readTable('users', first.offset ?? null, {}))
    expect(again.records).toEqual([])
    expect(again.offset).toEqual(first.offset)
  })

  it('products: a snapshot per instance, filtered by category', async () => {
    const example = create()
    const snapshot = await collectRead(example.readTable('products', null, {}))
    expect(snapshot.records).toHaveLength(53)
    expect(Object.keys(snapshot.offset ?? {})).toEqual(['snapshot_at'])
    expect((await collectRead(example.readTable('products', snapshot.offset ?? null, {}))).records).toEqual([])
    const toys = await collectRead(example.readTable('products', null, { category: 'toys' }))
    expect(toys.records.length).toBeGreaterThan(0)
    expect(toys.records.every((record) => record.category === 'toys')).toBe(true)
  })

  it('accepts a bearer token instead of username and password', async () => {
    const { count } = await drainRead(
      connector.create({ base_url: baseUrl, token: 'simulator-token' }).readTable('events', {}, {}),
    )
    expect(count).toBe(101)
  })

  it('readings: partitions are contiguous ranges that split the table', async () => {
    const example = create() as LakeflowConnector & { getPartitions: Function; readPartition: Function }
    const partitions = await example.getPartitions('readings', { num_partitions: '3' })
    expect(partitions).toHaveLength(3)
    expect(partitions[0].since).toBeNull()
    expect(partitions[1].since).toBe(partitions[0].until)
    let total = 0
    for (const partition of partitions) for await (const _ of example.readPartition('readings', partition, {})) total++
    expect(total).toBe(90)
  })
})
