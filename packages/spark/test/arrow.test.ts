import { Spark } from '@lakeflow/core/schema'
import { tableFromIPC } from 'apache-arrow'
import { describe, expect, it } from 'vitest'
import { ArrowValueError, encodeBatch, encodeVariant, RecordBatchBuilder } from '../src/index.ts'

const schema = Spark.table({
  id: Spark.long({ nullable: false }),
  name: Spark.string(),
  amount: Spark.decimal(20, 2),
  day: Spark.date(),
  at: Spark.timestamp(),
  ok: Spark.boolean(),
  small: Spark.short(),
  tags: Spark.array(Spark.string()),
  attrs: Spark.map(Spark.string({ nullable: false }), Spark.long()),
  owner: Spark.struct({ login: Spark.string({ nullable: false }), score: Spark.double() }),
})

function row(index: number) {
  const isNull = index % 3 === 2
  return {
    id: index % 2 ? -index * 4294967297 : index,
    name: isNull
      ? null
      : `name-${index}-${'é'.repeat(index % 5)}${index % 7 === 0 ? 'a long string past the fast path' : ''}`,
    amount: isNull ? null : `${index % 2 ? '-' : ''}${index}.${String(index % 100).padStart(2, '0')}`,
    day: isNull ? null : 19000 + index,
    at: isNull ? null : 1_700_000_000_000_000 + index,
    ok: isNull ? null : index % 2 === 0,
    small: isNull ? null : index % 30000,
    tags: isNull ? null : Array.from({ length: index % 4 }, (_, tag) => (tag === 1 ? null : `t${tag}`)),
    attrs: isNull
      ? null
      : new Map(Array.from({ length: index % 3 }, (_, key) => [`k${key}`, key === 1 ? null : index])),
    owner: isNull ? null : { login: `u${index}`, score: index / 4 },
  }
}

function decimalOf(words: Uint32Array, index: number): bigint {
  const view = new DataView(words.buffer, words.byteOffset + index * 16, 16)
  return (view.getBigInt64(8, true) << 64n) | view.getBigUint64(0, true)
}

