import type { AnySparkNode, SparkArray, SparkDecimal, SparkMap, SparkStruct } from '@lakeflow/core/schema'
import { type Data, type DataType, makeData } from 'apache-arrow'
import { toArrowType } from './arrow-schema.ts'
import { ByteBuffer, FixedBuffer, Validity } from './buffers.ts'
import { encodeVariant } from './variant.ts'

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
    const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 80)) : String(value).slice(0, 80)
    super(`Field "${path}": expected ${expected} for the Arrow column, got ${shown} (${typeof value})`)
    this.name = 'ArrowValueError'
    this.path = path
  }
}

abstract class BaseBuilder implements ColumnBuilder {
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

type FixedKind = 'int8' | 'int16' | 'int32' | 'float32' | 'float64'

/** byte, short, integer, date (days), float, double. */
class FixedWidthBuilder extends BaseBuilder {
  private readonly values: FixedBuffer
  private view: Int8Array | Int16Array | Int32Array | Float32Array | Float64Array
  private readonly kind: FixedKind

  constructor(spark: AnySparkNode, path: string, kind: FixedKind) {
    super(spark, path)
    this.kind = kind
    const width = kind === 'int8' ? 1 : kind === 'int16' ? 2 : kind === 'float64' ? 8 : 4
    this.values = new FixedBuffer(width)
    this.view = this.makeView()
  }

  private makeView() {
    const buffer = this.values.bytes.buffer
    switch (this.kind) {
      case 'int8':
        return new Int8Array(buffer)
      case 'int16':
        return new Int16Array(buffer)
      case 'int32':
        return new Int32Array(buffer)
      case 'float32':
        return new Float32Array(buffer)
      default:
        return new Float64Array(buffer)
    }
  }

  appendValue(value: unknown): void {
    if (typeof value !== 'number') throw new ArrowValueError(this.path, 'a number', value)
    this.put(value)
  }

  appendDefault(): void {
    this.put(0)
  }

  private put(value: number): void {
    if (this.length >= this.values.capacity) {
      this.values.ensure(this.length + 1)
      this.view = this.makeView()
    }
    this.view[this.length++] = value
  }

  byteSize(): number {
    return this.length * this.values.width
  }

  finish(): Data {
    const length = this.length
    const validity = this.takeValidity()
    const bytes = this.values.take(length)
    this.length = 0
    const data = this.kind === 'int8' ? new Int8Array(bytes.buffer, 0, length) : retype(this.kind, bytes, length)
    return makeData({ type: this.type as never, length, ...validity, data } as never)
  }
}

function retype(kind: FixedKind, bytes: Uint8Array, length: number) {
  switch (kind) {
    case 'int16':
      return new Int16Array(bytes.buffer, 0, length)
    case 'int32':
      return new Int32Array(bytes.buffer, 0, length)
    case 'float32':
      return new Float32Array(bytes.buffer, 0, length)
    default:
      return new Float64Array(bytes.buffer, 0, length)
  }
}

const TWO_32 = 4294967296

/** long, timestamp, timestamp_ntz: numbers (safe integers) or bigints, written as two 32-bit words. */
class Int64Builder extends BaseBuilder {
  private readonly values = new FixedBuffer(8)

  appendValue(value: unknown): void {
    const index = this.length
    this.values.ensure(index + 1)
    const words = this.values.int32
    if (typeof value === 'number') {
      if (!Number.isInteger(value)) throw new ArrowValueError(this.path, 'an integer', value)
      // Little-endian: low word, then high word (floor division keeps two's complement for negatives).
      words[index * 2] = (value % TWO_32) | 0
      words[index * 2 + 1] = Math.floor(value / TWO_32) | 0
    } else if (typeof value === 'bigint') {
      words[index * 2] = Number(BigInt.asIntN(32, value))
      words[index * 2 + 1] = Number(BigInt.asIntN(32, value >> 32n))
    } else {
      throw new ArrowValueError(this.path, 'an integer number or bigint', value)
    }
    this.length = index + 1
  }

  appendDefault(): void {
    this.values.ensure(this.length + 1)
    this.values.int32[this.length * 2] = 0
    this.values.int32[this.length * 2 + 1] = 0
    this.length++
  }

