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
  /** A second file with the key and sequence fields alone, when asked for. */
  readonly keysFile: string | undefined
  private readonly render: (row: Row) => string
  private readonly renderKeys: ((row: Row) => string) | undefined
  private descriptor: number | undefined
  private keysDescriptor: number | undefined
  private buffer = ''
  private keysBuffer = ''
  private keysWritten = 0
  private rows = 0
  private written = 0
  private marked = { rows: 0, bytes: 0, keysBytes: 0 }

  constructor(file: string, schema: TableSchema, keysSchema?: TableSchema) {
    this.file = file
    this.render = compileRecordJson(schema) as (row: Row) => string
    this.descriptor = openSync(file, 'w')
    if (keysSchema) {
      this.keysFile = file.replace(/\.ndjson$/, '.keys.ndjson')
      this.renderKeys = compileRecordJson(keysSchema) as (row: Row) => string
      this.keysDescriptor = openSync(this.keysFile, 'w')
    }
  }

  /** Appends one row. */
  add(row: Row): void {
    const json = this.render(row)
    this.buffer += `{"${ORDER_COLUMN}":${this.rows},${json.slice(1)}\n`
    if (this.renderKeys) this.keysBuffer += `{"${ORDER_COLUMN}":${this.rows},${this.renderKeys(row).slice(1)}\n`
    this.rows++
    if (this.buffer.length >= FLUSH_BYTES) this.flush()
  }

  get count(): number {
    return this.rows
  }

  private flush(): void {
    if (this.buffer.length > 0 && this.descriptor !== undefined) this.written += writeSync(this.descriptor, this.buffer)
    if (this.keysBuffer.length > 0 && this.keysDescriptor !== undefined) {
      this.keysWritten += writeSync(this.keysDescriptor, this.keysBuffer)
    }
    this.buffer = ''
    this.keysBuffer = ''
  }

  /** Remembers the current end, so what follows can be dropped. */
  mark(): void {
    this.flush()
    this.marked = { rows: this.rows, bytes: this.written, keysBytes: this.keysWritten }
  }

  /** Drops the rows added since {@link mark}. */
  dropSinceMark(): void {
    this.buffer = ''
    this.keysBuffer = ''
    if (this.descriptor !== undefined) ftruncateSync(this.descriptor, this.marked.bytes)
    if (this.keysDescriptor !== undefined) ftruncateSync(this.keysDescriptor, this.marked.keysBytes)
    this.written = this.marked.bytes
    this.keysWritten = this.marked.keysBytes
    this.rows = this.marked.rows
  }

  /** Writes what is buffered and closes the file (it stays for DuckDB to read). */
  finish(): void {
    this.flush()
    this.close()
  }

  private close(): void {
    if (this.descriptor !== undefined) closeSync(this.descriptor)
    if (this.keysDescriptor !== undefined) closeSync(this.keysDescriptor)
    this.descriptor = undefined
    this.keysDescriptor = undefined
  }

  /** Closes (if open) and deletes the file. */
  remove(): void {
    this.close()
    this.buffer = ''
    this.keysBuffer = ''
    rmSync(this.file, { force: true })
    if (this.keysFile) rmSync(this.keysFile, { force: true })
  }
}

/**
 * A subquery reading a staging file as the schema's columns (plus the arrival order), binary
 * decoded from base64: `(SELECT ... FROM read_json(...))`.
 */
export function stagedSource(file: string, schema: TableSchema, withOrder = true): string {
  const entries = Object.entries(schema.fields)
  const literal = (text: string) => `'${text.replaceAll("'", "''")}'`
  const columns = [
    ...entries.map(([name, type]) => `${literal(name)}: ${literal(jsonReadType(type))}`),
    ...(withOrder ? [`${literal(ORDER_COLUMN)}: 'BIGINT'`] : []),
  ]
  const projection = [
    ...entries.map(([name, type]) => `${fromJsonExpr(quoteId(name), type)} AS ${quoteId(name)}`),
    ...(withOrder ? [quoteId(ORDER_COLUMN)] : []),
  ]
  return `(SELECT ${projection.join(', ')} FROM read_json(${literal(file)}, format = 'newline_delimited', columns = {${columns.join(', ')}}, maximum_object_size = ${MAX_RECORD_BYTES}))`
}