describe('RecordBatchBuilder', () => {
  it('writes every column exactly, with nulls, across buffer growth', () => {
    const builder = new RecordBatchBuilder(schema, { maxRows: 5000 })
    const rows = Array.from({ length: 1200 }, (_, index) => row(index))
    for (const value of rows) expect(builder.append(value)).toBe(false)
    const table = tableFromIPC(encodeBatch(builder.finish()))
    expect(table.numRows).toBe(1200)
    const ids = table.getChild('id')!.data[0]!.values as BigInt64Array
    const amounts = table.getChild('amount')!.data[0]!
    const at = table.getChild('at')!.data[0]!.values as BigInt64Array
    rows.forEach((value, index) => {
      expect(ids[index]).toBe(BigInt(value.id))
      const present = value.name !== null
      for (const column of ['name', 'amount', 'day', 'at', 'ok', 'small', 'tags', 'attrs', 'owner']) {
        expect(table.getChild(column)!.isValid(index), `${column}[${index}]`).toBe(present)
      }
      if (!present) return
      expect(table.getChild('name')!.get(index)).toBe(value.name)
      expect(decimalOf(amounts.values as Uint32Array, index)).toBe(BigInt(value.amount!.replace('.', '')))
      expect(table.getChild('day')!.data[0]!.values[index]).toBe(value.day)
      expect(at[index]).toBe(BigInt(value.at!))
      expect(table.getChild('ok')!.get(index)).toBe(value.ok)
      expect(table.getChild('small')!.get(index)).toBe(value.small)
      expect(table.getChild('tags')!.get(index)!.toArray()).toEqual(value.tags)
      const attrs = table.getChild('attrs')!.get(index)!
      expect([...attrs].map(([key, item]) => [key, item === null ? null : Number(item)])).toEqual([...value.attrs!])
      expect(table.getChild('owner')!.get(index)!.toJSON()).toEqual(value.owner)
    })
  })

  it('cuts batches at maxRows and at maxBytes', () => {
    const byRows = new RecordBatchBuilder(schema, { maxRows: 10 })
    const full = Array.from({ length: 10 }, (_, index) => byRows.append(row(index)))
    expect(full.indexOf(true)).toBe(9)
    expect(byRows.finish().numRows).toBe(10)
    expect(byRows.length).toBe(0)
    const bySize = new RecordBatchBuilder(Spark.table({ text: Spark.string() }), { maxBytes: 64 * 1024 })
    let appended = 0
    while (!bySize.append({ text: 'x'.repeat(1000) })) appended++
    // Size is checked every 256 rows: the cut comes at the first check past 64 KiB.
    expect(appended + 1).toBe(256)
  })

  it('handles longs beyond 2^53 as bigints, and the int64 extremes', () => {
    const builder = new RecordBatchBuilder(Spark.table({ value: Spark.long() }))
    const values = [2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n, -1n, 0n]
    for (const value of values) builder.append({ value })
    builder.append({ value: Number.MAX_SAFE_INTEGER })
    builder.append({ value: -Number.MAX_SAFE_INTEGER })
    const column = tableFromIPC(encodeBatch(builder.finish())).getChild('value')!.data[0]!.values as BigInt64Array
    expect([...column]).toEqual([...values, BigInt(Number.MAX_SAFE_INTEGER), -BigInt(Number.MAX_SAFE_INTEGER)])
  })

  it('rejects values that do not fit, naming the field path', () => {
    const builder = new RecordBatchBuilder(schema)
    expect(() => builder.append({ ...row(0), id: null })).toThrow(ArrowValueError)
    expect(() => new RecordBatchBuilder(schema).append({ ...row(0), id: null })).toThrow(
      'Field "id": expected a value (the field is not nullable) for the Arrow column, got null',
    )
    expect(() => new RecordBatchBuilder(schema).append({ ...row(0), amount: '1.234' })).toThrow(
      'Field "amount": expected a decimal with at most 2 fraction digits',
    )
    expect(() => new RecordBatchBuilder(schema).append({ ...row(0), owner: { login: null, score: 1 } })).toThrow(
      'Field "owner.login": expected a value (the field is not nullable)',
    )
    expect(() => new RecordBatchBuilder(schema).append({ ...row(0), id: 1.5 })).toThrow(
      'Field "id": expected an integer',
    )
  })
})

describe('encodeVariant', () => {
  it('encodes the metadata dictionary sorted and objects with sorted field ids', () => {
    const { metadata, value } = encodeVariant({ b: 1, a: 'x' })
    // header: version 1 | sorted (0x10), offset size 1; 2 keys; offsets 0,1,2; "ab".
    expect([...metadata]).toEqual([0x11, 2, 0, 1, 2, 0x61, 0x62])
    // object header (basic type 2, sizes 1/1), 2 fields, ids [0 (a), 1 (b)], offsets [0, 2, 4], "x" short string, int8 1.
    expect([...value]).toEqual([0x02, 2, 0, 1, 0, 2, 4, 0x05, 0x78, 0x0c, 1])
  })

  it('uses the narrowest integer, doubles for fractions, long strings past 63 bytes', () => {
    expect([...encodeVariant(300).value]).toEqual([0x10, 0x2c, 0x01])
    expect(encodeVariant(1.5).value[0]).toBe(0x1c)
    const long = encodeVariant('y'.repeat(64)).value
    expect([long[0], long[1], long[2], long[3], long[4]]).toEqual([0x40, 64, 0, 0, 0])
    expect([...encodeVariant(null).value]).toEqual([0])
    expect([...encodeVariant([true, false]).value]).toEqual([0x03, 2, 0, 1, 2, 0x04, 0x08])
  })
})
