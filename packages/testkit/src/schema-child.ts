/**
 * Runs in a child process: loads a connector definition, creates it with the given options
 * and prints every table's Spark schema JSON, so the suite can compare schemas computed in
 * two processes. Arguments: module URL or specifier, export name; standard input: the JSON
 * payload `{options, tableOptions}` (not an argument, so credentials never show in `ps`).
 */
import { toSparkJson } from '@lakeflow/core/schema'

const [specifier, exportName] = process.argv.slice(2)
if (!specifier || !exportName) {
  process.stderr.write('usage: schema-child <module> <export> < {"options":{},"tableOptions":{}}\n')
  process.exit(2)
}
const chunks: Buffer[] = []
for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
const payload = Buffer.concat(chunks).toString('utf8')
const { options, tableOptions } = JSON.parse(payload) as {
  options: Record<string, unknown>
  tableOptions: Record<string, Record<string, string>>
}
const loaded = (await import(specifier)) as Record<string, unknown>
const definition = loaded[exportName] as { create(options: Record<string, unknown>): any } | undefined
if (!definition || typeof definition.create !== 'function') {
  process.stderr.write(`${specifier} has no connector definition exported as "${exportName}"\n`)
  process.exit(3)
}
const connector = definition.create(options)
const tables: string[] = await connector.listTables()
const schemas: Record<string, string> = {}
for (const table of tables)
  schemas[table] = toSparkJson(await connector.getTableSchema(table, tableOptions[table] ?? {}))
await connector.close?.()
process.stdout.write(JSON.stringify({ tables, schemas }))
