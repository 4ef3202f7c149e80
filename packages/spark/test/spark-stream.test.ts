import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Simulator } from '@lakeflow/simulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { byId, expectedRows, startShop } from './support/shop.ts'
import { bridgeCommand, SHOP_CONNECTOR, SparkDriver } from './support/spark-driver.ts'

interface StreamRun {
  batches: { batch_id: number; rows: any[]; partitions?: number[] }[]
  progress: { batchId: number; numInputRows: number; startOffset: string | null; endOffset: string | null }[]
}

let spark: SparkDriver
let simulator: Simulator
let url: string
let scratch: string

beforeAll(async () => {
  ;({ simulator, url } = await startShop())
  scratch = mkdtempSync(join(tmpdir(), 'lakeflow-spark-stream-'))
  spark = await SparkDriver.start()
  await spark.call('register', { connector: 'shop', command: bridgeCommand(SHOP_CONNECTOR) })
}, 600_000)

afterAll(async () => {
  await spark?.stop()
  await simulator?.stop()
  if (scratch) rmSync(scratch, { recursive: true, force: true })
})

let checkpoints = 0
const checkpoint = () => join(scratch, `checkpoint-${++checkpoints}`)

function stream(
  location: string,
  tableName: string,
  extra: Record<string, unknown> = {},
  options: Record<string, string> = {},
) {
  return spark.call<StreamRun>('stream', {
    options: { tableName, base_url: url, ...options },
    checkpoint: location,
    ...extra,
  })
}

const rowsOf = (run: StreamRun) => run.batches.flatMap((batch) => batch.rows)

describe('streaming with Trigger.AvailableNow and a checkpoint', () => {
  it('a restarted query yields exactly the source changes: no loss, no duplicates', async () => {
    const location = checkpoint()
    const first = await stream(location, 'orders')
    const all = await expectedRows(url, 'orders', { start: {} })
    expect(byId(rowsOf(first))).toEqual(byId(all.rows))
    expect(JSON.parse(first.progress.at(-1)!.endOffset!)).toEqual(all.offset)

    simulator.clock.advance(60)
    simulator.data.insert('orders', { id: 2000, customer: 'c9', status: 'open', total: 1, lines: [] })
    simulator.clock.advance(60)
    simulator.data.update('orders', { id: 1003 }, { status: 'refunded' })
    simulator.clock.advance(60)
    simulator.data.insert('orders', { id: 2001, customer: 'c9', status: 'paid', total: 2, lines: null })

    const second = await stream(location, 'orders')
    const changes = await expectedRows(url, 'orders', { start: all.offset })
    expect(changes.rows).toHaveLength(3)
    expect(byId(rowsOf(second))).toEqual(byId(changes.rows))
    expect(rowsOf(second).find((row) => row.id === 1003).status).toBe('refunded')
    expect(JSON.parse(second.progress.at(-1)!.endOffset!)).toEqual(changes.offset)

    const third = await stream(location, 'orders')
    expect(rowsOf(third)).toEqual([])
  })

  it('the delete flow (isDeleteFlow=true) streams tombstones through readTableDeletes', async () => {
    const location = checkpoint()
    expect(rowsOf(await stream(location, 'orders', {}, { isDeleteFlow: 'true' }))).toEqual([])
    simulator.clock.advance(60)
    simulator.data.delete('orders', { id: 1005 })
    simulator.clock.advance(60)
    simulator.data.delete('orders', { id: 1007 })
    const run = await stream(location, 'orders', {}, { isDeleteFlow: 'true' })
    const tombstones = await expectedRows(url, 'orders', { start: {}, deletes: true })
    expect(byId(rowsOf(run))).toEqual(byId(tombstones.rows))
    expect(byId(rowsOf(run)).map((row) => [row.id, row.status, row.customer])).toEqual([
      [1005, null, 'c1'],
      [1007, null, 'c3'],
    ])
  })

  it('partitioned streams read new data on several tasks, and only the new data after a restart', async () => {
    const location = checkpoint()
    const first = await stream(location, 'readings', { partition_ids: true })
    expect(rowsOf(first)).toHaveLength(250)
    expect(new Set(first.batches.flatMap((batch) => batch.partitions))).toEqual(new Set([0, 1, 2]))
    expect(JSON.parse(first.progress.at(-1)!.endOffset!)).toEqual({ max_id: 250 })
    for (let id = 251; id <= 370; id++) simulator.data.insert('readings', { id, sensor: 'new', value: id / 10 })
    const second = await stream(location, 'readings', { partition_ids: true })
    expect(byId(rowsOf(second)).map((row) => row.id)).toEqual(Array.from({ length: 120 }, (_, index) => 251 + index))
    // (250, 350] and (350, 370]: two partitions, two tasks.
    expect(new Set(second.batches.flatMap((batch) => batch.partitions))).toEqual(new Set([0, 1]))
  })

  it('a delete flow on a partitioned table reads deletes, not the table (upstream quirk 10.7 fixed)', async () => {
    const location = checkpoint()
    simulator.clock.advance(60)
    simulator.data.delete('readings', { id: 5 })
    const run = await stream(location, 'readings', {}, { isDeleteFlow: 'true' })
    expect(rowsOf(run)).toEqual([{ id: 5, sensor: null, value: null, updated_at: expect.any(Number) }])
  })
})

