import { readdirSync } from 'node:fs'
import path from 'node:path'
import { compileConverter } from '@lakeflow/core/convert'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueSchema, makeIssues } from '../../../bench/convert/issues.ts'
import { DuckDbDestination, type TablePlan } from '../src/index.ts'
import { queryFile, tempDir } from './support/harness.ts'

let temp: ReturnType<typeof tempDir>
beforeAll(() => {
  temp = tempDir()
})
afterAll(() => temp.remove())

// GitHub-issue rows (~2 KB, nested structs and lists): the shape bench/sync measures.
const schema = issueSchema
const convert = compileConverter(issueSchema, { table: 'issues' })
const pool = makeIssues(97, 3)

function plan(table: string): TablePlan {
  return {
    pipeline: 'memory',
    sourceTable: table,
    destination: { table },
    schema,
    ingestionType: 'cdc',
    scdType: 1,
    primaryKeys: ['id'],
    sequenceBy: 'updated_at',
    runStartedAt: new Date(),
  }
}

/** A converted issue row with the given id. */
function row(id: number) {
  const record = { ...pool[id % pool.length]!, id, number: id, updated_at: new Date(1.7e12 + id * 1000).toISOString() }
  return convert(record) as Record<string, unknown>
}

describe('DuckDB destination memory', () => {
  it('applies large batches of two tables committed at once within the default memory limit', async () => {
    // A DuckDB thread applying a large batch needs ~100 MB it cannot spill (JSON reader buffers,
    // row groups being built); parallel inserts on more threads than the memory limit allows for
    // fail with "Out of Memory" (the former default, 2 threads and 128 MB on 3 cores, did).
    const file = path.join(temp.dir, 'two-tables.duckdb')
    const destination = new DuckDbDestination({ file })
    await destination.open()
    try {
      const writers = await Promise.all(['first', 'second'].map((table) => destination.openTable(plan(table))))
      const batches = await Promise.all(writers.map((writer) => writer.beginBatch('upsert', {})))
      for (const batch of batches) for (let id = 1; id <= 50_000; id++) batch.add(row(id))
      const counts = await Promise.all(batches.map((batch) => batch.commit({ id: 50_000 })))
      expect(counts).toEqual([
        { rows: 50_000, inserted: 50_000, updated: 0, deleted: 0 },
        { rows: 50_000, inserted: 50_000, updated: 0, deleted: 0 },
      ])
      for (const writer of writers) await writer.close()
    } finally {
      await destination.close()
    }
    const [counted] = await queryFile(
      file,
      `SELECT (SELECT count(*) FROM first)::INTEGER AS first, (SELECT count(DISTINCT id) FROM second)::INTEGER AS second`,
    )
    expect(counted).toEqual({ first: 50_000, second: 50_000 })
  })

  it('stages a batch in bounded part files and removes them once applied', async () => {
    const file = path.join(temp.dir, 'parts.duckdb')
    const destination = new DuckDbDestination({ file })
    await destination.open()
    try {
      const writer = await destination.openTable(plan('parts'))
      const batch = await writer.beginBatch('upsert', {})
      for (let id = 1; id <= 6_000; id++) batch.add(row(id))
      batch.mark?.()
      for (let id = 6_001; id <= 9_000; id++) batch.add(row(id))
      const staged = readdirSync(destination.stagingDirectory)
      // ~2 KB rows in parts of 4 MiB: several row parts, and the keys in their own part(s).
      expect(staged.filter((name) => /^t\d+-1\.\d+\.ndjson$/.test(name)).length).toBeGreaterThanOrEqual(4)
      expect(staged.some((name) => /\.keys\.0\.ndjson$/.test(name))).toBe(true)
      batch.dropSinceMark?.()
      expect(batch.count).toBe(6_000)
      expect(await batch.commit({ id: 6_000 })).toMatchObject({ rows: 6_000, inserted: 6_000 })
      expect(readdirSync(destination.stagingDirectory)).toEqual([])
      await writer.close()
    } finally {
      await destination.close()
    }
    const [result] = await queryFile(
      file,
      'SELECT count(*)::INTEGER AS rows, max(id)::INTEGER AS last, min(id)::INTEGER AS first FROM parts',
    )
    expect(result).toEqual({ rows: 6_000, last: 6_000, first: 1 })
  })
})
