import path from 'node:path'
import { type DuckDBConnection, type DuckDBValue, timestampTZValue } from '@duckdb/node-api'
import type { Offset } from '@lakeflow/core/connector'
import { LakeflowError } from '@lakeflow/core/errors'
import type { TableSchema } from '@lakeflow/core/schema'
import { SerialQueue } from '../serial-queue.ts'
import {
  type BatchCounts,
  type BatchWriter,
  type CommittedState,
  deleteSchemaOf,
  type Flow,
  type Row,
  type TablePlan,
  type TableWriter,
} from '../types.ts'
import {
  type ApplyContext,
  appendSql,
  applyDeletesSql,
  keylessSnapshotSql,
  rememberTombstonesSql,
  scd2CloseSql,
  scd2InsertSql,
  scd2VersionsSql,
  snapshotCountsSql,
  snapshotScd1Sql,
  snapshotScd2Sql,
  snapshotSource,
  tombstoneBatchSql,
  upsertDeleteSql,
  upsertInsertSql,
  upsertKeysSql,
} from './apply-sql.ts'
import { destinationFailure, RecordTooLargeError } from './duckdb-errors.ts'
import { refreshSwapSql, stageSnapshotSql } from './duckdb-rebuild-sql.ts'
import { qualify, type TableNames } from './duckdb-table-names.ts'
import { StagingFile, stagedSource } from './staging.ts'

/**
 * The largest record a batch stages. DuckDB's JSON reader holds about two buffers of the
 * longest line, and the value itself, so a record of this size needs ~800 MB for its apply.
 */
const MAX_RECORD_BYTES = 256 * 2 ** 20

/** The parts of the destination a table writer uses. */
export interface TableWriterContext {
  readonly connection: DuckDBConnection
  readonly plan: TablePlan
  /** The DuckDB tables behind the destination table (and its rebuild, for a full refresh). */
  readonly names: TableNames
  /** The destination file, for messages. */
  readonly location: string
  /** Directory for staging files, and a prefix unique to this table. */
  readonly stagingDirectory: string
  readonly stagingPrefix: string
  readState(flow: Flow): Promise<CommittedState | undefined>
  /** SQL and parameters that store a flow's new offset (run inside the batch transaction). */
  saveStateSql(flow: Flow, offset: Offset | null, staged: boolean): { sql: string; values: DuckDBValue[] }
  /**
   * Runs a batch apply after every other table's apply has finished (one at a time per
   * destination), with memory for lines of `longestLine` bytes; `ddl` when the transaction also
   * creates, drops or renames tables (then no other catalog change runs meanwhile).
   */
  exclusive<T>(task: () => Promise<T>, settings: { longestLine: number; ddl: boolean }): Promise<T>
  /** Drops the rebuild of a full refresh that did not complete. */
  discardRebuild(): Promise<void>
  release(): void
}

/**
 * Writes batches into DuckDB. Rows are staged as NDJSON on disk; a commit reads the file with
 * DuckDB's native JSON reader and applies it, with the new offset, in one transaction. Commits
 * run in order on the table's connection, and a batch can be staged while the previous one
 * commits, so reading and writing overlap.
 */
export class DuckDbTableWriter implements TableWriter {
  readonly name: string
  private readonly context: TableWriterContext
  private readonly deleteSchema: TableSchema
  private readonly queue = new SerialQueue()
  private failure: unknown
  private batches = 0
  private completed = false

  constructor(context: TableWriterContext) {
    this.context = context
    this.name = context.names.name
    this.deleteSchema = deleteSchemaOf(context.plan)
  }

  state(flow: Flow): Promise<CommittedState | undefined> {
    return this.context.readState(flow)
  }

  async beginBatch(flow: Flow, _startOffset: Offset | null): Promise<BatchWriter> {
    const schema = flow === 'deletes' ? this.deleteSchema : this.context.plan.schema
    const base = path.join(this.context.stagingDirectory, `${this.context.stagingPrefix}-${++this.batches}`)
    // upserts also stage keys and sequence alone, so finding each key's winner reads small lines
    const keys = flow === 'upsert' ? this.deleteSchema : undefined
    let staged: StagingFile
    try {
      staged = new StagingFile(base, schema, keys)
    } catch (error) {
      throw destinationFailure(this.context.location, error)
    }
    return new DuckDbBatch(this, flow, staged, schema)
  }

  /** @internal the plan and destination file, for the batches' messages. */
  get plan(): TablePlan {
    return this.context.plan
  }

  /** @internal */
  get location(): string {
    return this.context.location
  }

  /**
   * @internal runs `task` after every earlier commit of this table; once one failed, later
   * ones are refused (a batch never commits after a lost one).
   */
  serial<T>(task: () => Promise<T>): Promise<T> {
    const run = async () => {
      if (this.failure !== undefined) throw this.failure
      try {
        return await task()
      } catch (error) {
        this.failure = error
        throw error
      }
    }
    return this.queue.run(run)
  }

