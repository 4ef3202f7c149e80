import type { TableSchema } from '@lakeflow/core/schema'
import { makeData, RecordBatch, RecordBatchStreamWriter, type Schema, Struct } from 'apache-arrow'
import { toArrowSchema } from './arrow-schema.ts'
import { type ColumnBuilder, createColumnBuilder } from './columns.ts'

/** Limits on one record batch. */
export interface BatchLimits {
  /**
   * Rows per batch. Spark's own Arrow batches default to 10,000 rows
   * (`spark.sql.execution.arrow.maxRecordsPerBatch`).
   * @default 10000
   */
  maxRows?: number
  /**
   * Approximate bytes per batch; a batch is cut early when its buffers pass this.
   * @default 16 MiB
   */
  maxBytes?: number
}

/** Default rows per batch. */
export const DEFAULT_BATCH_ROWS = 10_000
/** Default bytes per batch. */
export const DEFAULT_BATCH_BYTES = 16 * 1024 * 1024

/**
 * Accumulates converted rows of one table into Arrow record batches, column by column in
 * typed arrays. Append rows; when {@link RecordBatchBuilder.append} reports the batch is
 * full, {@link RecordBatchBuilder.finish} it and start the next.
 * @example
 * const builder = new RecordBatchBuilder(schema)
 * for (const row of rows) if (builder.append(row)) send(encodeBatch(builder.finish()))
 * if (builder.length > 0) send(encodeBatch(builder.finish()))
 */
export class RecordBatchBuilder {
  /** The Arrow schema of every batch. */
  readonly schema: Schema
  private readonly names: string[]
  private readonly columns: ColumnBuilder[]
  private readonly maxRows: number
  private readonly maxBytes: number
  private rows = 0

  constructor(schema: TableSchema, limits: BatchLimits = {}) {
    this.schema = toArrowSchema(schema)
    this.names = Object.keys(schema.fields)
    this.columns = this.names.map((name) => createColumnBuilder(schema.fields[name]!, name))
    this.maxRows = limits.maxRows ?? DEFAULT_BATCH_ROWS
    this.maxBytes = limits.maxBytes ?? DEFAULT_BATCH_BYTES
  }

  /** Rows in the current batch. */
  get length(): number {
    return this.rows
  }

  /**
   * Appends one converted row (fields by name, as core's converter returns them).
   * Returns true when the batch is full and should be finished.
   */
  append(row: Readonly<Record<string, unknown>>): boolean {
    const names = this.names
    const columns = this.columns
    for (let index = 0; index < columns.length; index++) columns[index]!.append(row[names[index]!])
    this.rows++
    if (this.rows >= this.maxRows) return true
    // Checking bytes costs a walk over the columns: do it every 256 rows.
    return (this.rows & 255) === 0 && this.byteSize() >= this.maxBytes
  }

  /** Approximate bytes buffered in the current batch. */
  byteSize(): number {
    let total = 0
    for (const column of this.columns) total += column.byteSize()
    return total
  }

  /** The current rows as a record batch; the builder starts a new, empty batch. */
  finish(): RecordBatch {
    const length = this.rows
    const children = this.columns.map((column) => column.finish())
    this.rows = 0
    const data = makeData({ type: new Struct(this.schema.fields), length, nullCount: 0, children })
    return new RecordBatch(this.schema, data)
  }
}

/**
 * One record batch as a complete Arrow IPC stream (schema message, the batch, end-of-stream
 * marker): what `pyarrow.ipc.open_stream(buffer).read_next_batch()` reads.
 */
export function encodeBatch(batch: RecordBatch): Uint8Array {
  return RecordBatchStreamWriter.writeAll([batch]).toUint8Array(true)
}
