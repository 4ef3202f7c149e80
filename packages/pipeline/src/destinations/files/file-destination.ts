import { createHash } from 'node:crypto'
import { createWriteStream, existsSync, mkdirSync, readdirSync, rmSync, type WriteStream } from 'node:fs'
import { appendFile, open, rename } from 'node:fs/promises'
import path from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { canonicalOffset, type Offset } from '@lakeflow/core/connector'
import { LakeflowError, redact } from '@lakeflow/core/errors'
import { compileRecordJson } from '../../render/record-json.ts'
import { DestinationError } from '../duckdb/duckdb-errors.ts'
import { quoteString } from '../duckdb/duckdb-types.ts'
import { stagedSource } from '../duckdb/staging.ts'
import { selectStateEntries } from '../state-selection.ts'
import {
  type BatchCounts,
  type BatchWriter,
  type CommittedState,
  type Destination,
  deleteSchemaOf,
  type Flow,
  type OpenTableOptions,
  qualifiedName,
  type Row,
  type RunRecord,
  type StateEntry,
  type TablePlan,
  type TableWriter,
} from '../types.ts'
import { type FileStateEntry, StateFile, syncDirectory } from './state-file.ts'

/** The state file at the root of a landing directory. */
export const FILE_STATE = '_lakeflow_state.json'
/** The run log (NDJSON) at the root of a landing directory. */
export const FILE_RUNS = '_lakeflow_runs.ndjson'

/**
 * Lands NDJSON files for Databricks Auto Loader: `<dir>/<table>/batch-<seq>-<hash>.ndjson`
 * per batch (deletes under `<table>/_deletes/`, which Auto Loader's listing skips; point a
 * second stream at it), with committed offsets in `<dir>/_lakeflow_state.json`.
 *
 * Exactly once: a batch is written to a hidden temp file (`.batch-…tmp`, which Auto Loader
 * ignores) and fsynced; then the intent `{temp, final, endOffset}` is saved in the state
 * file; then the temp file is renamed to its visible name; then the offset is committed.
 * A visible file appears only by an atomic rename of a complete file, and recovery (on the
 * next open) finishes any recorded intent without re-reading: it renames the temp file if
 * the crash came first, and commits the offset. A crash before the intent leaves only a
 * hidden temp file, discarded; the batch is re-read from the old offset. File names are
 * deterministic (sequence number and a hash of flow and start offset), so nothing is ever
 * landed twice under two names.
 */
export class FileDestination implements Destination {
  readonly kind = 'files'
  readonly groupCommitRows = 0
  readonly location: string
  /** `ndjson` (default) or `parquet` (converted from the staged NDJSON by an in-memory DuckDB). */
  readonly format: 'ndjson' | 'parquet'
  private readonly state: StateFile
  private converter: Promise<DuckDBInstance> | undefined

  constructor(directory: string, options: { format?: 'ndjson' | 'parquet' } = {}) {
    this.location = path.resolve(directory)
    this.format = options.format ?? 'ndjson'
    this.state = new StateFile(path.join(this.location, FILE_STATE))
  }

  /** Converts a staged NDJSON file (lines of up to `longestLine` bytes) into Parquet (for the parquet format). */
  private async toParquet(
    source: string,
    target: string,
    schema: TablePlan['schema'],
    longestLine: number,
  ): Promise<void> {
    this.converter ??= DuckDBInstance.create(':memory:', {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      memory_limit: '128MB',
      threads: '1',
    })
    const connection = await (await this.converter).connect()
    try {
      await connection.run(
        `COPY ${stagedSource(source, schema, { withOrder: false, longestLine })} TO ${quoteString(target)} (FORMAT parquet, COMPRESSION zstd)`,
      )
    } finally {
      connection.closeSync()
    }
  }

  async open(): Promise<void> {
    try {
      mkdirSync(this.location, { recursive: true })
      const probe = path.join(this.location, '.lakeflow-write-probe')
      await appendFile(probe, '')
      rmSync(probe)
    } catch (error) {
      throw new DestinationError(
        this.location,
        `Cannot write to destination directory ${this.location} (${(error as NodeJS.ErrnoException).code}); choose another --dest`,
        error,
      )
    }
    this.state.load()
  }

