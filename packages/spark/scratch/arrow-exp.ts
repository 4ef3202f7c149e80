import { writeFileSync } from 'node:fs'
import { Spark, toSparkJson } from '@lakeflow/core/schema'
import { RecordBatchBuilder, encodeBatch } from '../src/arrow/batch-builder.ts'
const schema = Spark.table({
  s: Spark.string(), l: Spark.long({ nullable: false }), i: Spark.integer(), sh: Spark.short(), b: Spark.byte(),
  d: Spark.double(), f: Spark.float(), bo: Spark.boolean(), dec: Spark.decimal(12, 2), dt: Spark.date(),
  ts: Spark.timestamp(), tsn: Spark.timestampNtz(), bin: Spark.binary(),
  arr: Spark.array(Spark.string({ nullable: false })), m: Spark.map(Spark.string(), Spark.long()),
  st: Spark.struct({ x: Spark.long(), y: Spark.string({ nullable: false }) }), v: Spark.variant(),
})
const b = new RecordBatchBuilder(schema)
b.append({ s: 'héllo', l: -5, i: 7, sh: -3, b: 4, d: 1.5, f: 2.25, bo: true, dec: '-12.50', dt: 19000, ts: 1700000000123456, tsn: 42, bin: new Uint8Array([1,2,3]), arr: ['a','b'], m: new Map([['k', 9007199254740993n]]), st: { x: 1, y: 'z' }, v: { a: [1, 'two', null, true, 3.5], b: { c: 'x'.repeat(70) } } })
b.append({ s: null, l: 2n ** 62n, i: null, sh: null, b: null, d: null, f: null, bo: false, dec: null, dt: null, ts: -1, tsn: null, bin: null, arr: null, m: null, st: null, v: null })
writeFileSync('/tmp/spark-exp/batch.arrow', encodeBatch(b.finish()))
writeFileSync('/tmp/spark-exp/schema.json', toSparkJson(schema))