  /** @internal applies a staged batch and stores the offset, in one transaction. */
  apply(flow: Flow, staged: StagingFile, schema: TableSchema, endOffset: Offset | null): Promise<BatchCounts> {
    return this.transaction({ longestLine: staged.longestLine, ddl: flow === 'snapshot' }, async () => {
      const counts =
        staged.count === 0 && flow !== 'snapshot' ? emptyCounts() : await this.applyRows(flow, staged, schema)
      const state = this.context.saveStateSql(flow, endOffset, false)
      await this.context.connection.run(state.sql, state.values)
      return counts
    })
  }

  /** @internal adds a snapshot's finished calls to its staging table, with the offset it continues from. */
  stageSnapshot(staged: StagingFile, continueFrom: Offset): Promise<BatchCounts> {
    return this.transaction({ longestLine: staged.longestLine, ddl: true }, async () => {
      await this.insertIntoSnapshotStaging(staged, true)
      const state = this.context.saveStateSql('snapshot', continueFrom, true)
      await this.context.connection.run(state.sql, state.values)
      return { ...emptyCounts(), rows: staged.count }
    })
  }

  private transaction<T>(settings: { longestLine: number; ddl: boolean }, body: () => Promise<T>): Promise<T> {
    const { connection } = this.context
    return this.context.exclusive(async () => {
      await connection.run('BEGIN TRANSACTION')
      try {
        const result = await body()
        await connection.run('COMMIT')
        return result
      } catch (error) {
        await connection.run('ROLLBACK').catch(() => {})
        throw destinationFailure(this.context.location, error)
      }
    }, settings)
  }

  private async insertIntoSnapshotStaging(staged: StagingFile, create: boolean): Promise<void> {
    const { names, plan } = this.context
    const sql = stageSnapshotSql({
      staging: qualify(names.schema, names.snapshotTable),
      schema: plan.schema,
      stage: stagedSource(staged.files, plan.schema, { longestLine: staged.longestLine }),
    })
    if (create) await this.context.connection.run(sql.create)
    await this.context.connection.run(sql.insert)
  }

  private async snapshotStaged(): Promise<boolean> {
    const { names } = this.context
    const result = await this.context.connection.runAndReadAll(
      `SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = $1 AND table_name = $2`,
      [names.schema, names.snapshotTable],
    )
    return Number(result.getRows()[0]![0]) > 0
  }

  private async applyRows(flow: Flow, staged: StagingFile, schema: TableSchema): Promise<BatchCounts> {
    const { connection, plan, names } = this.context
    let stage = stagedSource(staged.files, schema, { longestLine: staged.longestLine })
    const snapshotStaging = flow === 'snapshot' && (await this.snapshotStaged())
    if (snapshotStaging) {
      // The last call joins the staged ones; the snapshot is applied from the staging table.
      await this.insertIntoSnapshotStaging(staged, false)
      stage = `(SELECT * FROM ${qualify(names.schema, names.snapshotTable)})`
    }
    const apply: ApplyContext = {
      target: names.target,
      stage,
      ...(staged.keysFiles ? { keysStage: stagedSource(staged.keysFiles, this.deleteSchema) } : {}),
      columns: Object.keys(plan.schema.fields),
      keys: plan.primaryKeys,
      ...(plan.sequenceBy === undefined ? {} : { sequenceBy: plan.sequenceBy }),
      ...(names.tombstoneTable === undefined ? {} : { tombstones: qualify(names.schema, names.tombstoneTable) }),
    }
    const counts: BatchCounts = { ...emptyCounts(), rows: staged.count }
    if (flow === 'append') {
      counts.inserted = (await connection.run(appendSql(apply))).rowsChanged
    } else if (flow === 'upsert' && plan.scdType === 1) {
      await connection.run(upsertKeysSql(apply, '__lakeflow_keys'))
      counts.updated = (await connection.run(upsertDeleteSql(apply, '__lakeflow_keys'))).rowsChanged
      counts.inserted = (await connection.run(upsertInsertSql(apply, '__lakeflow_keys'))).rowsChanged - counts.updated
      await connection.run('DROP TABLE __lakeflow_keys')
    } else if (flow === 'upsert') {
      await connection.run(scd2VersionsSql(apply, '__lakeflow_versions'))
      counts.updated = (await connection.run(scd2CloseSql(apply, '__lakeflow_versions'))).rowsChanged
      counts.inserted = (await connection.run(scd2InsertSql(apply, '__lakeflow_versions'))).rowsChanged
      await connection.run('DROP TABLE __lakeflow_versions')
    } else if (flow === 'deletes') {
      await connection.run(tombstoneBatchSql(apply, '__lakeflow_tombstones'))
      if (apply.tombstones) await connection.run(rememberTombstonesSql(apply, '__lakeflow_tombstones'))
      counts.deleted = (await connection.run(applyDeletesSql(apply, '__lakeflow_tombstones', plan.scdType))).rowsChanged
      await connection.run('DROP TABLE __lakeflow_tombstones')
    } else if (plan.primaryKeys.length === 0) {
      const keyless = keylessSnapshotSql(apply)
      const [inserted, deleted] = (await connection.runAndReadAll(keyless.counts)).getRows()[0]!.map(Number)
      Object.assign(counts, { inserted, deleted })
      for (const sql of keyless.apply) await connection.run(sql)
    } else {
      const snapshot = snapshotSource(apply)
      const row = (await connection.runAndReadAll(snapshotCountsSql(apply, snapshot, plan.scdType))).getRows()[0]!
      ;[counts.inserted, counts.deleted, counts.updated] = row.map(Number) as [number, number, number]
      if (plan.scdType === 1) {
        for (const sql of snapshotScd1Sql(apply, snapshot)) await connection.run(sql)
      } else {
        const version = timestampTZValue(BigInt(plan.runStartedAt.getTime()) * 1000n)
        for (const sql of snapshotScd2Sql(apply, snapshot)) await connection.run(sql, [version])
      }
    }
    if (snapshotStaging) await connection.run(`DROP TABLE ${qualify(names.schema, names.snapshotTable)}`)
    return counts
  }

