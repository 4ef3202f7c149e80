import path from 'node:path'
import { type DuckDBConnection, type DuckDBValue, timestampTZValue } from '@duckdb/node-api'
import { canonicalOffset, type Offset } from '@lakeflow/core/connector'
import { LakeflowError } from '@lakeflow/core/errors'
import { resolveField, type TableSchema } from '@lakeflow/core/schema'
import { SerialQueue } from '../serial-queue.ts'
import type { BatchCounts, BatchWriter, CommittedState, Flow, Row, TablePlan, TableWriter } from '../types.ts'
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
import { StagingFile, stagedSource } from './staging.ts'

/** The parts of the destination a table writer uses. */
export interface TableWriterContext {
  readonly connection: DuckDBConnection
  readonly plan: TablePlan
  /** Quoted, qualified target table. */
  readonly target: string
  /** Quoted tombstone table, for cdc_with_deletes. */
  readonly tombstones?: string
  /** The qualified name used in state. */
  readonly name: string
  /** Directory for staging files, and a prefix unique to this table. */
  readonly stagingDirectory: string
  readonly stagingPrefix: string
  /** The top-level fields the delete flow stages (keys and sequence). */
  readonly deleteSchema: TableSchema
  readState(flow: Flow): Promise<CommittedState | undefined>
  /** SQL and parameters that store a flow's new offset (run inside the batch transaction). */
  saveStateSql(flow: Flow, offset: Offset | null): { sql: string; values: DuckDBValue[] }
  /** Runs a batch apply after every other table's apply has finished (one at a time per destination). */
  exclusive<T>(task: () => Promise<T>): Promise<T>
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
  private readonly queue = new SerialQueue()
  private failure: unknown
  private batches = 0

  constructor(context: TableWriterContext) {
    this.context = context
    this.name = context.name
  }

  state(flow: Flow): Promise<CommittedState | undefined> {
    return this.context.readState(flow)
  }

  async beginBatch(flow: Flow, _startOffset: Offset | null): Promise<BatchWriter> {
    const schema = flow === 'deletes' ? this.context.deleteSchema : this.context.plan.schema
    const base = path.join(this.context.stagingDirectory, `${this.context.stagingPrefix}-${++this.batches}`)
    // upserts also stage keys and sequence alone, so finding each key's winner reads small lines
    const keys = flow === 'upsert' ? this.context.deleteSchema : undefined
    return new DuckDbBatch(this, flow, new StagingFile(base, schema, keys), schema)
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
    return this.context.exclusive(() => this.applyNow(flow, staged, schema, endOffset))
  }

  private async applyNow(
    flow: Flow,
    staged: StagingFile,
    schema: TableSchema,
    endOffset: Offset | null,
  ): Promise<BatchCounts> {
    const { connection } = this.context
    const state = this.context.saveStateSql(flow, endOffset)
    await connection.run('BEGIN TRANSACTION')
    try {
      const counts =
        staged.count === 0 && flow !== 'snapshot' ? emptyCounts() : await this.applyRows(flow, staged, schema)
      await connection.run(state.sql, state.values)
      await connection.run('COMMIT')
      return counts
    } catch (error) {
      await connection.run('ROLLBACK').catch(() => {})
      throw error
    }
  }

  private async applyRows(flow: Flow, staged: StagingFile, schema: TableSchema): Promise<BatchCounts> {
    const { connection, plan } = this.context
    const apply: ApplyContext = {
      target: this.context.target,
      stage: stagedSource(staged.files, schema),
      ...(staged.keysFiles ? { keysStage: stagedSource(staged.keysFiles, this.context.deleteSchema) } : {}),
      columns: Object.keys(plan.schema.fields),
      keys: plan.primaryKeys,
      ...(plan.sequenceBy === undefined ? {} : { sequenceBy: plan.sequenceBy }),
      ...(this.context.tombstones === undefined ? {} : { tombstones: this.context.tombstones }),
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
    return counts
  }

  async close(): Promise<void> {
    await this.queue.idle()
    this.context.release()
  }
}

function emptyCounts(): BatchCounts {
  return { rows: 0, inserted: 0, updated: 0, deleted: 0 }
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
    this.staged.add(row)
  }

  get count(): number {
    return this.staged.count
  }

  mark(): void {
    this.staged.mark()
  }

  dropSinceMark(): void {
    this.staged.dropSinceMark()
  }

  commit(endOffset: Offset | null): Promise<BatchCounts> {
    this.finished = true
    this.staged.finish()
    return this.owner
      .serial(() => this.owner.apply(this.flow, this.staged, this.schema, endOffset))
      .finally(() => this.staged.remove())
  }

  async abort(): Promise<void> {
    this.finished = true
    this.staged.remove()
  }
}

/** Checks that keys and the sequence column exist in the schema; returns the problem or undefined. */
export function checkColumns(plan: TablePlan): string | undefined {
  for (const key of plan.primaryKeys) {
    if (!resolveField(plan.schema, key)) return `primary key "${key}" is not a column of the table schema`
  }
  if (plan.sequenceBy && !resolveField(plan.schema, plan.sequenceBy)) {
    return `sequence_by column "${plan.sequenceBy}" is not a column of the table schema`
  }
  return undefined
}

/** Offsets are stored as canonical JSON. */
export function offsetText(offset: Offset | null): string | null {
  return offset === null ? null : canonicalOffset(offset)
}
