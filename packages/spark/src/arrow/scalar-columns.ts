import type { AnySparkNode, SparkDecimal } from '@lakeflow/core/schema'
import { type Data, makeData } from 'apache-arrow'
import { ByteBuffer, FixedBuffer, OffsetBuffer } from './buffers.ts'
import { ArrowValueError, BaseBuilder } from './column-base.ts'

/** Fixed-width kinds stored in one typed array. */
export type FixedKind = 'int8' | 'int16' | 'int32' | 'float32' | 'float64'

/** byte, short, integer, date (days), float, double. */
export class FixedWidthBuilder extends BaseBuilder {
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
export class Int64Builder extends BaseBuilder {
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
export class DecimalBuilder extends BaseBuilder {
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
export class BooleanBuilder extends BaseBuilder {
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
export class VariableBuilder extends BaseBuilder {
  private readonly offsets = new OffsetBuffer()
  private readonly data = new ByteBuffer()
  private readonly utf8: boolean

  constructor(spark: AnySparkNode, path: string, utf8: boolean) {
    super(spark, path)
    this.utf8 = utf8
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
    this.offsets.set(++this.length, this.data.length)
  }

  byteSize(): number {
    return this.data.length + this.length * 4
  }

  finish(): Data {
    const length = this.length
    const validity = this.takeValidity()
    const valueOffsets = this.offsets.take(length)
    const data = this.data.take()
    this.length = 0
    return makeData({ type: this.type as never, length, ...validity, valueOffsets, data })
  }
}