  byteSize(): number {
    return this.length * 8
  }

  finish(): Data {
    const length = this.length
    const validity = this.takeValidity()
    const bytes = this.values.take(length)
    this.length = 0
    const data = new BigInt64Array(bytes.buffer, 0, length)
    return makeData({ type: this.type as never, length, ...validity, data } as never)
  }
}

/** decimal(p, s): exact decimal strings (`"-12.50"`), stored as 128-bit two's complement. */
class DecimalBuilder extends BaseBuilder {
  private readonly values = new FixedBuffer(16)
  private readonly scale: number

  constructor(spark: SparkDecimal, path: string) {
    super(spark, path)
    this.scale = spark.scale
  }

  appendValue(value: unknown): void {
    const unscaled = this.unscaled(value)
    this.values.ensure(this.length + 1)
    const view = new DataView(this.values.bytes.buffer)
    view.setBigUint64(this.length * 16, BigInt.asUintN(64, unscaled), true)
    view.setBigInt64(this.length * 16 + 8, BigInt.asIntN(64, unscaled >> 64n), true)
    this.length++
  }

  private unscaled(value: unknown): bigint {
    const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined
    const match = text === undefined ? null : /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim())
    if (!match || (match[2] === '' && (match[3] ?? '') === '')) {
      throw new ArrowValueError(this.path, `a decimal string with scale ${this.scale}`, value)
    }
    const fraction = match[3] ?? ''
    if (fraction.length > this.scale && /[1-9]/.test(fraction.slice(this.scale))) {
      throw new ArrowValueError(this.path, `a decimal with at most ${this.scale} fraction digits`, value)
    }
    const digits = `${match[2] || '0'}${fraction.slice(0, this.scale).padEnd(this.scale, '0')}`
    const unscaled = BigInt(digits)
    return match[1] === '-' ? -unscaled : unscaled
  }

  appendDefault(): void {
    this.values.ensure(this.length + 1)
    this.values.bytes.fill(0, this.length * 16, this.length * 16 + 16)
    this.length++
  }

  byteSize(): number {
    return this.length * 16
  }

  finish(): Data {
    const length = this.length
    const validity = this.takeValidity()
    const bytes = this.values.take(length)
    this.length = 0
    const data = new Uint32Array(bytes.buffer, 0, length * 4)
    return makeData({ type: this.type as never, length, ...validity, data } as never)
  }
}

/** boolean: bit-packed. */
class BooleanBuilder extends BaseBuilder {
  private bits = new Uint8Array(64)

  appendValue(value: unknown): void {
    if (typeof value !== 'boolean') throw new ArrowValueError(this.path, 'a boolean', value)
    this.put(value)
  }

  appendDefault(): void {
    this.put(false)
  }

  private put(value: boolean): void {
    const byte = this.length >> 3
    if (byte >= this.bits.length) {
      const next = new Uint8Array(this.bits.length * 2)
      next.set(this.bits)
      this.bits = next
    }
    if (value) this.bits[byte]! |= 1 << (this.length & 7)
    this.length++
  }

  byteSize(): number {
    return this.length >> 3
  }

  finish(): Data {
    const length = this.length
    const validity = this.takeValidity()
    const data = this.bits.slice(0, Math.ceil(length / 8))
    this.bits = new Uint8Array(this.bits.length)
    this.length = 0
    return makeData({ type: this.type as never, length, ...validity, data })
  }
}

/** Offsets (int32) plus a byte buffer: string and binary. */
class VariableBuilder extends BaseBuilder {
  private readonly offsets = new FixedBuffer(4)
  private readonly data = new ByteBuffer()
  private readonly utf8: boolean

  constructor(spark: AnySparkNode, path: string, utf8: boolean) {
    super(spark, path)
    this.utf8 = utf8
    this.offsets.int32[0] = 0
  }

  appendValue(value: unknown): void {
    if (this.utf8) {
      if (typeof value !== 'string') throw new ArrowValueError(this.path, 'a string', value)
      this.data.appendUtf8(value)
    } else {
      if (!(value instanceof Uint8Array)) throw new ArrowValueError(this.path, 'a Uint8Array', value)
      this.data.append(value)
    }
    this.close()
  }

