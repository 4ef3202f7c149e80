import path from 'node:path'
import { Spark } from '@lakeflow/core/schema'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DuckDbDestination, type Flow, type Row, type TablePlan } from '../src/index.ts'
import { queryFile, tempDir } from './support/harness.ts'

// Drives the DuckDB destination directly with converted rows, to pin down apply_changes
// semantics batch by batch (sequence order, SCD type 2 history, deletes, snapshots).

let temp: ReturnType<typeof tempDir>
beforeAll(() => {
  temp = tempDir()
})
afterAll(() => temp.remove())

const schema = Spark.table({ id: Spark.long({ nullable: false }), value: Spark.string(), seq: Spark.long() })

function plan(overrides: Partial<TablePlan>): TablePlan {
  return {
    pipeline: 'p',
    sourceTable: 'items',
    destination: { table: 'items' },
    schema,
    ingestionType: 'cdc',
    scdType: 1,
    primaryKeys: ['id'],
    sequenceBy: 'seq',
    runStartedAt: new Date('2024-05-01T00:00:00Z'),
    ...overrides,
  }
}

/** Opens the destination, writes each batch (committing with offset {n}), closes. */
async function write(file: string, tablePlan: TablePlan, batches: [Flow, Row[]][]) {
  const destination = new DuckDbDestination({ file })
  await destination.open()
  const writer = await destination.openTable(tablePlan)
  const counts = []
  for (const [index, [flow, rows]] of batches.entries()) {
    const batch = await writer.beginBatch(flow, {})
    for (const row of rows) batch.add(row)
    counts.push(await batch.commit(flow === 'snapshot' ? null : { n: index }))
  }
  await writer.close()
  await destination.close()
  return counts
}

const row = (id: number, value: string, seq: number | null) => ({ id, value, seq })

describe('cdc SCD type 1', () => {
  it('keeps the greatest sequence per key within a batch and never lets an older sequence overwrite', async () => {
    const file = path.join(temp.dir, 'scd1.duckdb')
    const counts = await write(file, plan({}), [
      ['upsert', [row(1, 'a5', 5), row(2, 'b1', 1), row(2, 'b3', 3), row(2, 'b2', 2)]],
      ['upsert', [row(1, 'a3-older', 3), row(2, 'b4', 4), row(3, 'c1', 1)]],
      ['upsert', [row(1, 'a5', 5), row(1, 'a5-same-seq-later-arrival', 5)]],
    ])
    expect(counts).toEqual([
      { rows: 4, inserted: 2, updated: 0, deleted: 0 },
      { rows: 3, inserted: 1, updated: 1, deleted: 0 },
      { rows: 2, inserted: 0, updated: 1, deleted: 0 },
    ])
    expect(await queryFile(file, 'SELECT id::INT AS id, value, seq::INT AS seq FROM items ORDER BY id')).toEqual([
      { id: 1, value: 'a5-same-seq-later-arrival', seq: 5 },
      { id: 2, value: 'b4', seq: 4 },
      { id: 3, value: 'c1', seq: 1 },
    ])
  })

  it('applies deletes whose sequence reaches the row, remembers them, and ignores older tombstones', async () => {
    const file = path.join(temp.dir, 'deletes.duckdb')
    const counts = await write(file, plan({ ingestionType: 'cdc_with_deletes' }), [
      ['upsert', [row(1, 'a', 5), row(2, 'b', 5), row(3, 'c', 5)]],
      [
        'deletes',
        [
          { id: 1, seq: 6 },
          { id: 2, seq: 4 },
          { id: 3, seq: 5 },
          { id: 9, seq: 1 },
        ],
      ],
      ['upsert', [row(1, 'a-late', 6), row(2, 'b-newer', 7), row(1, 'a-reborn', 8)]],
    ])
    expect(counts.map((count) => count.deleted)).toEqual([0, 2, 0])
    expect(await queryFile(file, 'SELECT id::INT AS id, value FROM items ORDER BY id')).toEqual([
      { id: 1, value: 'a-reborn' },
      { id: 2, value: 'b-newer' },
    ])
  })
})

describe('cdc SCD type 2', () => {
  it('keeps history rows with __START_AT/__END_AT from the sequence column, closing versions on change and delete', async () => {
    const file = path.join(temp.dir, 'scd2.duckdb')
    await write(file, plan({ ingestionType: 'cdc_with_deletes', scdType: 2 }), [
      ['upsert', [row(1, 'a1', 1), row(1, 'a3', 3), row(2, 'b1', 1)]],
      ['upsert', [row(1, 'a2-late', 2), row(1, 'a3', 3), row(2, 'b5', 5)]],
      ['deletes', [{ id: 2, seq: 6 }]],
      ['upsert', [row(3, 'c1', 1)]],
    ])
    expect(
      await queryFile(
        file,
        'SELECT id::INT AS id, value, __START_AT::INT AS s, __END_AT::INT AS e FROM items ORDER BY id, s',
      ),
    ).toEqual([
      { id: 1, value: 'a1', s: 1, e: 3 },
      { id: 1, value: 'a3', s: 3, e: null },
      { id: 2, value: 'b1', s: 1, e: 5 },
      { id: 2, value: 'b5', s: 5, e: 6 },
      { id: 3, value: 'c1', s: 1, e: null },
    ])
  })
})

