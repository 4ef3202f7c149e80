import { closeSync, ftruncateSync, openSync, rmSync, writeSync } from 'node:fs'
import type { TableSchema } from '@lakeflow/core/schema'
import { compileRecordJson } from '../../render/record-json.ts'
import type { Row } from '../types.ts'
import { ORDER_COLUMN } from './apply-sql.ts'
import { fromJsonExpr, jsonReadType, quoteId, quoteString } from './duckdb-types.ts'

/**
 * Bytes of one reused write buffer. Lines are encoded straight into it (no large transient
 * strings: V8 puts every string over ~128 KB into freshly mapped memory, which is slow here).
 */
const BUFFER_BYTES = 1 << 20
/**
 * A staged batch is split into files of about this size. DuckDB's JSON reader allocates 32 MiB
 * read buffers but only touches as much of them as a file holds, so small files keep its
 * resident memory small (measured: 29 MB less for a 220 MB batch in 4 MiB parts).
 */
export const PART_BYTES = 4 << 20
/**
 * DuckDB's default `maximum_object_size`: the longest line (one record) its JSON reader accepts
 * unless told otherwise. Batches with longer lines raise it to fit (see {@link readerBytes}).
 */
export const DEFAULT_OBJECT_BYTES = 16 * 1024 * 1024

/** A position in a {@link NdjsonParts}: everything before it is kept by {@link NdjsonParts.truncate}. */
interface PartsMark {
  readonly part: number
  readonly bytes: number
}

/**
 * NDJSON lines written to numbered part files (`<base>.0.ndjson`, `<base>.1.ndjson`, ...) through
 * one reused buffer; a new part starts at a line boundary once the current one holds
 * {@link PART_BYTES}. There is always at least one part (possibly empty).
 */
class NdjsonParts {
  readonly files: string[] = []
  private readonly base: string
  private readonly buffer = Buffer.allocUnsafe(BUFFER_BYTES)
  private used = 0
  private descriptor: number | undefined
  /** Bytes of the current part on disk plus in the buffer. */
  private partBytes = 0
  /** Bytes of the current part on disk (writes go to explicit positions, so a truncation never leaves a hole). */
  private written = 0
  /** Bytes of the longest line written. */
  longest = 0

  constructor(base: string) {
    this.base = base
    this.open()
  }

  private open(): void {
    const file = `${this.base}.${this.files.length}.ndjson`
    this.files.push(file)
    this.descriptor = openSync(file, 'w')
    this.partBytes = 0
    this.written = 0
  }

  /**
   * Appends `prefix + text.slice(from) + '\n'` (both parts ASCII-safe or UTF-16, encoded as
   * UTF-8) and returns the line's length in bytes.
   */
  write(prefix: string, text: string, from: number): number {
    if (this.partBytes >= PART_BYTES) {
      this.flush()
      closeSync(this.descriptor!)
      this.open()
    }
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    const worst = (prefix.length + text.length) * 3 + 1
    if (this.used + worst > BUFFER_BYTES) this.flush()
    let bytes: number
    if (worst > BUFFER_BYTES) {
      // A huge record: write it directly (rare).
      const line = Buffer.from(`${prefix}${text.slice(from)}\n`)
      this.writeOut(line, line.length)
      bytes = line.length
    } else {
      const start = this.used
      this.used += this.buffer.write(prefix, this.used, 'latin1')
      this.used += this.buffer.write(from === 0 ? text : text.slice(from), this.used)
      this.buffer[this.used++] = 10
      bytes = this.used - start
    }
    this.partBytes += bytes
    if (bytes > this.longest) this.longest = bytes
    return bytes
  }

  /** Writes the buffered bytes to the current part. */
  flush(): void {
    this.writeOut(this.buffer, this.used)
    this.used = 0
  }

  private writeOut(bytes: Uint8Array, length: number): void {
    let at = 0
    try {
      while (at < length) {
        const count = writeSync(this.descriptor!, bytes, at, length - at, this.written)
        at += count
        this.written += count
      }
    } catch (error) {
      // Node's write errors carry no path: name the staging file (a full disk must say where).
      ;(error as NodeJS.ErrnoException).path ??= this.files.at(-1)
      throw error
    }
  }

  mark(): PartsMark {
    this.flush()
    return { part: this.files.length - 1, bytes: this.partBytes }
  }

  /** Drops everything written after `mark`. */
  truncate(mark: PartsMark): void {
    this.used = 0
    if (this.descriptor !== undefined && this.files.length - 1 > mark.part) {
      closeSync(this.descriptor)
      for (const file of this.files.splice(mark.part + 1)) rmSync(file, { force: true })
      this.descriptor = openSync(this.files[mark.part]!, 'r+')
    }
    if (this.descriptor !== undefined) ftruncateSync(this.descriptor, mark.bytes)
    this.partBytes = mark.bytes
    this.written = mark.bytes
  }

  /** Writes what is buffered and closes the current part (the files stay for DuckDB to read). */
  finish(): void {
    if (this.descriptor === undefined) return
    this.flush()
    this.close()
  }