  appendDefault(): void {
    this.close()
  }

  private close(): void {
    this.length++
    this.offsets.ensure(this.length + 1)
    this.offsets.int32[this.length] = this.data.length
  }

  byteSize(): number {
    return this.data.length + this.length * 4
  }

  finish(): Data {
    const length = this.length
    const validity = this.takeValidity()
    const offsets = new Int32Array(this.offsets.take(length + 1).buffer, 0, length + 1)
    const data = this.data.take()
    this.length = 0
    return makeData({ type: this.type as never, length, ...validity, valueOffsets: offsets, data })
  }
}

/** array<element>. */
class ListBuilder extends BaseBuilder {
  private readonly offsets = new FixedBuffer(4)
  private readonly child: ColumnBuilder

  constructor(spark: SparkArray, path: string) {
    super(spark, path)
    this.child = createColumnBuilder(spark.element, `${path}[]`)
    this.offsets.int32[0] = 0
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
    this.length++
    this.offsets.ensure(this.length + 1)
    this.offsets.int32[this.length] = this.child.length
  }

  byteSize(): number {
    return this.length * 4 + this.child.byteSize()
  }

  finish(): Data {
    const length = this.length
    const validity = this.takeValidity()
    const valueOffsets = new Int32Array(this.offsets.take(length + 1).buffer, 0, length + 1)
    const child = this.child.finish()
    this.length = 0
    return makeData({ type: this.type as never, length, ...validity, valueOffsets, child } as never)
  }
}

/** map<key, value>: JS `Map`s (plain objects accepted too), as a list of non-null key/value structs. */
class MapBuilder extends BaseBuilder {
  private readonly offsets = new FixedBuffer(4)
  private readonly keys: ColumnBuilder
  private readonly values: ColumnBuilder

  constructor(spark: SparkMap, path: string) {
    super(spark, path)
    this.keys = createColumnBuilder(spark.key, `${path}.key`)
    this.values = createColumnBuilder(spark.value, `${path}.value`)
    this.offsets.int32[0] = 0
  }

  appendValue(value: unknown): void {
    const entries = value instanceof Map ? value.entries() : isObject(value) ? Object.entries(value) : undefined
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
    this.length++
    this.offsets.ensure(this.length + 1)
    this.offsets.int32[this.length] = this.keys.length
  }

  byteSize(): number {
    return this.length * 4 + this.keys.byteSize() + this.values.byteSize()
  }

  finish(): Data {
    const length = this.length
    const validity = this.takeValidity()
    const valueOffsets = new Int32Array(this.offsets.take(length + 1).buffer, 0, length + 1)
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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
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
    if (!isObject(value)) throw new ArrowValueError(this.path, 'an object', value)
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
    const binary = { 'x-spark': 'binary', nullable: false } as unknown as AnySparkNode
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
  switch (type['x-spark']) {
    case 'string':
      return new VariableBuilder(type, path, true)
    case 'binary':
      return new VariableBuilder(type, path, false)
    case 'long':
    case 'timestamp':
    case 'timestamp_ntz':
      return new Int64Builder(type, path)
    case 'integer':
    case 'date':
      return new FixedWidthBuilder(type, path, 'int32')
    case 'short':
      return new FixedWidthBuilder(type, path, 'int16')
    case 'byte':
      return new FixedWidthBuilder(type, path, 'int8')
    case 'double':
      return new FixedWidthBuilder(type, path, 'float64')
    case 'float':
      return new FixedWidthBuilder(type, path, 'float32')
    case 'boolean':
      return new BooleanBuilder(type, path)
    case 'decimal':
      return new DecimalBuilder(type as SparkDecimal, path)
    case 'array':
      return new ListBuilder(type as SparkArray, path)
    case 'map':
      return new MapBuilder(type as SparkMap, path)
    case 'struct':
      return new StructBuilder(type as SparkStruct, path)
    case 'variant':
      return new VariantBuilder(type, path)
    default:
      throw new TypeError(`No Arrow column builder for Spark type ${JSON.stringify(type['x-spark'])}`)
  }
}
