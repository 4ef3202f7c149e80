/**
 * Spark's variant binary encoding (the Parquet/Spark "Variant" format, version 1), so a
 * variant column travels to Spark as the `struct<value: binary, metadata: binary>` PySpark's
 * Arrow path expects, with no JSON re-parsing in Python.
 *
 * Layout: `metadata` = header (version 1, sorted-strings flag, offset size), dictionary
 * size, offsets, UTF-8 keys. `value` = a tree of primitives (null, booleans, int8..int64,
 * double, strings), short strings (< 64 bytes), objects (field ids sorted by key, offsets,
 * values) and arrays (offsets, values).
 */
import { isPlainObject } from '@lakeflow/core/internal'

const PRIMITIVE = 0
const SHORT_STRING = 1
const OBJECT = 2
const ARRAY = 3

const NULL = 0
const TRUE = 1
const FALSE = 2
const INT8 = 3
const INT16 = 4
const INT32 = 5
const INT64 = 6
const DOUBLE = 7
const STRING = 16

const MAX_SHORT_STRING = 63
const encoder = new TextEncoder()

/** The two halves of an encoded variant. */
export interface EncodedVariant {
  value: Uint8Array
  metadata: Uint8Array
}

/**
 * Encodes a parsed JSON value (what core's converter yields for a variant field) in
 * Spark's variant binary format. Numbers that are safe integers become the narrowest
 * integer type, other numbers doubles, bigints int64 (or their decimal text when wider).
 */
export function encodeVariant(input: unknown): EncodedVariant {
  const keys = new Set<string>()
  collectKeys(input, keys)
  const sorted = [...keys].sort()
  const ids = new Map(sorted.map((key, index) => [key, index]))
  return { value: encodeValue(input, ids), metadata: encodeMetadata(sorted) }
}

function collectKeys(value: unknown, keys: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectKeys(item, keys)
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue
      keys.add(key)
      collectKeys(item, keys)
    }
  }
}

function sizeFor(maxValue: number): number {
  if (maxValue <= 0xff) return 1
  if (maxValue <= 0xffff) return 2
  if (maxValue <= 0xffffff) return 3
  return 4
}

function writeUint(target: Uint8Array, position: number, value: number, size: number): void {
  for (let index = 0; index < size; index++) target[position + index] = (value >>> (8 * index)) & 0xff
}

function encodeMetadata(keys: readonly string[]): Uint8Array {
  const encoded = keys.map((key) => encoder.encode(key))
  const total = encoded.reduce((sum, bytes) => sum + bytes.length, 0)
  const offsetSize = sizeFor(Math.max(total, keys.length))
  const out = new Uint8Array(1 + offsetSize * (keys.length + 2) + total)
  // version 1, sorted_strings (bit 4) when there is a key, offset_size_minus_one in bits 6-7.
  out[0] = 1 | (keys.length > 0 ? 1 << 4 : 0) | ((offsetSize - 1) << 6)
  writeUint(out, 1, keys.length, offsetSize)
  let position = 1 + offsetSize
  let offset = 0
  writeUint(out, position, 0, offsetSize)
  for (const bytes of encoded) {
    offset += bytes.length
    position += offsetSize
    writeUint(out, position, offset, offsetSize)
  }
  position += offsetSize
  for (const bytes of encoded) {
    out.set(bytes, position)
    position += bytes.length
  }
  return out
}

function primitive(type: number, payload = 0): Uint8Array {
  const out = new Uint8Array(1 + payload)
  out[0] = (type << 2) | PRIMITIVE
  return out
}

function encodeValue(value: unknown, ids: ReadonlyMap<string, number>): Uint8Array {
  if (value === null || value === undefined) return primitive(NULL)
  if (value === true) return primitive(TRUE)
  if (value === false) return primitive(FALSE)
  if (typeof value === 'number') return encodeNumber(value)
  if (typeof value === 'bigint') {
    if (value >= -(2n ** 63n) && value < 2n ** 63n) {
      const out = primitive(INT64, 8)
      new DataView(out.buffer).setBigInt64(1, value, true)
      return out
    }
    return encodeString(value.toString())
  }
  if (typeof value === 'string') return encodeString(value)
  if (Array.isArray(value)) return encodeArray(value.map((item) => encodeValue(item, ids)))
  if (isPlainObject(value)) return encodeObject(value, ids)
  return encodeString(String(value))
}

