import { mkdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api'
import { LakeflowError, redact } from '@lakeflow/core/errors'
import { resolveField } from '@lakeflow/core/schema'
import { SerialQueue } from '../serial-queue.ts'
import { selectStateEntries } from '../state-selection.ts'
import type { Destination, OpenTableOptions, RunRecord, StateEntry, TablePlan, TableWriter } from '../types.ts'
import { TOMBSTONE_SEQ } from './apply-sql.ts'
import { checkColumns, tableColumns, wantedColumns } from './duckdb-columns.ts'
import { checkDrift, recordColumns } from './duckdb-drift.ts'
import { DestinationError, destinationFailure, openFailure } from './duckdb-errors.ts'
import { checkAttached, checkDestinationFile } from './duckdb-file-check.ts'
import {
  createStateTables,
  flowsOf,
  listStateRows,
  RUNS_TABLE,
  readState,
  STATE_TABLE,
  saveStateSql,
} from './duckdb-state.ts'
import { DuckDbTableWriter } from './duckdb-table.ts'
import { isRebuild, qualify, snapshotTableOf, type TableNames, tableNames } from './duckdb-table-names.ts'
import { duckDbType, quoteId, quoteString } from './duckdb-types.ts'
import { checkMemoryLimit } from './memory-limit.ts'
import { DEFAULT_OBJECT_BYTES } from './staging.ts'

/** The name the destination file is attached under. */
const CATALOG = 'lakeflow_destination'
/**
 * Rows per row group. DuckDB keeps the row group being filled uncompressed in memory, so at
 * ~2 KB per row its default (122,880) holds ~250 MB; 32,768 writes full groups to the file
 * during a large transaction and keeps memory bounded (measured: about 120 MB less at peak),
 * for a somewhat larger file (~15 % with GitHub-issue rows).
 */
const DEFAULT_ROW_GROUP_SIZE = 32_768

export { RUNS_TABLE, STATE_TABLE }

/** DuckDB destination settings. */
export interface DuckDbDestinationOptions {
  /** The database file. */
  readonly file: string
  /**
   * DuckDB's buffer-manager limit, which bounds the process's memory whatever the table size
   * (DuckDB spills to `<file>.tmp` beyond it). A batch apply needs about 100 MB that cannot be
   * spilled (the JSON reader's two 32 MiB buffers, the row groups being built), per thread, so
   * batches are applied one at a time. At least 64MB. A batch holding a record larger than
   * 16 MiB raises it for its apply to about three times the record's size.
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
  private readonly memoryLimit: string
  private readonly memoryLimitBytes: number
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

  constructor(options: DuckDbDestinationOptions) {
    this.options = options
    this.location = path.resolve(options.file)
    this.groupCommitRows = options.groupCommitRows ?? 100_000
    this.memoryLimit = options.memoryLimit ?? `${128 * (options.threads ?? 1)}MB`
    this.memoryLimitBytes = checkMemoryLimit(this.memoryLimit, 'memoryLimit')
  }

  /** Where batches are staged as NDJSON before DuckDB reads them (removed on close). */
  get stagingDirectory(): string {
    return `${this.location}.stage`
  }

  async open(): Promise<void> {
    if (this.instance) return
    // Before DuckDB sees it: DuckDB attaches some files that are not databases as empty in-memory ones.
    checkDestinationFile(this.location)
    const threads = this.options.threads ?? 1
    const rowGroupSize = this.options.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE
    try {
      // The file is attached to an in-memory instance rather than opened directly, because
      // the row group size is an ATTACH option.
      this.instance = await DuckDBInstance.create(':memory:', {
        autoinstall_known_extensions: 'false',
        autoload_known_extensions: 'false',
        memory_limit: this.memoryLimit,
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
        await checkAttached(setup, CATALOG, this.location)
      } finally {
        setup.closeSync()
      }
    } catch (error) {
      this.instance?.closeSync()
      this.instance = undefined
      throw DestinationError.isInstance(error) ? error : openFailure(this.location, error)
    }
    this.admin = await this.connect()
    // Leftovers of a killed run (this process now holds the lock) would collide with new batch names.
    rmSync(this.stagingDirectory, { recursive: true, force: true })
    mkdirSync(this.stagingDirectory, { recursive: true })
    try {
      // Timestamps render in UTC whatever the machine's zone (ICU is built in; no download).
      await this.admin.run(`SET GLOBAL TimeZone = 'UTC'`)
      await createStateTables(this.admin)
    } catch (error) {
      await this.close()
      throw destinationFailure(this.location, error)
    }
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

  async openTable(plan: TablePlan, options: OpenTableOptions = {}): Promise<TableWriter> {
    const problem = checkColumns(plan)
    if (problem) throw new LakeflowError(`Table ${plan.sourceTable}: ${problem}`, { category: 'config' })
    const names = tableNames(plan, options.fullRefresh)
    const connection = await this.connect()
    try {
      await this.ddl.run(() => this.prepareTable(plan, names))
    } catch (error) {
      connection.closeSync()
      throw destinationFailure(this.location, error)
    }
    const stageId = ++this.stages
    const stateKey = (flow: string) => ({ file: this.location, pipeline: plan.pipeline, table: names.stateName, flow })
    return new DuckDbTableWriter({
      connection,
      plan,
      names,
      location: this.location,
      stagingDirectory: this.stagingDirectory,
      stagingPrefix: `t${stageId}`,
      readState: (flow) => readState(this.connectionOrThrow(), stateKey(flow)),
      saveStateSql: (flow, offset, staged) => saveStateSql(plan.pipeline, names.stateName, flow, offset, { staged }),
      exclusive: (task, settings) =>
        settings.ddl
          ? this.ddl.run(() => this.applies.run(() => this.withReaderMemory(settings.longestLine, task)))
          : this.applies.run(() => this.withReaderMemory(settings.longestLine, task)),
      discardRebuild: () => this.ddl.run(() => this.dropRebuild(plan.pipeline, names)),
      release: () => connection.closeSync(),
    })
  }

  /**
   * Before a table's first batch: drift check (or, for a full refresh, a fresh rebuild table),
   * the table created or given the schema's new columns, tombstones, state rows.
   */
  private async prepareTable(plan: TablePlan, names: TableNames): Promise<void> {
    const admin = this.connectionOrThrow()
    await admin.run(`CREATE SCHEMA IF NOT EXISTS ${quoteId(names.schema)}`)
    if (names.refresh) await this.dropRebuild(plan.pipeline, names)
    const wanted = wantedColumns(plan)
    const existing = await tableColumns(admin, names.schema, names.targetTable)
    if (!names.refresh) {
      await checkDrift(admin, {
        file: this.location,
        pipeline: plan.pipeline,
        name: names.name,
        columns: existing,
        expected: wanted.map(([column]) => column),
      })
    }
    if (existing.size === 0) {
      await admin.run(
        `CREATE TABLE ${names.target} (${wanted.map(([column, type]) => `${quoteId(column)} ${type}`).join(', ')})`,
      )
    } else {
      for (const [column, type] of wanted) {
        if (!existing.has(column)) await admin.run(`ALTER TABLE ${names.target} ADD COLUMN ${quoteId(column)} ${type}`)
      }
    }
    if (names.tombstoneTable) {
      const keyColumns = plan.primaryKeys.map((key) => `${quoteId(key)} ${duckDbType(resolveField(plan.schema, key)!)}`)
      const seqType = duckDbType(resolveField(plan.schema, plan.sequenceBy!)!)
      await admin.run(
        `CREATE TABLE IF NOT EXISTS ${qualify(names.schema, names.tombstoneTable)} (${keyColumns.join(', ')}, ${TOMBSTONE_SEQ} ${seqType})`,
      )
    }
    for (const flow of flowsOf(plan)) {
      await admin.run(
        `INSERT INTO ${STATE_TABLE} (pipeline, table_name, flow, source_table, batches)
         SELECT $1, $2, $3, $4, 0 WHERE NOT EXISTS (SELECT 1 FROM ${STATE_TABLE} WHERE pipeline = $1 AND table_name = $2 AND flow = $3)`,
        [plan.pipeline, names.stateName, flow, plan.sourceTable],
      )
    }
    await recordColumns(
      admin,
      plan.pipeline,
      names.stateName,
      wanted.map(([column]) => column),
    )
    if (plan.ingestionType === 'snapshot') await this.settleSnapshotStaging(plan.pipeline, names)
  }

  /**
   * A snapshot in progress needs its staged calls: without them (the staging table was dropped)
   * it starts over; staged calls without a snapshot in progress (its state was reset) go.
   */
  private async settleSnapshotStaging(pipeline: string, names: TableNames): Promise<void> {
    const admin = this.connectionOrThrow()
    const staging = await tableColumns(admin, names.schema, names.snapshotTable)
    if (staging.size === 0) {
      await admin.run(
        `UPDATE ${STATE_TABLE} SET offset_json = NULL WHERE pipeline = $1 AND table_name = $2 AND flow = 'snapshot'`,
        [pipeline, names.stateName],
      )
      return
    }
    const state = await admin.runAndReadAll(
      `SELECT count(*) FROM ${STATE_TABLE} WHERE pipeline = $1 AND table_name = $2 AND flow = 'snapshot' AND offset_json IS NOT NULL`,
      [pipeline, names.stateName],
    )
    if (Number(state.getRows()[0]![0]) === 0)
      await admin.run(`DROP TABLE ${qualify(names.schema, names.snapshotTable)}`)
  }

  /** Drops a full refresh's rebuild tables and state rows (before it starts, or after it failed). */
  private async dropRebuild(pipeline: string, names: TableNames): Promise<void> {
    if (!names.refresh) return
    const admin = this.connectionOrThrow()
    for (const table of [names.targetTable, names.tombstoneTable, names.snapshotTable]) {
      if (table) await admin.run(`DROP TABLE IF EXISTS ${qualify(names.schema, table)}`)
    }
    await admin.run(`DELETE FROM ${STATE_TABLE} WHERE pipeline = $1 AND table_name = $2`, [pipeline, names.stateName])
  }

  /**
   * Runs an apply whose staged lines may exceed DuckDB's default object size: its JSON reader
   * then holds about two buffers of the line's size plus the value, so the memory limit is
   * raised for this apply alone (applies run one at a time) and restored after.
   */
  private async withReaderMemory<T>(longestLine: number, task: () => Promise<T>): Promise<T> {
    const needed = 3 * Math.max(longestLine, DEFAULT_OBJECT_BYTES) + 64 * 2 ** 20
    if (longestLine <= DEFAULT_OBJECT_BYTES || needed <= this.memoryLimitBytes) return task()
    const admin = this.connectionOrThrow()
    await admin.run(`SET GLOBAL memory_limit = '${needed}B'`)
    try {
      return await task()
    } finally {
      await admin.run(`SET GLOBAL memory_limit = ${quoteString(this.memoryLimit)}`)
    }
  }

  async recordRun(run: RunRecord): Promise<void> {
    try {
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
    } catch (error) {
      throw destinationFailure(this.location, error)
    }
  }

  async listState(pipeline?: string): Promise<StateEntry[]> {
    const entries = await listStateRows(this.connectionOrThrow(), this.location, pipeline)
    return entries.filter((entry) => !isRebuild(entry.table) && (entry.batches > 0 || entry.offset !== null))
  }

  async resetState(pipeline: string, table?: string): Promise<StateEntry[]> {
    const admin = this.connectionOrThrow()
    const all = (await listStateRows(admin, this.location)).filter((entry) => !isRebuild(entry.table))
    const selected = selectStateEntries(all, pipeline, table, this.location)
    await this.ddl.run(async () => {
      await admin.run('BEGIN TRANSACTION')
      try {
        for (const entry of selected) {
          await admin.run(`DELETE FROM ${STATE_TABLE} WHERE pipeline = $1 AND table_name = $2 AND flow = $3`, [
            entry.pipeline,
            entry.table,
            entry.flow,
          ])
          if (entry.flow === 'snapshot') await admin.run(`DROP TABLE IF EXISTS ${snapshotTableOf(entry.table)}`)
        }
        await admin.run('COMMIT')
      } catch (error) {
        await admin.run('ROLLBACK').catch(() => {})
        throw destinationFailure(this.location, error)
      }
    })
    return selected
  }

  /** Runs a query on the destination (for `lakeflow demo` and tests). */
  async query(sql: string, values: DuckDBValue[] = []): Promise<Record<string, unknown>[]> {
    const reader = await this.connectionOrThrow().runAndReadAll(sql, values)
    return reader.getRowObjectsJson() as Record<string, unknown>[]
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
