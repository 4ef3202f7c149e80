import {
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBDataChunk,
  type DuckDBType,
  type DuckDBValue,
  timestampTZValue,
} from '@duckdb/node-api'
import { canonicalOffset, type Offset } from '@lakeflow/core/connector'
import { LakeflowError } from '@lakeflow/core/errors'
import { resolveField, type TableSchema } from '@lakeflow/core/schema'
import type { BatchCounts, BatchWriter, CommittedState, Flow, Row, TablePlan, TableWriter } from '../types.ts'
import {
  type ApplyContext,
  applyDeletesSql,
  keylessSnapshotSql,
  ORDER_COLUMN,
  rememberTombstonesSql,
  scd2CloseSql,
  scd2InsertSql,
  scd2VersionsSql,
  snapshotCountsSql,
  snapshotDedupSql,
  snapshotScd1Sql,
  snapshotScd2Sql,
  tombstoneBatchSql,
  upsertScd1Sql,
} from './apply-sql.ts'
import { compileValueWriter, quoteId, type ValueWriter } from './duckdb-types.ts'

/** Rows per DataChunk handed to the appender (DuckDB's vector size). */
const CHUNK_ROWS = 2048

/** The parts of the destination a table writer uses. */
export interface TableWriterContext {
  readonly connection: DuckDBConnection
  readonly plan: TablePlan
  /** Quoted, qualified target table. */
  readonly target: string
  readonly targetSchema: string
  readonly targetTable: string
  /** Quoted tombstone table, for cdc_with_deletes. */
  readonly tombstones?: string
  /** The qualified name used in state. */
  readonly name: string
  /** Staging tables (temp) for upserts/snapshots and for deletes. */
  readonly stage: string
  readonly deleteStage: string
  /** The top-level fields the delete flow stages (keys and sequence). */
  readonly deleteSchema: TableSchema
  readState(flow: Flow): Promise<CommittedState | undefined>
  /** SQL and parameters that store a flow's new offset (run inside the batch transaction). */
  saveStateSql(flow: Flow, offset: Offset | null): { sql: string; values: DuckDBValue[] }
  release(): void
}

/** Writes converted rows into DuckDB through DataChunks, one transaction per batch. */
export class DuckDbTableWriter implements TableWriter {
  readonly name: string
  private readonly context: TableWriterContext
  private busy = false

  constructor(context: TableWriterContext) {
    this.context = context
    this.name = context.name
  }

  state(flow: Flow): Promise<CommittedState | undefined> {
    return this.context.readState(flow)
  }

  async beginBatch(flow: Flow, _startOffset: Offset | null): Promise<BatchWriter> {
    if (this.busy) throw new LakeflowError(`Table ${this.name} already has an open batch`, { category: 'internal' })
    const { connection, plan } = this.context
    await connection.run('BEGIN TRANSACTION')
    try {
      let appender: DuckDBAppender
      let schema: TableSchema
      let ordered = true
      if (flow === 'append') {
        appender = await connection.createAppender(this.context.targetTable, this.context.targetSchema)
        schema = plan.schema
        ordered = false
      } else if (flow === 'deletes') {
        await connection.run(`DELETE FROM ${this.context.deleteStage}`)
        appender = await connection.createAppender(this.context.deleteStage.replaceAll('"', ''), null, 'temp')
        schema = this.context.deleteSchema
      } else {
        await connection.run(`DELETE FROM ${this.context.stage}`)
        appender = await connection.createAppender(this.context.stage.replaceAll('"', ''), null, 'temp')
        schema = plan.schema
      }
      this.busy = true
      return new DuckDbBatch(this, flow, appender, schema, ordered, () => {
        this.busy = false
      })
    } catch (error) {
      await connection.run('ROLLBACK').catch(() => {})
      throw error
    }
  }

