import { existsSync, mkdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api'
import type { Offset } from '@lakeflow/core/connector'
import { LakeflowError, redact } from '@lakeflow/core/errors'
import { resolveField } from '@lakeflow/core/schema'
import { SerialQueue } from '../serial-queue.ts'
import {
  type CommittedState,
  type Destination,
  deleteSchemaOf,
  type Flow,
  qualifiedName,
  type RunRecord,
  type StateEntry,
  type TablePlan,
  type TableWriter,
} from '../types.ts'
import { END_AT, START_AT, TOMBSTONE_SEQ } from './apply-sql.ts'
import { DestinationError, openFailure } from './duckdb-errors.ts'
import { checkColumns, DuckDbTableWriter, offsetText } from './duckdb-table.ts'
import { duckDbType, quoteId, quoteString } from './duckdb-types.ts'

/** The name the destination file is attached under. */
const CATALOG = 'lakeflow_destination'
/**
 * Rows per row group. DuckDB keeps the row group being filled uncompressed in memory, so at
 * ~2 KB per row its default (122,880) holds ~250 MB; 32,768 writes full groups to the file
 * during a large transaction and keeps memory bounded (measured: about 120 MB less at peak),
 * for a somewhat larger file (~15 % with GitHub-issue rows).
 */
const DEFAULT_ROW_GROUP_SIZE = 32_768

/** The state table: one row per pipeline, destination table and flow. */
export const STATE_TABLE = '_lakeflow_state'
/** The run log: one row per run with its JSON report. */
export const RUNS_TABLE = '_lakeflow_runs'

/** DuckDB destination settings. */
export interface DuckDbDestinationOptions {
  /** The database file. */
  readonly file: string
  /**
   * DuckDB's buffer-manager limit, which bounds the process's memory whatever the table size
   * (DuckDB spills to `<file>.tmp` beyond it). A batch apply needs about 100 MB that cannot be
   * spilled (the JSON reader's two 32 MiB buffers, the row groups being built), per thread, so
   * batches are applied one at a time.
   * @default 128MB per thread
   */
  readonly memoryLimit?: string
  /**
   * Read calls are grouped into one transaction until it holds this many rows: DuckDB writes
   * large transactions straight to the file (no WAL), which is faster and leaner.
   * @default 100000
   */
  readonly groupCommitRows?: number
  /**
   * DuckDB threads. One applies a batch at ~45–50k GitHub-issue rows/s, faster than one
   * table's reader produces them; each extra thread needs another ~128 MB (parallel inserts
   * build row groups per thread) and the memory limit must grow with it.
   * @default 1
   */
  readonly threads?: number
  /** Rows per row group written (a multiple of 2048). @default 32768 */
  readonly rowGroupSize?: number
}

/**
 * The embedded DuckDB destination (the default): one file holding the tables, the committed
 * offsets (`_lakeflow_state`) and the run log (`_lakeflow_runs`). Each batch's rows and its
 * new offset commit in one transaction, so a crash at any point loses or repeats nothing.
 */
export class DuckDbDestination implements Destination {
  readonly kind = 'duckdb'
  readonly groupCommitRows: number
  readonly location: string
  private readonly options: DuckDbDestinationOptions
  private instance: DuckDBInstance | undefined
  private admin: DuckDBConnection | undefined
  /** Serialises catalog changes: concurrent DDL from several connections would conflict. */
  private readonly ddl = new SerialQueue()
  /**
   * Batch applies run one at a time across tables: each needs ~100 MB DuckDB cannot spill, so
   * applies of several tables at once would exceed the memory limit. Reads go on meanwhile.
   */
  private readonly applies = new SerialQueue()
  private stages = 0
  private created = false

  constructor(options: DuckDbDestinationOptions) {
    this.options = options
    this.location = path.resolve(options.file)
    this.groupCommitRows = options.groupCommitRows ?? 100_000
  }

  /** Where batches are staged as NDJSON before DuckDB reads them (removed on close). */
  get stagingDirectory(): string {
    return `${this.location}.stage`
  }

  async open(): Promise<void> {
    if (this.instance) return
    this.created = !existsSync(this.location)
    const threads = this.options.threads ?? 1
    const rowGroupSize = this.options.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE
    try {
      // The file is attached to an in-memory instance rather than opened directly, because
      // the row group size is an ATTACH option.
      this.instance = await DuckDBInstance.create(':memory:', {
        autoinstall_known_extensions: 'false',
        autoload_known_extensions: 'false',
        memory_limit: this.options.memoryLimit ?? `${128 * threads}MB`,
        threads: String(threads),
        preserve_insertion_order: 'false',
        temp_directory: `${this.location}.tmp`,
        // Hand freed memory back to the system at once (DuckDB's allocator keeps it by default).
        allocator_flush_threshold: '1MB',
        allocator_bulk_deallocation_flush_threshold: '1MB',
      })
      const setup = await this.instance.connect()
      try {
        await setup.run(`ATTACH ${quoteString(this.location)} AS ${CATALOG} (ROW_GROUP_SIZE ${rowGroupSize})`)
      } finally {
        setup.closeSync()
      }
    } catch (error) {
      this.instance?.closeSync()
      this.instance = undefined
      throw openFailure(this.location, error)
    }
    this.admin = await this.connect()
    // Leftovers of a killed run (this process now holds the lock) would collide with new batch names.
    rmSync(this.stagingDirectory, { recursive: true, force: true })
    mkdirSync(this.stagingDirectory, { recursive: true })
    // Timestamps render in UTC whatever the machine's zone (ICU is built in; no download).
    await this.admin.run(`SET GLOBAL TimeZone = 'UTC'`)
    await this.admin.run(`CREATE TABLE IF NOT EXISTS ${STATE_TABLE} (pipeline VARCHAR NOT NULL, table_name VARCHAR NOT NULL,
      flow VARCHAR NOT NULL, source_table VARCHAR, offset_json VARCHAR, batches BIGINT NOT NULL, updated_at TIMESTAMPTZ)`)
    await this.admin.run(`CREATE TABLE IF NOT EXISTS ${RUNS_TABLE} (run_id VARCHAR NOT NULL, pipeline VARCHAR NOT NULL,
      started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ, status VARCHAR, report JSON)`)
  }

  /** A connection whose default catalog is the destination file. */
  private async connect(): Promise<DuckDBConnection> {
    const connection = await this.instance!.connect()
    await connection.run(`USE ${CATALOG}`)
    return connection
  }

  private connectionOrThrow(): DuckDBConnection {
    if (!this.admin) throw new LakeflowError('The DuckDB destination is not open', { category: 'internal' })
    return this.admin
  }

  async openTable(plan: TablePlan): Promise<TableWriter> {
    const problem = checkColumns(plan)
    if (problem) throw new LakeflowError(`Table ${plan.sourceTable}: ${problem}`, { category: 'config' })
    const admin = this.connectionOrThrow()
    const schemaName = plan.destination.schema ?? 'main'
    const target = `${quoteId(schemaName)}.${quoteId(plan.destination.table)}`
    const name = qualifiedName(plan.destination)
    const tombstoneTable = `_lakeflow_deleted__${plan.destination.table}`
    const tombstones =
      plan.ingestionType === 'cdc_with_deletes' ? `${quoteId(schemaName)}.${quoteId(tombstoneTable)}` : undefined
    const connection = await this.connect()
    const stageId = ++this.stages
    const deleteSchema = deleteSchemaOf(plan)
    await this.ddl.run(async () => {
      await admin.run(`CREATE SCHEMA IF NOT EXISTS ${quoteId(schemaName)}`)
      await this.ensureTable(plan, target, schemaName)
      if (tombstones) {
        const keyColumns = plan.primaryKeys.map(
          (key) => `${quoteId(key)} ${duckDbType(resolveField(plan.schema, key)!)}`,
        )
        const seqType = duckDbType(resolveField(plan.schema, plan.sequenceBy!)!)
        await admin.run(
          `CREATE TABLE IF NOT EXISTS ${tombstones} (${keyColumns.join(', ')}, ${TOMBSTONE_SEQ} ${seqType})`,
        )
      }
      for (const flow of flowsOf(plan)) {
        await admin.run(
          `INSERT INTO ${STATE_TABLE} (pipeline, table_name, flow, source_table, batches)
           SELECT $1, $2, $3, $4, 0 WHERE NOT EXISTS (SELECT 1 FROM ${STATE_TABLE} WHERE pipeline = $1 AND table_name = $2 AND flow = $3)`,
          [plan.pipeline, name, flow, plan.sourceTable],
        )
      }
    })
    return new DuckDbTableWriter({
      connection,
      plan,
      target,
      ...(tombstones === undefined ? {} : { tombstones }),
      name,
      stagingDirectory: this.stagingDirectory,
      stagingPrefix: `t${stageId}`,
      deleteSchema,
      readState: (flow) => this.readState(plan.pipeline, name, flow),
      saveStateSql: (flow, offset) => saveStateSql(plan.pipeline, name, flow, offset),
      exclusive: (task) => this.applies.run(task),
      release: () => connection.closeSync(),
    })
  }

  /** Creates the target table, or adds columns the schema gained since it was created. */
  private async ensureTable(plan: TablePlan, target: string, schemaName: string): Promise<void> {
    const admin = this.connectionOrThrow()
    const wanted = Object.entries(plan.schema.fields).map(([column, type]) => [column, duckDbType(type)] as const)
    if (plan.scdType === 2 && plan.ingestionType !== 'append') {
      const historyType =
        plan.ingestionType === 'snapshot' ? 'TIMESTAMPTZ' : duckDbType(resolveField(plan.schema, plan.sequenceBy!)!)
      wanted.push([START_AT, historyType], [END_AT, historyType])
    }
    const existing = await admin.runAndReadAll(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_catalog = current_database() AND table_schema = $1 AND table_name = $2`,
      [schemaName, plan.destination.table],
    )
    const have = new Map(existing.getRows().map(([column, type]) => [String(column), String(type)]))
    if (have.size === 0) {
      await admin.run(
        `CREATE TABLE ${target} (${wanted.map(([column, type]) => `${quoteId(column)} ${type}`).join(', ')})`,
      )
      return
    }
    for (const [column, type] of wanted) {
      if (!have.has(column)) await admin.run(`ALTER TABLE ${target} ADD COLUMN ${quoteId(column)} ${type}`)
    }
  }

  private async readState(pipeline: string, table: string, flow: Flow): Promise<CommittedState | undefined> {
    const result = await this.connectionOrThrow().runAndReadAll(
      `SELECT offset_json, batches, CAST(updated_at AS VARCHAR) FROM ${STATE_TABLE} WHERE pipeline = $1 AND table_name = $2 AND flow = $3`,
      [pipeline, table, flow],
    )
    const row = result.getRows()[0]
    if (!row || Number(row[1]) === 0) return undefined
    return {
      offset: row[0] === null ? null : (JSON.parse(String(row[0])) as Offset),
      batches: Number(row[1]),
      ...(row[2] === null ? {} : { updatedAt: String(row[2]) }),
    }
  }

  async recordRun(run: RunRecord): Promise<void> {
    await this.connectionOrThrow().run(
      `INSERT INTO ${RUNS_TABLE} VALUES ($1, $2, make_timestamptz($3::BIGINT * 1000), make_timestamptz($4::BIGINT * 1000), $5, $6)`,
      [
        run.runId,
        run.pipeline,
        run.startedAt.getTime(),
        run.finishedAt.getTime(),
        run.status,
        redact(JSON.stringify(run.report)),
      ],
    )
  }

  async listState(pipeline?: string): Promise<StateEntry[]> {
    const result = await this.connectionOrThrow().runAndReadAll(
      `SELECT pipeline, table_name, flow, source_table, offset_json, batches, CAST(updated_at AS VARCHAR) FROM ${STATE_TABLE}
       WHERE ($1::VARCHAR IS NULL OR pipeline = $1) AND batches > 0 ORDER BY pipeline, table_name, flow`,
      [pipeline ?? null],
    )
    return result.getRows().map((row) => ({
      pipeline: String(row[0]),
      table: String(row[1]),
      flow: String(row[2]) as Flow,
      sourceTable: String(row[3]),
      offset: row[4] === null ? null : (JSON.parse(String(row[4])) as Offset),
      batches: Number(row[5]),
      ...(row[6] === null ? {} : { updatedAt: String(row[6]) }),
    }))
  }

  async resetState(pipeline: string, table?: string): Promise<number> {
    const result = await this.connectionOrThrow().run(
      `DELETE FROM ${STATE_TABLE} WHERE pipeline = $1 AND ($2::VARCHAR IS NULL OR table_name = $2 OR table_name = 'main.' || $2)`,
      [pipeline, table ?? null],
    )
    return result.rowsChanged
  }

  /** Runs a query on the destination (for `lakeflow demo` and tests). */
  async query(sql: string, values: DuckDBValue[] = []): Promise<Record<string, unknown>[]> {
    const reader = await this.connectionOrThrow().runAndReadAll(sql, values)
    return reader.getRowObjectsJson() as Record<string, unknown>[]
  }

  async discardIfUnused(): Promise<boolean> {
    if (!this.created || !this.admin) return false
    const [row] = (await this.admin.runAndReadAll(`SELECT count(*) FROM ${STATE_TABLE} WHERE batches > 0`)).getRows()
    if (Number(row![0]) > 0) return false
    await this.close()
    for (const suffix of ['', '.wal', '.tmp', '.stage'])
      rmSync(`${this.location}${suffix}`, { recursive: true, force: true })
    return true
  }

  async close(): Promise<void> {
    await this.ddl.idle()
    this.admin?.closeSync()
    this.instance?.closeSync()
    if (this.instance) rmSync(this.stagingDirectory, { recursive: true, force: true })
    this.admin = undefined
    this.instance = undefined
  }
}

function flowsOf(plan: TablePlan): Flow[] {
  switch (plan.ingestionType) {
    case 'snapshot':
      return ['snapshot']
    case 'append':
      return ['append']
    case 'cdc':
      return ['upsert']
    case 'cdc_with_deletes':
      return ['upsert', 'deletes']
  }
}

function saveStateSql(pipeline: string, table: string, flow: Flow, offset: Offset | null) {
  const text = offsetText(offset)
  if (text !== null && redact(text) !== text) {
    throw new DestinationError(
      table,
      `The offset of table ${table} contains a secret; refusing to store it (fix the connector)`,
    )
  }
  return {
    sql: `UPDATE ${STATE_TABLE} SET offset_json = $4, batches = batches + 1, updated_at = now()
      WHERE pipeline = $1 AND table_name = $2 AND flow = $3`,
    values: [pipeline, table, flow, text] as DuckDBValue[],
  }
}
