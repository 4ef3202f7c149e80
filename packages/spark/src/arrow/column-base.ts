import { describeValue } from '@lakeflow/core/internal'
import type { AnySparkNode } from '@lakeflow/core/schema'
import type { Data, DataType } from 'apache-arrow'
import { toArrowType } from './arrow-schema.ts'
import { Validity } from './buffers.ts'

/**
 * Builds one Arrow column from converted row values (see "Converted row values" in
 * COORDINATION.md): values go straight into typed arrays, one column at a time.
 */
export interface ColumnBuilder {
  /** Values appended since the last {@link ColumnBuilder.finish}. */
  readonly length: number
  /** Appends a converted value; `null`/`undefined` is a null. */
  append(value: unknown): void
  /** Appends a valid placeholder (zero, empty) under a null parent struct. */
  appendDefault(): void
  /** Bytes buffered so far (approximate), to cap batch sizes. */
  byteSize(): number
  /** The column's Arrow data for the values appended; resets the builder. */
  finish(): Data
}

/** A value does not fit its column: names the field path, what was expected and what arrived. */
export class ArrowValueError extends TypeError {
  readonly path: string
  constructor(path: string, expected: string, value: unknown) {
    super(`Field "${path}": expected ${expected} for the Arrow column, got ${describeValue(value)}`)
    this.name = 'ArrowValueError'
    this.path = path
  }
}

/** Null handling shared by every builder: validity bitmap, non-nullable check. */
export abstract class BaseBuilder implements ColumnBuilder {
  length = 0
  protected readonly validity = new Validity()
  readonly type: DataType
  protected readonly path: string
  protected readonly nullable: boolean

  constructor(spark: AnySparkNode, path: string) {
    this.type = toArrowType(spark)
    this.path = path
    this.nullable = spark.nullable
  }

  append(value: unknown): void {
    if (value === null || value === undefined) {
      if (!this.nullable) throw new ArrowValueError(this.path, 'a value (the field is not nullable)', value)
      this.validity.setNull(this.length)
      this.appendDefault()
      return
    }
    this.appendValue(value)
  }

  abstract appendValue(value: unknown): void
  abstract appendDefault(): void
  abstract byteSize(): number
  abstract finish(): Data

  protected takeValidity(): { nullCount: number; nullBitmap: Uint8Array | undefined } {
    const nullCount = this.validity.nullCount
    return { nullCount, nullBitmap: this.validity.take(this.length) }
  }
}