  /** @internal runs the flow's apply statements inside the open transaction and returns counts. */
  async apply(flow: Flow, rows: number): Promise<BatchCounts> {
    const { connection, plan } = this.context
    const apply: ApplyContext = {
      target: this.context.target,
      stage: flow === 'deletes' ? this.context.deleteStage : this.context.stage,
      columns: Object.keys(plan.schema.fields),
      keys: plan.primaryKeys,
      ...(plan.sequenceBy === undefined ? {} : { sequenceBy: plan.sequenceBy }),
      ...(this.context.tombstones === undefined ? {} : { tombstones: this.context.tombstones }),
    }
    const counts: BatchCounts = { rows, inserted: 0, updated: 0, deleted: 0 }
    const count = async () =>
      Number((await connection.runAndReadAll(`SELECT count(*) FROM ${apply.target}`)).getRows()[0]![0])
    if (flow === 'append') {
      counts.inserted = rows
    } else if (flow === 'upsert' && plan.scdType === 1) {
      const before = await count()
      const merged = await connection.run(upsertScd1Sql(apply))
      counts.inserted = (await count()) - before
      counts.updated = merged.rowsChanged - counts.inserted
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
      await connection.run(snapshotDedupSql(apply, '__lakeflow_snapshot'))
      const row = (
        await connection.runAndReadAll(snapshotCountsSql(apply, '__lakeflow_snapshot', plan.scdType))
      ).getRows()[0]!
      ;[counts.inserted, counts.deleted, counts.updated] = row.map(Number) as [number, number, number]
      if (plan.scdType === 1) {
        for (const sql of snapshotScd1Sql(apply, '__lakeflow_snapshot')) await connection.run(sql)
      } else {
        const version = timestampTZValue(BigInt(plan.runStartedAt.getTime()) * 1000n)
        for (const sql of snapshotScd2Sql(apply, '__lakeflow_snapshot')) await connection.run(sql, [version])
      }
      await connection.run('DROP TABLE __lakeflow_snapshot')
    }
    return counts
  }

  /** @internal */
  get connection(): DuckDBConnection {
    return this.context.connection
  }

  /** @internal */
  saveStateSql(flow: Flow, offset: Offset | null) {
    return this.context.saveStateSql(flow, offset)
  }

  async close(): Promise<void> {
    this.context.release()
  }
}

/** Column writers for the staged top-level fields, plus the arrival-order column when staged. */
function compileRowWriters(schema: TableSchema): { names: string[]; writers: ValueWriter[] } {
  const names = Object.keys(schema.fields)
  return { names, writers: names.map((name) => compileValueWriter(schema.fields[name]!)) }
}

class DuckDbBatch implements BatchWriter {
  private readonly owner: DuckDbTableWriter
  private readonly flow: Flow
  private readonly appender: DuckDBAppender
  private readonly names: string[]
  private readonly writers: ValueWriter[]
  private readonly types: DuckDBType[]
  private readonly ordered: boolean
  private readonly done: () => void
  private columns: DuckDBValue[][]
  private buffered = 0
  private rows = 0
  private finished = false

  constructor(
    owner: DuckDbTableWriter,
    flow: Flow,
    appender: DuckDBAppender,
    schema: TableSchema,
    ordered: boolean,
    done: () => void,
  ) {
    this.owner = owner
    this.flow = flow
    this.appender = appender
    const { names, writers } = compileRowWriters(schema)
    this.names = names
    this.writers = writers
    this.ordered = ordered
    const width = names.length + (ordered ? 1 : 0)
    this.types = Array.from({ length: width }, (_, index) => appender.columnType(index))
    this.columns = this.types.map(() => [])
    this.done = done
  }

  add(row: Row): void {
    const { names, writers, columns } = this
    for (let index = 0; index < names.length; index++) columns[index]!.push(writers[index]!(row[names[index]!]))
    if (this.ordered) columns[names.length]!.push(BigInt(this.rows))
    this.rows++
    if (++this.buffered === CHUNK_ROWS) this.flushChunk()
  }

  private flushChunk(): void {
    if (this.buffered === 0) return
    const chunk = DuckDBDataChunk.create(this.types, this.buffered)
    chunk.setColumns(this.columns)
    this.appender.appendDataChunk(chunk)
    this.columns = this.types.map(() => [])
    this.buffered = 0
  }

  async commit(endOffset: Offset | null): Promise<BatchCounts> {
    const connection = this.owner.connection
    try {
      this.flushChunk()
      this.appender.closeSync()
      const counts = await this.owner.apply(this.flow, this.rows)
      const state = this.owner.saveStateSql(this.flow, endOffset)
      await connection.run(state.sql, state.values)
      await connection.run('COMMIT')
      this.finish()
      return counts
    } catch (error) {
      await this.abort()
      throw error
    }
  }

  async abort(): Promise<void> {
    if (this.finished) return
    this.finish()
    try {
      this.appender.closeSync()
    } catch {
      // already closed or failed: the rollback below discards its rows either way
    }
    await this.owner.connection.run('ROLLBACK').catch(() => {})
  }

  private finish(): void {
    this.finished = true
    this.done()
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

export { ORDER_COLUMN, quoteId }