  async complete(): Promise<void> {
    await this.queue.idle()
    if (this.failure !== undefined) throw this.failure
    const { names, plan } = this.context
    if (names.refresh) {
      // The rebuilt table and its state replace the old ones in one transaction.
      await this.transaction({ longestLine: 0, ddl: true }, async () => {
        for (const sql of refreshSwapSql(names)) await this.context.connection.run(sql.sql, sql.values(plan.pipeline))
      })
    }
    this.completed = true
  }

  async close(): Promise<void> {
    await this.queue.idle()
    if (this.context.names.refresh && !this.completed) await this.context.discardRebuild().catch(() => {})
    this.context.release()
  }
}

function emptyCounts(): BatchCounts {
  return { rows: 0, inserted: 0, updated: 0, deleted: 0 }
}

/** A row's primary key for messages (`id=7`), or its arrival position in a keyless table. */
function describeKey(plan: TablePlan, row: Row, position: number): string {
  if (plan.primaryKeys.length === 0) return `arrival position ${position} in its batch (the table has no primary key)`
  const value = (key: string) =>
    key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | null)?.[part], row)
  return plan.primaryKeys.map((key) => `${key}=${JSON.stringify(value(key)) ?? 'null'}`).join(', ')
}

class DuckDbBatch implements BatchWriter {
  private readonly owner: DuckDbTableWriter
  private readonly flow: Flow
  private readonly staged: StagingFile
  private readonly schema: TableSchema
  private finished = false

  constructor(owner: DuckDbTableWriter, flow: Flow, staged: StagingFile, schema: TableSchema) {
    this.owner = owner
    this.flow = flow
    this.staged = staged
    this.schema = schema
  }

  add(row: Row): void {
    if (this.finished) throw new LakeflowError('This batch is already committed or aborted', { category: 'internal' })
    const bytes = this.onDisk(() => this.staged.add(row))
    if (bytes > MAX_RECORD_BYTES) {
      const { plan } = this.owner
      throw new RecordTooLargeError(
        plan.sourceTable,
        describeKey(plan, row, this.staged.count - 1),
        bytes,
        MAX_RECORD_BYTES,
      )
    }
  }

  get count(): number {
    return this.staged.count
  }

  mark(): void {
    this.onDisk(() => this.staged.mark())
  }

  dropSinceMark(): void {
    this.onDisk(() => this.staged.dropSinceMark())
  }

  /** Runs a staging file operation; a failing disk (full, say) becomes an error naming the path. */
  private onDisk<T>(operation: () => T): T {
    try {
      return operation()
    } catch (error) {
      throw destinationFailure(this.owner.location, error)
    }
  }

  commit(endOffset: Offset | null): Promise<BatchCounts> {
    this.finish()
    return this.owner
      .serial(() => this.owner.apply(this.flow, this.staged, this.schema, endOffset))
      .finally(() => this.staged.remove())
  }

  stage(continueFrom: Offset): Promise<BatchCounts> {
    this.finish()
    return this.owner
      .serial(() => this.owner.stageSnapshot(this.staged, continueFrom))
      .finally(() => this.staged.remove())
  }

  private finish(): void {
    this.finished = true
    try {
      this.onDisk(() => this.staged.finish())
    } catch (error) {
      this.staged.remove()
      throw error
    }
  }

  async abort(): Promise<void> {
    this.finished = true
    this.staged.remove()
  }
}