describe('snapshots', () => {
  it('SCD1: the table equals the latest snapshot; counts say what changed', async () => {
    const file = path.join(temp.dir, 'snap1.duckdb')
    const counts = await write(file, plan({ ingestionType: 'snapshot', sequenceBy: undefined }), [
      ['snapshot', [row(1, 'a', null), row(2, 'b', null), row(3, 'c', null)]],
      ['snapshot', [row(1, 'a', null), row(2, 'B', null), row(4, 'd', null)]],
    ])
    expect(counts[1]).toEqual({ rows: 3, inserted: 1, updated: 1, deleted: 1 })
    expect(await queryFile(file, 'SELECT id::INT AS id, value FROM items ORDER BY id')).toEqual([
      { id: 1, value: 'a' },
      { id: 2, value: 'B' },
      { id: 4, value: 'd' },
    ])
  })

  it('SCD2: closed versions end at the run time of the snapshot that dropped or changed them', async () => {
    const file = path.join(temp.dir, 'snap2.duckdb')
    await write(file, plan({ ingestionType: 'snapshot', scdType: 2, runStartedAt: new Date('2024-05-01T00:00:00Z') }), [
      ['snapshot', [row(1, 'a', null), row(2, 'b', null)]],
    ])
    await write(file, plan({ ingestionType: 'snapshot', scdType: 2, runStartedAt: new Date('2024-05-02T00:00:00Z') }), [
      ['snapshot', [row(1, 'A', null), row(3, 'c', null)]],
    ])
    const rows = await queryFile(
      file,
      `SELECT id::INT AS id, value, strftime(__START_AT, '%d') AS s, strftime(__END_AT, '%d') AS e FROM items ORDER BY id, s`,
    )
    expect(rows).toEqual([
      { id: 1, value: 'a', s: '01', e: '02' },
      { id: 1, value: 'A', s: '02', e: null },
      { id: 2, value: 'b', s: '01', e: '02' },
      { id: 3, value: 'c', s: '02', e: null },
    ])
  })

  it('without keys: replaced whole, counted as multiset differences', async () => {
    const file = path.join(temp.dir, 'keyless.duckdb')
    const counts = await write(file, plan({ ingestionType: 'snapshot', primaryKeys: [], sequenceBy: undefined }), [
      ['snapshot', [row(1, 'a', null), row(1, 'a', null), row(2, 'b', null)]],
      ['snapshot', [row(1, 'a', null), row(2, 'b', null), row(3, 'c', null)]],
    ])
    expect(counts[1]).toEqual({ rows: 3, inserted: 1, updated: 0, deleted: 1 })
    expect(await queryFile(file, 'SELECT count(*)::INT AS n FROM items')).toEqual([{ n: 3 }])
  })

  it('a batch that is aborted changes nothing, not even the offset', async () => {
    const file = path.join(temp.dir, 'abort.duckdb')
    await write(file, plan({ ingestionType: 'snapshot', sequenceBy: undefined }), [['snapshot', [row(1, 'a', null)]]])
    const destination = new DuckDbDestination({ file })
    await destination.open()
    const writer = await destination.openTable(plan({ ingestionType: 'snapshot', sequenceBy: undefined }))
    const batch = await writer.beginBatch('snapshot', null)
    batch.add(row(2, 'b', null))
    await batch.abort()
    const state = await writer.state('snapshot')
    await writer.close()
    await destination.close()
    expect(state?.batches).toBe(1)
    expect(await queryFile(file, 'SELECT id::INT AS id FROM items')).toEqual([{ id: 1 }])
  })
})

describe('append', () => {
  it('inserts every row, duplicates included', async () => {
    const file = path.join(temp.dir, 'append.duckdb')
    const counts = await write(file, plan({ ingestionType: 'append', primaryKeys: [] }), [
      ['append', [row(1, 'a', 1), row(1, 'a', 1)]],
      ['append', [row(1, 'a', 1)]],
    ])
    expect(counts.map((count) => count.inserted)).toEqual([2, 1])
    expect(await queryFile(file, 'SELECT count(*)::INT AS n FROM items')).toEqual([{ n: 3 }])
  })
})
