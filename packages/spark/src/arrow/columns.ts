import { isPlainObject } from '@lakeflow/core/internal'
import {
  type AnySparkNode,
  matchSpark,
  Spark,
  type SparkArray,
  type SparkMap,
  type SparkStruct,
} from '@lakeflow/core/schema'
import { type Data, type DataType, makeData } from 'apache-arrow'
import { OffsetBuffer } from './buffers.ts'
import { ArrowValueError, BaseBuilder, type ColumnBuilder } from './column-base.ts'
import { BooleanBuilder, DecimalBuilder, FixedWidthBuilder, Int64Builder, VariableBuilder } from './scalar-columns.ts'
import { encodeVariant } from './variant.ts'

export { ArrowValueError, type ColumnBuilder } from './column-base.ts'

/** array<element>. */
class ListBuilder extends BaseBuilder {
  private readonly offsets = new OffsetBuffer()
  private readonly child: ColumnBuilder

  constructor(spark: SparkArray, path: string) {
    super(spark, path)
    this.child = createColumnBuilder(spark.element, `${path}[]`)
  }

  appendValue(value: unknown): void {
    if (!Array.isArray(value)) throw new ArrowValueError(this.path, 'an array', value)
    for (const item of value) this.child.append(item)
    this.close()
  }

  appendDefault(): void {
    this.close()
  }

  private close(): void {
    this.offsets.set(++this.length, this.child.length)
  }

  byteSize(): number {
    return this.length * 4 + this.child.byteSize()
  }

  finish(): Data {
    const length = this.length
    const validity = this.takeValidity()
    const valueOffsets = this.offsets.take(length)
    const child = this.child.finish()
    this.length = 0
    return makeData({ type: this.type as never, length, ...validity, valueOffsets, child } as never)
  }
}

/** map<key, value>: JS `Map`s (plain objects accepted too), as a list of non-null key/value structs. */
class MapBuilder extends BaseBuilder {
  private readonly offsets = new OffsetBuffer()
  private readonly keys: ColumnBuilder
  private readonly values: ColumnBuilder

  constructor(spark: SparkMap, path: string) {
    super(spark, path)
    this.keys = createColumnBuilder(spark.key, `${path}.key`)
    this.values = createColumnBuilder(spark.value, `${path}.value`)
  }

  appendValue(value: unknown): void {
    const entries = value instanceof Map ? value.entries() : isPlainObject(value) ? Object.entries(value) : undefined
    if (entries === undefined) throw new ArrowValueError(this.path, 'a Map', value)
    for (const [key, item] of entries) {
      this.keys.append(key)
      this.values.append(item)
    }
    this.close()
  }

  appendDefault(): void {
    this.close()
  }

  private close(): void {
    this.offsets.set(++this.length, this.keys.length)
  }

  byteSize(): number {
    return this.length * 4 + this.keys.byteSize() + this.values.byteSize()
  }

  finish(): Data {
    const length = this.length
    const validity = this.takeValidity()
    const valueOffsets = this.offsets.take(length)
    const entryCount = this.keys.length
    const entriesType = (this.type as unknown as { children: { type: DataType }[] }).children[0]!.type
    const entries = makeData({
      type: entriesType as never,
      length: entryCount,
      nullCount: 0,
      children: [this.keys.finish(), this.values.finish()],
    })
    this.length = 0
    return makeData({ type: this.type as never, length, ...validity, valueOffsets, child: entries } as never)
  }
}

/** struct<...>: plain objects with one property per field. */
class StructBuilder extends BaseBuilder {
  private readonly names: string[]
  private readonly children: ColumnBuilder[]

  constructor(spark: SparkStruct, path: string) {
    super(spark, path)
    this.names = Object.keys(spark.fields)
    this.children = this.names.map((name) => createColumnBuilder(spark.fields[name]!, path ? `${path}.${name}` : name))
  }

  appendValue(value: unknown): void {
    if (!isPlainObject(value)) throw new ArrowValueError(this.path, 'an object', value)
    for (let index = 0; index < this.names.length; index++) this.children[index]!.append(value[this.names[index]!])
    this.length++
  }

  appendDefault(): void {
    for (const child of this.children) child.appendDefault()
    this.length++
  }

  byteSize(): number {
    let total = 0
    for (const child of this.children) total += child.byteSize()
    return total
  }

  finish(): Data {
    const length = this.length
    const validity = this.takeValidity()
    const children = this.children.map((child) => child.finish())
    this.length = 0
    return makeData({ type: this.type as never, length, ...validity, children })
  }
}

/** variant: parsed JSON values, encoded into Spark's variant binary `{value, metadata}` pair. */
class VariantBuilder extends BaseBuilder {
  private readonly value: VariableBuilder
  private readonly metadata: VariableBuilder

  constructor(spark: AnySparkNode, path: string) {
    super(spark, path)
    const binary = Spark.binary({ nullable: false })
    this.value = new VariableBuilder(binary, `${path}.value`, false)
    this.metadata = new VariableBuilder(binary, `${path}.metadata`, false)
  }

  appendValue(value: unknown): void {
    const encoded = encodeVariant(value)
    this.value.appendValue(encoded.value)
    this.metadata.appendValue(encoded.metadata)
    this.length++
  }

  appendDefault(): void {
    // A valid variant null: primitive null value, empty dictionary.
    this.value.appendValue(VARIANT_NULL_VALUE)
    this.metadata.appendValue(VARIANT_EMPTY_METADATA)
    this.length++
  }

  byteSize(): number {
    return this.value.byteSize() + this.metadata.byteSize()
  }

  finish(): Data {
    const length = this.length
    const validity = this.takeValidity()
    const children = [this.value.finish(), this.metadata.finish()]
    this.length = 0
    return makeData({ type: this.type as never, length, ...validity, children })
  }
}

const VARIANT_NULL_VALUE = new Uint8Array([0])
const VARIANT_EMPTY_METADATA = new Uint8Array([1, 0, 0])

/** Creates the builder for a Spark type; `path` names the field in error messages. */
export function createColumnBuilder(type: AnySparkNode, path: string): ColumnBuilder {
  return matchSpark<ColumnBuilder>(type, {
    string: (string) => new VariableBuilder(string, path, true),
    binary: (binary) => new VariableBuilder(binary, path, false),
    long: (long) => new Int64Builder(long, path),
    timestamp: (timestamp) => new Int64Builder(timestamp, path),
    timestamp_ntz: (timestamp) => new Int64Builder(timestamp, path),
    integer: (integer) => new FixedWidthBuilder(integer, path, 'int32'),
    date: (date) => new FixedWidthBuilder(date, path, 'int32'),
    short: (short) => new FixedWidthBuilder(short, path, 'int16'),
    byte: (byte) => new FixedWidthBuilder(byte, path, 'int8'),
    double: (double) => new FixedWidthBuilder(double, path, 'float64'),
    float: (float) => new FixedWidthBuilder(float, path, 'float32'),
    boolean: (boolean) => new BooleanBuilder(boolean, path),
    variant: (variant) => new VariantBuilder(variant, path),
    decimal: (decimal) => new DecimalBuilder(decimal, path),
    array: (array) => new ListBuilder(array, path),
    map: (map) => new MapBuilder(map, path),
    struct: (struct) => new StructBuilder(struct, path),
  })
}