function encodeNumber(value: number): Uint8Array {
  if (Number.isSafeInteger(value)) {
    if (value >= -128 && value <= 127) {
      const out = primitive(INT8, 1)
      new DataView(out.buffer).setInt8(1, value)
      return out
    }
    if (value >= -32768 && value <= 32767) {
      const out = primitive(INT16, 2)
      new DataView(out.buffer).setInt16(1, value, true)
      return out
    }
    if (value >= -2147483648 && value <= 2147483647) {
      const out = primitive(INT32, 4)
      new DataView(out.buffer).setInt32(1, value, true)
      return out
    }
    const out = primitive(INT64, 8)
    new DataView(out.buffer).setBigInt64(1, BigInt(value), true)
    return out
  }
  const out = primitive(DOUBLE, 8)
  new DataView(out.buffer).setFloat64(1, value, true)
  return out
}

function encodeString(text: string): Uint8Array {
  const bytes = encoder.encode(text)
  if (bytes.length <= MAX_SHORT_STRING) {
    const out = new Uint8Array(1 + bytes.length)
    out[0] = (bytes.length << 2) | SHORT_STRING
    out.set(bytes, 1)
    return out
  }
  const out = primitive(STRING, 4 + bytes.length)
  writeUint(out, 1, bytes.length, 4)
  out.set(bytes, 5)
  return out
}

function encodeArray(items: readonly Uint8Array[]): Uint8Array {
  const total = items.reduce((sum, item) => sum + item.length, 0)
  const large = items.length > 0xff
  const countSize = large ? 4 : 1
  const offsetSize = sizeFor(total)
  const header = 1 + countSize + offsetSize * (items.length + 1)
  const out = new Uint8Array(header + total)
  out[0] = ((((large ? 1 : 0) << 2) | (offsetSize - 1)) << 2) | ARRAY
  writeUint(out, 1, items.length, countSize)
  let position = 1 + countSize
  let offset = 0
  let cursor = header
  writeUint(out, position, 0, offsetSize)
  for (const item of items) {
    out.set(item, cursor)
    cursor += item.length
    offset += item.length
    position += offsetSize
    writeUint(out, position, offset, offsetSize)
  }
  return out
}

function encodeObject(value: Record<string, unknown>, ids: ReadonlyMap<string, number>): Uint8Array {
  // Fields are ordered by key name, as readers binary-search them.
  const keys = Object.keys(value)
    .filter((key) => value[key] !== undefined)
    .sort()
  const values = keys.map((key) => encodeValue(value[key], ids))
  const fieldIds = keys.map((key) => ids.get(key)!)
  const total = values.reduce((sum, item) => sum + item.length, 0)
  const large = keys.length > 0xff
  const countSize = large ? 4 : 1
  const idSize = sizeFor(Math.max(0, ...fieldIds))
  const offsetSize = sizeFor(total)
  const header = 1 + countSize + idSize * keys.length + offsetSize * (keys.length + 1)
  const out = new Uint8Array(header + total)
  out[0] = ((((large ? 1 : 0) << 4) | ((idSize - 1) << 2) | (offsetSize - 1)) << 2) | OBJECT
  writeUint(out, 1, keys.length, countSize)
  let position = 1 + countSize
  for (const id of fieldIds) {
    writeUint(out, position, id, idSize)
    position += idSize
  }
  let offset = 0
  let cursor = header
  writeUint(out, position, 0, offsetSize)
  for (const item of values) {
    out.set(item, cursor)
    cursor += item.length
    offset += item.length
    position += offsetSize
    writeUint(out, position, offset, offsetSize)
  }
  return out
}