  close(): void {
    if (this.descriptor !== undefined) closeSync(this.descriptor)
    this.descriptor = undefined
  }

  remove(): void {
    this.close()
    this.used = 0
    for (const file of this.files) rmSync(file, { force: true })
  }
}

/**
 * A batch staged as NDJSON on disk: rows stream in (bounded memory whatever the batch size),
 * each line carrying its arrival order, and DuckDB reads the files natively (`read_json`) when
 * the batch commits, on its own threads.
 */
export class StagingFile {
  /** The part files holding the rows. */
  readonly files: readonly string[]
  /** Part files with the key and sequence fields alone, when asked for. */
  readonly keysFiles: readonly string[] | undefined
  private readonly rowsOut: NdjsonParts
  private readonly keysOut: NdjsonParts | undefined
  private readonly render: (row: Row) => string
  private readonly renderKeys: ((row: Row) => string) | undefined
  private rows = 0
  private marked: { rows: number; parts: PartsMark; keys: PartsMark | undefined }

  /** `base` names the files: `<base>.<n>.ndjson` and `<base>.keys.<n>.ndjson`. */
  constructor(base: string, schema: TableSchema, keysSchema?: TableSchema) {
    this.render = compileRecordJson(schema) as (row: Row) => string
    this.rowsOut = new NdjsonParts(base)
    this.files = this.rowsOut.files
    if (keysSchema) {
      this.renderKeys = compileRecordJson(keysSchema) as (row: Row) => string
      this.keysOut = new NdjsonParts(`${base}.keys`)
    }
    this.keysFiles = this.keysOut?.files
    this.marked = { rows: 0, parts: { part: 0, bytes: 0 }, keys: this.keysOut && { part: 0, bytes: 0 } }
  }

  /** Appends one row; returns its staged size in bytes. */
  add(row: Row): number {
    // The arrival order goes first: `{"__lakeflow_ord":7,` + the record's fields.
    const prefix = `{"${ORDER_COLUMN}":${this.rows},`
    const bytes = this.rowsOut.write(prefix, this.render(row), 1)
    if (this.renderKeys) this.keysOut!.write(prefix, this.renderKeys(row), 1)
    this.rows++
    return bytes
  }

  get count(): number {
    return this.rows
  }

  /** Bytes of the longest staged line (what DuckDB's JSON reader must accept). */
  get longestLine(): number {
    return this.rowsOut.longest
  }

  /** Remembers the current end, so what follows can be dropped. */
  mark(): void {
    this.marked = { rows: this.rows, parts: this.rowsOut.mark(), keys: this.keysOut?.mark() }
  }

  /** Drops the rows added since {@link mark}. */
  dropSinceMark(): void {
    this.rowsOut.truncate(this.marked.parts)
    if (this.keysOut) this.keysOut.truncate(this.marked.keys!)
    this.rows = this.marked.rows
  }

  /** Writes what is buffered and closes the files (they stay for DuckDB to read). */
  finish(): void {
    this.rowsOut.finish()
    this.keysOut?.finish()
  }

  /** Closes (if open) and deletes the files. */
  remove(): void {
    this.rowsOut.remove()
    this.keysOut?.remove()
  }
}

/**
 * The `maximum_object_size` for staged lines of up to `longestLine` bytes: DuckDB's default, or
 * the line's size rounded up to a MiB. DuckDB's reader then holds about two buffers of this size.
 */
export function readerBytes(longestLine: number): number {
  return Math.max(DEFAULT_OBJECT_BYTES, Math.ceil((longestLine + 1) / 2 ** 20) * 2 ** 20)
}

/**
 * A subquery reading staged NDJSON (one file or a list of parts) as the schema's columns (plus
 * the arrival order), binary decoded from base64: `(SELECT ... FROM read_json(...))`.
 * `longestLine` is the longest line's size in bytes, when it may exceed DuckDB's default limit.
 */
export function stagedSource(
  files: string | readonly string[],
  schema: TableSchema,
  options: { withOrder?: boolean; longestLine?: number } = {},
): string {
  const withOrder = options.withOrder ?? true
  const entries = Object.entries(schema.fields)
  const columns = [
    ...entries.map(([name, type]) => `${quoteString(name)}: ${quoteString(jsonReadType(type))}`),
    ...(withOrder ? [`${quoteString(ORDER_COLUMN)}: 'BIGINT'`] : []),
  ]
  const projection = [
    ...entries.map(([name, type]) => `${fromJsonExpr(quoteId(name), type)} AS ${quoteId(name)}`),
    ...(withOrder ? [quoteId(ORDER_COLUMN)] : []),
  ]
  const source = typeof files === 'string' ? quoteString(files) : `[${files.map(quoteString).join(', ')}]`
  return `(SELECT ${projection.join(', ')} FROM read_json(${source}, format = 'newline_delimited', columns = {${columns.join(', ')}}, maximum_object_size = ${readerBytes(options.longestLine ?? 0)}))`
}
