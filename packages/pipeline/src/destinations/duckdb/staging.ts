import { closeSync, ftruncateSync, openSync, rmSync, writeSync } from 'node:fs'
import type { TableSchema } from '@lakeflow/core/schema'
import { compileRecordJson } from '../../render/record-json.ts'
import type { Row } from '../types.ts'
import { ORDER_COLUMN } from './apply-sql.ts'
import { fromJsonExpr, jsonReadType, quoteId } from './duckdb-types.ts'

/** Bytes buffered in memory before a write to the staging file. */
const FLUSH_BYTES = 1 << 20
/** Longest staged line DuckDB's JSON reader accepts (one record). */
const MAX_RECORD_BYTES = 8 * 1024 * 1024

/**
 * A batch staged as NDJSON on disk: rows stream in (bounded memory whatever the batch size),
 * each line carrying its arrival order, and DuckDB reads the file natively (`read_json`) when
 * the batch commits, on its own threads.
 */
export class StagingFile {
  readonly file: string
  private readonly render: (row: Row) => string
  private descriptor: number | undefined
  private buffer = ''
  private rows = 0
  private written = 0
  private marked = { rows: 0, bytes: 0 }

  constructor(file: string, schema: TableSchema) {
    this.file = file
    this.render = compileRecordJson(schema) as (row: Row) => string
    this.descriptor = openSync(file, 'w')
  }

  /** Appends one row. */
  add(row: Row): void {
    const json = this.render(row)
    this.buffer += `{"${ORDER_COLUMN}":${this.rows},${json.slice(1)}\n`
    this.rows++
    if (this.buffer.length >= FLUSH_BYTES) this.flush()
  }

  get count(): number {
    return this.rows
  }

  private flush(): void {
    if (this.buffer.length > 0 && this.descriptor !== undefined) this.written += writeSync(this.descriptor, this.buffer)
    this.buffer = ''
  }

  /** Remembers the current end, so what follows can be dropped. */
  mark(): void {
    this.flush()
    this.marked = { rows: this.rows, bytes: this.written }
  }

  /** Drops the rows added since {@link mark}. */
  dropSinceMark(): void {
    this.buffer = ''
    if (this.descriptor !== undefined) ftruncateSync(this.descriptor, this.marked.bytes)
    this.written = this.marked.bytes
    this.rows = this.marked.rows
  }

  /** Writes what is buffered and closes the file (it stays for DuckDB to read). */
  finish(): void {
    this.flush()
    if (this.descriptor !== undefined) closeSync(this.descriptor)
    this.descriptor = undefined
  }

  /** Closes (if open) and deletes the file. */
  remove(): void {
    if (this.descriptor !== undefined) {
      closeSync(this.descriptor)
      this.descriptor = undefined
    }
    this.buffer = ''
    rmSync(this.file, { force: true })
  }
}

/**
 * A subquery reading a staging file as the schema's columns plus the arrival order, binary
 * decoded from base64: `(SELECT ... FROM read_json(...))`.
 */
export function stagedSource(file: string, schema: TableSchema): string {
  const entries = Object.entries(schema.fields)
  const literal = (text: string) => `'${text.replaceAll("'", "''")}'`
  const columns = [
    ...entries.map(([name, type]) => `${literal(name)}: ${literal(jsonReadType(type))}`),
    `${literal(ORDER_COLUMN)}: 'BIGINT'`,
  ]
  const projection = [
    ...entries.map(([name, type]) => `${fromJsonExpr(quoteId(name), type)} AS ${quoteId(name)}`),
    quoteId(ORDER_COLUMN),
  ]
  return `(SELECT ${projection.join(', ')} FROM read_json(${literal(file)}, format = 'newline_delimited', columns = {${columns.join(', ')}}, maximum_object_size = ${MAX_RECORD_BYTES}))`
}
