import { existsSync, readFileSync, truncateSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { DuckDBInstance } from '@duckdb/node-api'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { checkAttached } from '../src/destinations/duckdb/duckdb-file-check.ts'
import { DestinationError, DuckDbDestination } from '../src/index.ts'
import { object, syncShop, tempDir } from './support/harness.ts'
import { type ShopServer, seedShop, startShopServer } from './support/shop-server.ts'

// A destination file that is not a complete DuckDB database is refused before DuckDB touches
// it (DuckDB would attach a JSON or CSV file as an empty in-memory database: a sync would
// report success and keep nothing), and left byte-identical.

let temp: ReturnType<typeof tempDir>
beforeAll(() => {
  temp = tempDir()
})
afterAll(() => temp.remove())

/** What opening a DuckDB destination on `file` throws (undefined when it opens). */
async function openError(file: string): Promise<unknown> {
  const destination = new DuckDbDestination({ file })
  try {
    await destination.open()
    return undefined
  } catch (error) {
    return error
  } finally {
    await destination.close()
  }
}

async function writeWithDuckDb(file: string, sql: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  await connection.run(sql.replace('$file', `'${file}'`))
  connection.closeSync()
  instance.closeSync()
}

const cases: [string, string, (file: string) => Promise<void> | void, RegExp][] = [
  ['JSON', 'out.json', (file) => writeFileSync(file, '{"keep":"me"}\n'), /it appears to be a JSON file \(14 bytes\)/],
  ['CSV', 'out.csv', (file) => writeFileSync(file, 'id,name\n1,ada\n2,grace\n'), /it appears to be a CSV file/],
  [
    'Parquet',
    'out.parquet',
    (file) => writeWithDuckDb(file, `COPY (SELECT range AS id FROM range(10)) TO $file (FORMAT parquet)`),
    /it appears to be a Parquet file/,
  ],
  [
    'SQLite',
    'out.sqlite',
    (file) => {
      const database = new DatabaseSync(file)
      database.exec('CREATE TABLE kept (id INTEGER); INSERT INTO kept VALUES (1)')
      database.close()
    },
    /it appears to be a SQLite database/,
  ],
  ['empty', 'empty.duckdb', (file) => writeFileSync(file, ''), /it appears to be an empty file/],
  ['text', 'notes.duckdb', (file) => writeFileSync(file, 'remember the milk\n'), /it appears to be a text file/],
  [
    'binary',
    'blob.duckdb',
    (file) => writeFileSync(file, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3, 0xff, 0xfe])),
    /it appears to be an unknown binary file \(10 bytes\)/,
  ],
]

describe('a destination that is not a DuckDB database', () => {
  for (const [what, name, create, message] of cases) {
    it(`refuses ${what}, naming the file, and leaves it byte-identical`, async () => {
      const file = path.join(temp.dir, name)
      await create(file)
      const before = readFileSync(file)
      const error = await openError(file)
      expect(DestinationError.isInstance(error)).toBe(true)
      expect((error as Error).message).toContain(`Destination ${file} is not a DuckDB database`)
      expect((error as Error).message).toMatch(message)
      expect(readFileSync(file).equals(before)).toBe(true)
      for (const suffix of ['.wal', '.stage', '.tmp']) expect(existsSync(`${file}${suffix}`)).toBe(false)
    })
  }

  it('checks what DuckDB attached, not only the magic bytes: a JSON file attached is in memory', async () => {
    const file = path.join(temp.dir, 'attached.json')
    writeFileSync(file, '{"keep":"me"}\n')
    const instance = await DuckDBInstance.create(':memory:')
    const connection = await instance.connect()
    try {
      await connection.run(`ATTACH '${file}' AS probe`)
      await expect(checkAttached(connection, 'probe', file)).rejects.toThrow(
        /is not a DuckDB database: DuckDB attached it as an in-memory database/,
      )
      const real = path.join(temp.dir, 'real.duckdb')
      await connection.run(`ATTACH '${real}' AS real_one`)
      await expect(checkAttached(connection, 'real_one', real)).resolves.toBeUndefined()
    } finally {
      connection.closeSync()
      instance.closeSync()
    }
  })
})

describe('a damaged DuckDB destination', () => {
  let shop: ShopServer
  beforeEach(async () => {
    shop = await startShopServer()
    seedShop(shop, 30)
  })
  afterEach(async () => {
    await shop.stop()
  })

  it('a file truncated inside its data blocks is refused at open, naming the file and both sizes', async () => {
    const file = path.join(temp.dir, 'truncated.duckdb')
    await syncShop(shop, file, [object('products'), object('users'), object('orders'), object('events')])
    const size = readFileSync(file).length
    // Past the headers and the first blocks: DuckDB itself opens this and fails only when a
    // query reaches a missing block.
    truncateSync(file, size - 100_000)
    const before = readFileSync(file)
    const error = await openError(file)
    expect(DestinationError.isInstance(error)).toBe(true)
    expect((error as Error).message).toBe(
      `Destination ${file} is a damaged DuckDB database: it is ${size - 100_000} bytes but its header says ${size} bytes (truncated?); restore it from a backup or choose another path with --dest`,
    )
    expect(readFileSync(file).equals(before)).toBe(true)
  })

  it('a file DuckDB shortened by its free trailing blocks (a table dropped, then a checkpoint) opens and syncs', async () => {
    const file = path.join(temp.dir, 'shortened.duckdb')
    const instance = await DuckDBInstance.create(file)
    const connection = await instance.connect()
    await connection.run('CREATE TABLE keep AS SELECT range AS id FROM range(1000)')
    await connection.run('CHECKPOINT')
    await connection.run("CREATE TABLE dropped AS SELECT range AS id, repeat('x', 100) AS pad FROM range(200000)")
    await connection.run('CHECKPOINT')
    await connection.run('DROP TABLE dropped')
    await connection.run('CHECKPOINT')
    connection.closeSync()
    instance.closeSync()
    // The precondition: the header still counts the blocks the file no longer holds.
    const head = readFileSync(file)
    const current = head.readBigUInt64LE(4096 + 8) >= head.readBigUInt64LE(8192 + 8) ? 4096 : 8192
    const blocks = Number(head.readBigUInt64LE(current + 32))
    const blockSize = Number(head.readBigUInt64LE(current + 40))
    expect(head.length).toBeLessThan(3 * 4096 + blocks * blockSize)
    expect(await openError(file)).toBeUndefined()
    await syncShop(shop, file, [object('products')])
  })
})
