import { Spark } from '@lakeflow/core/schema'
import { describe, expect, it } from 'vitest'
import { DestinationError, DuckDbDestination, type TablePlan } from '../src/index.ts'
import { object, queryFile, runSql, shopPerTest, syncShop } from './support/harness.ts'

// Destination drift: a table or column dropped outside the pipeline is noticed at the start of
// a sync (the saved offsets no longer describe the table) and fails that table until a full
// refresh rebuilds it. Source fields the schema lacks are counted and reported once per run.

const fixture = shopPerTest()
const file = fixture.file
const objects = [object('users', { max_records_per_batch: 10 }), object('events')]

describe('destination drift', () => {
  it('a table dropped by hand fails that table (not re-created empty); the others sync; a full refresh rebuilds it', async () => {
    const target = file('dropped')
    await syncShop(fixture.shop, target, objects)
    await runSql(target, 'DROP TABLE users')
    fixture.shop.upsert('users', { id: 1, name: 'changed' })
    const report = await syncShop(fixture.shop, target, objects)
    const users = report.tables.find((table) => table.sourceTable === 'users')!
    expect(users).toMatchObject({ status: 'failed', error: { name: 'DestinationError' } })
    expect(users.error!.message).toBe(
      `Table main.users is missing from ${target}, but pipeline shop-test committed 3 batches into it: it was dropped outside lakeflow, and a sync would re-create it empty and carry on from the saved offsets; rebuild it with lakeflow sync --full-refresh --table users`,
    )
    expect(report.tables.find((table) => table.sourceTable === 'events')!.status).toBe('succeeded')
    expect(
      await queryFile(target, `SELECT count(*)::INT AS n FROM duckdb_tables() WHERE table_name = 'users'`),
    ).toEqual([{ n: 0 }])
    const rebuilt = await syncShop(fixture.shop, target, objects, { fullRefresh: ['users'] })
    expect(rebuilt.tables[0]).toMatchObject({ status: 'succeeded', inserted: 30 })
    expect(await queryFile(target, `SELECT name FROM users WHERE id = 1`)).toEqual([{ name: 'changed' }])
    expect((await syncShop(fixture.shop, target, objects)).status).toBe('succeeded')
  })

  it('a column dropped by hand fails the table, naming the column', async () => {
    const target = file('column')
    await syncShop(fixture.shop, target, objects)
    await runSql(target, 'ALTER TABLE users DROP COLUMN email')
    const report = await syncShop(fixture.shop, target, objects)
    expect(report.tables[0]!.error!.message).toBe(
      `Table main.users in ${target} lacks column email, which pipeline shop-test created and filled: it was dropped outside lakeflow; rebuild it with lakeflow sync --full-refresh --table users`,
    )
    expect((await syncShop(fixture.shop, target, objects, { fullRefresh: true })).status).toBe('succeeded')
    expect(await queryFile(target, 'SELECT count(email)::INT AS n FROM users')).toEqual([{ n: 30 }])
  })

  it('a column the schema gains is added, not drift; dropping it by hand afterwards is', async () => {
    const target = file('evolve')
    const plan = (fields: Record<string, ReturnType<typeof Spark.long>>): TablePlan => ({
      pipeline: 'p',
      sourceTable: 'items',
      destination: { table: 'items' },
      schema: Spark.table({ id: Spark.long({ nullable: false }), ...fields }),
      ingestionType: 'append',
      scdType: 1,
      primaryKeys: [],
      runStartedAt: new Date(),
    })
    const write = async (tablePlan: TablePlan) => {
      const destination = new DuckDbDestination({ file: target })
      await destination.open()
      try {
        const writer = await destination.openTable(tablePlan)
        const batch = await writer.beginBatch('append', {})
        batch.add({ id: 1, extra: 2 })
        await batch.commit({ n: 1 })
        await writer.complete()
        await writer.close()
      } finally {
        await destination.close()
      }
    }
    await write(plan({}))
    await write(plan({ extra: Spark.long() }))
    expect(await queryFile(target, 'SELECT id::INT AS id, extra::INT AS extra FROM items ORDER BY ALL')).toEqual([
      { id: 1, extra: 2 },
      { id: 1, extra: null },
    ])
    await runSql(target, 'ALTER TABLE items DROP COLUMN extra')
    await expect(write(plan({ extra: Spark.long() }))).rejects.toSatisfy(
      (error) => DestinationError.isInstance(error) && /lacks column extra/.test((error as Error).message),
    )
    // a column the schema dropped may go: the pipeline no longer writes it
    await write(plan({}))
  })

  it('an unknown field in one record of thousands is counted (every record is checked)', async () => {
    // ids spread so the odd record is neither early nor on any sampling stride
    for (let id = 1; id <= 1200; id++) fixture.shop.upsert('users', { id, ...(id === 1107 ? { rare_flag: true } : {}) })
    const report = await syncShop(fixture.shop, file('rare'), objects)
    const warning = report.warnings.find((entry) => entry.table === 'users')
    expect(warning?.message).toMatch(
      /^1 source field not in the schema was dropped: rare_flag \(in 1 of \d+ records\)$/,
    )
  })

  it('source fields the schema does not have are counted and reported once per run, with a few names', async () => {
    for (let id = 1; id <= 12; id++)
      fixture.shop.upsert('users', { id, nickname: `n${id}`, ...(id <= 4 ? { team_id: id } : {}) })
    const report = await syncShop(fixture.shop, file('unknown'), objects)
    expect(report.warnings).toEqual([
      {
        table: 'users',
        message: '2 source fields not in the schema were dropped: nickname, team_id (in 12 of 30 records)',
      },
    ])
  })
})