  async openTable(plan: TablePlan, options: OpenTableOptions = {}): Promise<TableWriter> {
    if (options.fullRefresh) {
      throw new LakeflowError(
        `A full refresh replaces a table in place, which landed files cannot do (they are a change log Auto Loader has read); to land table ${plan.sourceTable} again, move its folder away and reset its state (lakeflow state reset --dest-type files --dest ${this.location} --pipeline ${plan.pipeline} --table ${plan.destination.table})`,
        { category: 'config' },
      )
    }
    const name = qualifiedName(plan.destination)
    const tableDir = path.join(
      this.location,
      ...(plan.destination.schema ? [plan.destination.schema] : []),
      plan.destination.table,
    )
    for (const directory of [tableDir, path.join(tableDir, '_deletes')]) {
      mkdirSync(directory, { recursive: true })
      await this.recover(directory)
    }
    const convert =
      this.format === 'parquet'
        ? (source: string, target: string, schema: TablePlan['schema'], longestLine: number) =>
            this.toParquet(source, target, schema, longestLine)
        : undefined
    return new FileTableWriter(this.state, plan, name, tableDir, convert)
  }

  /** Finishes intents a crash interrupted, and removes temp files no intent refers to. */
  private async recover(directory: string): Promise<void> {
    const pendings = this.state
      .all()
      .filter((entry) => entry.pending && path.dirname(entry.pending.final) === directory)
    for (const entry of pendings) {
      const pending = entry.pending!
      if (existsSync(pending.temp)) await rename(pending.temp, pending.final)
      await syncDirectory(directory)
      await this.state.update((entries) => {
        const current = entries[StateFile.key(entry.pipeline, entry.table, entry.flow)]!
        current.offset = pending.endOffset
        current.batches++
        delete current.pending
      })
    }
    for (const file of readdirSync(directory)) {
      if (/^\.(batch|snapshot)-.*\.tmp$/.test(file)) rmSync(path.join(directory, file), { force: true })
    }
  }

  async recordRun(run: RunRecord): Promise<void> {
    await appendFile(path.join(this.location, FILE_RUNS), `${redact(JSON.stringify({ ...run }))}\n`)
  }

  /** Every state entry, as `StateEntry` values. */
  private entries(): StateEntry[] {
    return this.state.all().map((entry) => ({
      pipeline: entry.pipeline,
      table: entry.table,
      flow: entry.flow as Flow,
      sourceTable: entry.sourceTable,
      offset: entry.offset,
      batches: entry.batches,
      ...(entry.updatedAt ? { updatedAt: entry.updatedAt } : {}),
    }))
  }

  async listState(pipeline?: string): Promise<StateEntry[]> {
    return this.entries().filter(
      (entry) => entry.batches > 0 && (pipeline === undefined || entry.pipeline === pipeline),
    )
  }

  async resetState(pipeline: string, table?: string): Promise<StateEntry[]> {
    const selected = selectStateEntries(this.entries(), pipeline, table, this.location)
    await this.state.update((entries) => {
      for (const entry of selected) delete entries[StateFile.key(entry.pipeline, entry.table, entry.flow)]
    })
    return selected
  }

  async close(): Promise<void> {
    if (this.converter) (await this.converter).closeSync()
    this.converter = undefined
  }
}

type Convert = (source: string, target: string, schema: TablePlan['schema'], longestLine: number) => Promise<void>

class FileTableWriter implements TableWriter {
  readonly name: string
  private readonly stateFile: StateFile
  private readonly plan: TablePlan
  private readonly directory: string
  private readonly convert: Convert | undefined

  constructor(state: StateFile, plan: TablePlan, name: string, directory: string, convert?: Convert) {
    this.stateFile = state
    this.plan = plan
    this.name = name
    this.directory = directory
    this.convert = convert
  }

  private async entry(flow: Flow): Promise<FileStateEntry | undefined> {
    return this.stateFile.get(StateFile.key(this.plan.pipeline, this.name, flow))
  }

  async state(flow: Flow): Promise<CommittedState | undefined> {
    const entry = await this.entry(flow)
    return entry && entry.batches > 0
      ? { offset: entry.offset, batches: entry.batches, ...(entry.updatedAt ? { updatedAt: entry.updatedAt } : {}) }
      : undefined
  }

