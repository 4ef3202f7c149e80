import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import {
  DuckDbDestination,
  type PipelineEvent,
  parsePipelineSpec,
  type RunReport,
  runPipeline,
} from '../../src/index.ts'
import { connector } from './shop-connector.ts'
import { type ShopServer, seedShop, startShopServer } from './shop-server.ts'

/** A temp directory removed by the returned function. */
export function tempDir(prefix = 'lakeflow-pipeline-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/**
 * Registers hooks giving every test of the file a fresh shop server seeded with `size` records
 * per table, and DuckDB file names in a temp directory removed after the file's tests.
 */
export function shopPerTest(size = 30): { readonly shop: ShopServer; file(name?: string): string } {
  let temp: ReturnType<typeof tempDir> | undefined
  let shop: ShopServer | undefined
  beforeAll(() => {
    temp = tempDir()
  })
  afterAll(() => temp?.remove())
  beforeEach(async () => {
    shop = await startShopServer()
    seedShop(shop, size)
  })
  afterEach(async () => {
    await shop?.stop()
  })
  return {
    get shop() {
      return shop!
    },
    file: (name = 'db') => path.join(temp!.dir, `${name}-${Math.random().toString(36).slice(2)}.duckdb`),
  }
}

/** Runs one SQL statement on a DuckDB file (opened and closed), as a user editing it by hand would. */
export async function runSql(file: string, sql: string): Promise<void> {
  const instance = await DuckDBInstance.create(file)
  try {
    const connection = await instance.connect()
    await connection.run(sql)
    connection.closeSync()
  } finally {
    instance.closeSync()
  }
}

/** Runs the shop pipeline once into a DuckDB file. */
export async function syncShop(
  shop: ShopServer,
  file: string,
  objects: unknown[],
  settings: {
    events?: PipelineEvent[]
    concurrency?: number
    pipeline?: string
    retryLimit?: number
    groupCommitRows?: number
    maxCalls?: number
    fullRefresh?: boolean | string[]
    /** Called with the open destination on every event (to look at the visible tables mid-run). */
    onEvent?: (event: PipelineEvent, destination: DuckDbDestination) => void
  } = {},
): Promise<RunReport> {
  const spec = parsePipelineSpec({ connection_name: 'shop', objects })
  const destination = new DuckDbDestination({
    file,
    memoryLimit: '128MB',
    groupCommitRows: settings.groupCommitRows ?? 1,
  })
  try {
    return await runPipeline({
      spec,
      pipeline: settings.pipeline ?? 'shop-test',
      connector,
      connectorOptions: {
        base_url: shop.baseUrl,
        token: shop.token,
        retry_base_ms: 5,
        retry_limit: settings.retryLimit ?? 3,
      },
      destination,
      concurrency: settings.concurrency ?? 3,
      ...(settings.maxCalls === undefined ? {} : { maxCalls: settings.maxCalls }),
      ...(settings.fullRefresh === undefined ? {} : { fullRefresh: settings.fullRefresh }),
      onEvent: (event) => {
        settings.events?.push(event)
        settings.onEvent?.(event, destination)
      },
    })
  } finally {
    await destination.close()
  }
}

/** Reads a query's rows from a DuckDB file as JSON-friendly objects (file opened and closed). */
export async function queryFile(file: string, sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(file, { autoinstall_known_extensions: 'false' })
  try {
    const connection = await instance.connect()
    await connection.run(`SET TimeZone = 'UTC'`)
    const rows = (await connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[]
    connection.closeSync()
    return rows
  } finally {
    instance.closeSync()
  }
}

/** A table spec entry. */
export function object(
  source: string,
  configuration: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
) {
  return {
    table: {
      source_table: source,
      ...extra,
      ...(Object.keys(configuration).length ? { table_configuration: configuration } : {}),
    },
  }
}
