import { rmSync } from 'node:fs'
import { DuckDBInstance } from '@duckdb/node-api'
import { issueSchema } from '../../bench/convert/issues.ts'
import { duckDbType } from './src/index.ts'

const [mem, threshold, file, batches] = [process.argv[2]!, process.argv[3]!, process.argv[4]!, Number(process.argv[5])]
for (const f of ['/tmp/pc/t8.duckdb', '/tmp/pc/t8.duckdb.wal']) rmSync(f, { force: true })
const inst = await DuckDBInstance.create(process.env.RGS ? ':memory:' : '/tmp/pc/t8.duckdb', {
  autoinstall_known_extensions: 'false',
  memory_limit: mem,
  threads: '1',
  preserve_insertion_order: 'false',
})
const c = await inst.connect()
if (process.env.RGS) {
  await c.run(`ATTACH '/tmp/pc/t8.duckdb' AS db (ROW_GROUP_SIZE ${process.env.RGS})`)
  await c.run('USE db')
}
await c.run(`SET checkpoint_threshold='${threshold}'`)
for (const q of (process.env.SQL ?? '').split(';').filter(Boolean)) await c.run(q)
const cols = Object.entries(issueSchema.fields).map(([n, t]) => `"${n}" ${duckDbType(t as any)}`)
await c.run(`CREATE TABLE issues (${cols.join(', ')})`)
const colSpec =
  '{' +
  Object.entries(issueSchema.fields)
    .map(([n, t]) => `'${n}': '${duckDbType(t as any).replaceAll("'", "''")}'`)
    .join(', ') +
  ", '__lakeflow_ord': 'BIGINT'}"
const src = `read_json('${file}', format='newline_delimited', columns=${colSpec}, maximum_object_size=${process.env.MOS ?? 8388608})`
const t = performance.now()
let ins = 0,
  com = 0
for (let i = 0; i < batches; i++) {
  const a = performance.now()
  await c.run('BEGIN')
  await c.run(`INSERT INTO issues SELECT * EXCLUDE (__lakeflow_ord) FROM ${src}`)
  const b = performance.now()
  await c.run('COMMIT')
  ins += b - a
  com += performance.now() - b
}
const a = performance.now()
await c.run('CHECKPOINT')
const cp = performance.now() - a
const rows = Number((await c.runAndReadAll('select count(*) from issues')).getRows()[0]![0])
console.log(
  `${threshold} ${file.split('/').pop()} rows ${rows} total ${Math.round(performance.now() - t)}ms insert ${Math.round(ins)} commit ${Math.round(com)} final-checkpoint ${Math.round(cp)} rec/s ${Math.round((rows / (performance.now() - t)) * 1000)} maxRSS ${Math.round(process.resourceUsage().maxRSS / 1024)}MB`,
)