  async beginBatch(flow: Flow, startOffset: Offset | null): Promise<BatchWriter> {
    const entry = await this.entry(flow)
    const sequence = String((entry?.batches ?? 0) + 1).padStart(8, '0')
    const hash = createHash('sha256')
      .update(`${flow}\n${canonicalOffset(startOffset)}`)
      .digest('hex')
      .slice(0, 12)
    const directory = flow === 'deletes' ? path.join(this.directory, '_deletes') : this.directory
    const prefix = flow === 'snapshot' ? 'snapshot' : 'batch'
    const base = `${prefix}-${sequence}-${hash}.${this.convert ? 'parquet' : 'ndjson'}`
    const schema = flow === 'deletes' ? deleteSchemaOf(this.plan) : this.plan.schema
    return new FileBatch({
      state: this.stateFile,
      key: StateFile.key(this.plan.pipeline, this.name, flow),
      entry: {
        pipeline: this.plan.pipeline,
        table: this.name,
        flow,
        sourceTable: this.plan.sourceTable,
        offset: null,
        batches: 0,
      },
      temp: path.join(directory, `.${base}.tmp`),
      final: path.join(directory, base),
      render: compileRecordJson(schema),
      counts: flow === 'deletes' ? 'deleted' : 'inserted',
      ...(this.convert
        ? {
            convert: (source: string, target: string, longestLine: number) =>
              this.convert!(source, target, schema, longestLine),
          }
        : {}),
    })
  }

  async complete(): Promise<void> {}

  async close(): Promise<void> {}
}

class FileBatch implements BatchWriter {
  private readonly settings: {
    state: StateFile
    key: string
    entry: FileStateEntry
    temp: string
    final: string
    render: (row: Row) => string
    counts: 'inserted' | 'deleted'
    /** Turns the staged NDJSON (lines of up to `longestLine` bytes) into the landed format (Parquet). */
    convert?: (source: string, target: string, longestLine: number) => Promise<void>
  }
  private readonly stream: WriteStream
  /** Where rows are written: the temp file itself (NDJSON), or a staging file to convert. */
  private readonly staging: string
  private rows = 0
  /** An upper bound of the longest line's bytes (UTF-8 takes at most 3 bytes per UTF-16 unit). */
  private longest = 0
  private failed: Error | undefined

  constructor(settings: FileBatch['settings']) {
    this.settings = settings
    this.staging = settings.convert ? `${settings.temp}.ndjson.tmp` : settings.temp
    this.stream = createWriteStream(this.staging, { flags: 'w' })
    this.stream.on('error', (error) => {
      this.failed = error
    })
  }

  get count(): number {
    return this.rows
  }

  add(row: Row): void | Promise<void> {
    if (this.failed) throw this.failed
    this.rows++
    const line = this.settings.render(row)
    if (line.length * 3 > this.longest) this.longest = line.length * 3
    if (!this.stream.write(`${line}\n`)) {
      return new Promise((resolve) => this.stream.once('drain', resolve))
    }
  }

  async commit(endOffset: Offset | null): Promise<BatchCounts> {
    const { state, key, entry, temp, final } = this.settings
    await new Promise<void>((resolve, reject) =>
      this.stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
    )
    if (this.failed) throw this.failed
    const text = endOffset === null ? null : canonicalOffset(endOffset)
    if (text !== null && redact(text) !== text)
      throw new DestinationError(final, 'The offset contains a secret; refusing to store it (fix the connector)')
    if (this.rows > 0) {
      if (this.settings.convert) {
        await this.settings.convert(this.staging, temp, this.longest)
        rmSync(this.staging, { force: true })
      }
      const handle = await open(temp, 'r+')
      await handle.sync()
      await handle.close()
      await state.update((entries) => {
        entries[key] = { ...(entries[key] ?? entry), pending: { temp, final, endOffset } }
      })
      await rename(temp, final)
      await syncDirectory(path.dirname(final))
    } else {
      rmSync(this.staging, { force: true })
    }
    await state.update((entries) => {
      const current = entries[key] ?? { ...entry }
      current.offset = endOffset
      current.batches++
      current.updatedAt = new Date().toISOString()
      delete current.pending
      entries[key] = current
    })
    return { rows: this.rows, inserted: 0, updated: 0, deleted: 0, [this.settings.counts]: this.rows }
  }

  async abort(): Promise<void> {
    this.stream.destroy()
    rmSync(this.staging, { force: true })
    rmSync(this.settings.temp, { force: true })
  }
}