describe('failure policy', () => {
  it('a read failing after retries yields an empty micro-batch and keeps the offset; the next run catches up', async () => {
    const location = checkpoint()
    const remove = simulator.inject({ fault: { kind: 'status', status: 503 }, match: { path: '^/orders' } })
    const failed = await stream(location, 'orders').finally(remove)
    expect(rowsOf(failed)).toEqual([])
    expect(failed.progress.every((progress) => progress.numInputRows === 0)).toBe(true)
    // The offset stays at the initial {}: no batch moved it.
    expect(
      failed.progress.map((progress) => progress.endOffset).filter((offset) => offset !== null && offset !== '{}'),
    ).toEqual([])
    expect(spark.stderr()).toMatch(
      /\[lakeflow_connect\] streaming read from offset \{\} failed for connector 'shop', table 'orders'; keeping offset \{\} and returning no rows.*ApiCallError \(transient\).*HTTP 503/,
    )
    const recovered = await stream(location, 'orders')
    const all = await expectedRows(url, 'orders', { start: {} })
    expect(byId(rowsOf(recovered))).toEqual(byId(all.rows))
  })

  it('strict=true fails the query instead', async () => {
    const remove = simulator.inject({ fault: { kind: 'status', status: 503 }, match: { path: '^/orders' } })
    const outcome = await stream(checkpoint(), 'orders', {}, { strict: 'true' })
      .catch((error: Error) => error)
      .finally(remove)
    expect(outcome).toBeInstanceOf(Error)
    expect((outcome as Error).message).toMatch(/connector 'shop', table 'orders': ApiCallError \(transient\).*HTTP 503/)
  })
})

describe('replaying a planned micro-batch after a restart (readBetweenOffsets)', () => {
  it('reproduces the planned batch exactly when the source has not changed', async () => {
    const location = checkpoint()
    await expect(stream(location, 'orders', { fail_batch_ids: [0] })).rejects.toThrow(/failing batch 0 on purpose/)
    const replayed = await stream(location, 'orders')
    const all = await expectedRows(url, 'orders', { start: {} })
    expect(replayed.batches[0]!.batch_id).toBe(0)
    expect(byId(replayed.batches[0]!.rows)).toEqual(byId(all.rows))
    expect(replayed.batches).toHaveLength(1)
  })

  it('keeps every row and warns when the source moved past the planned end offset', async () => {
    const location = checkpoint()
    await expect(stream(location, 'orders', { fail_batch_ids: [0] })).rejects.toThrow(/failing batch 0 on purpose/)
    simulator.clock.advance(60)
    simulator.data.insert('orders', { id: 3000, customer: 'late', status: 'open', total: 3, lines: [] })
    const replayed = await stream(location, 'orders')
    const ids = rowsOf(replayed).map((row) => row.id)
    expect(ids).toContain(3000)
    expect(new Set(ids)).toEqual(
      new Set((await expectedRows(url, 'orders', { start: {} })).rows.map((row: any) => row.id)),
    )
    expect(spark.stderr()).toMatch(
      /replay of micro-batch \{\} -> \{"cursor": "[^"]+"\} for connector 'shop', table 'orders' did not reproduce the batch/,
    )
  })
})
