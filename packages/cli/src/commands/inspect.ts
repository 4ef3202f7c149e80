import { type Offset, sameOffset } from '@lakeflow/core/connector'
import { compileConverter } from '@lakeflow/core/convert'
import { InvalidOffsetError } from '@lakeflow/core/errors'
import { toDdl, toSparkJson } from '@lakeflow/core/schema'
import { compileRecordJson } from '@lakeflow/pipeline'
import { CONNECTOR_FLAGS, integerFlag, type ParsedArgs, parseCommandArgs } from '../args.ts'
import { resolveConnectorSetup, tableOptionsOf } from '../connector-setup.ts'
import { EXIT, UsageError } from '../errors.ts'
import type { Output } from '../output.ts'

function need(args: ParsedArgs, count: number, usage: string): string[] {
  if (args.positionals.length !== count) {
    throw new UsageError(`expected ${usage}, got ${args.positionals.length} argument(s); see lakeflow --help`)
  }
  return args.positionals
}

/** `lakeflow tables <connector>`: table names, one per line (or a JSON list with --json). */
export async function tablesCommand(argv: string[], out: Output): Promise<number> {
  const args = parseCommandArgs('tables', argv, CONNECTOR_FLAGS)
  const [name] = need(args, 1, 'lakeflow tables <connector>')
  const { connector } = await resolveConnectorSetup(name!, args)
  try {
    const tables = await connector.listTables()
    out.stdout(args.values.json ? JSON.stringify(tables) : tables.join('\n'))
    return EXIT.ok
  } finally {
    await connector.close?.()
  }
}

/** `lakeflow schema <connector> <table> [--format json|ddl]`: Spark StructType JSON or DDL. */
export async function schemaCommand(argv: string[], out: Output): Promise<number> {
  const args = parseCommandArgs('schema', argv, { ...CONNECTOR_FLAGS, format: { type: 'string' } })
  const [name, table] = need(args, 2, 'lakeflow schema <connector> <table>')
  const format = (args.values.format as string | undefined) ?? 'json'
  if (format !== 'json' && format !== 'ddl')
    throw new UsageError(`--format expects json or ddl, got ${JSON.stringify(format)}`)
  const { connector } = await resolveConnectorSetup(name!, args)
  try {
    const schema = await connector.getTableSchema(table!, tableOptionsOf(args))
    out.stdout(format === 'ddl' ? toDdl(schema) : toSparkJson(schema))
    return EXIT.ok
  } finally {
    await connector.close?.()
  }
}

/** `lakeflow metadata <connector> <table>`: primary_keys, cursor_field and ingestion_type as JSON. */
export async function metadataCommand(argv: string[], out: Output): Promise<number> {
  const args = parseCommandArgs('metadata', argv, CONNECTOR_FLAGS)
  const [name, table] = need(args, 2, 'lakeflow metadata <connector> <table>')
  const { connector } = await resolveConnectorSetup(name!, args)
  try {
    out.stdout(JSON.stringify(await connector.readTableMetadata(table!, tableOptionsOf(args)), null, 2))
    return EXIT.ok
  } finally {
    await connector.close?.()
  }
}

function parseOffset(text: string | undefined): Offset | null | undefined {
  if (text === undefined) return undefined
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new UsageError(
      `--offset expects a JSON object such as '{"cursor":"2024-01-01T00:00:00Z"}' or null, got ${JSON.stringify(text)}`,
    )
  }
  if (value !== null && (typeof value !== 'object' || Array.isArray(value))) {
    throw new UsageError(`--offset expects a JSON object or null, got ${JSON.stringify(text)}`)
  }
  return value as Offset | null
}

/**
 * `lakeflow read <connector> <table> [--offset JSON] [--limit N] [--deletes]`: one read call,
 * records converted and written as NDJSON to stdout; the end offset goes to stderr.
 */
export async function readCommand(argv: string[], out: Output): Promise<number> {
  const args = parseCommandArgs('read', argv, {
    ...CONNECTOR_FLAGS,
    offset: { type: 'string' },
    limit: { type: 'string' },
    deletes: { type: 'boolean' },
  })
  const [name, table] = need(args, 2, 'lakeflow read <connector> <table>')
  const limit = integerFlag(
    'limit',
    args.values.limit as string | undefined,
    { min: 1, max: Number.MAX_SAFE_INTEGER },
    Number.POSITIVE_INFINITY,
  )
  const given = parseOffset(args.values.offset as string | undefined)
  const { connector } = await resolveConnectorSetup(name!, args)
  try {
    const options = tableOptionsOf(args)
    const schema = await connector.getTableSchema(table!, options)
    const metadata = await connector.readTableMetadata(table!, options)
    const start = given !== undefined ? given : metadata.ingestion_type === 'snapshot' ? null : {}
    const convert = compileConverter(schema, { table: table! })
    const render = compileRecordJson(schema)
    const read = args.values.deletes
      ? connector.readTableDeletes?.(table!, start, options)
      : connector.readTable(table!, start, options)
    if (!read) throw new UsageError(`table ${table} has no delete flow`)
    let count = 0
    for (;;) {
      if (out.closed) {
        // The reader went away (`| head`): what it wanted is written; stop reading.
        await read.return(null)
        return EXIT.ok
      }
      if (count >= limit) {
        await read.return(null)
        out.stderr(`lakeflow: stopped after --limit ${limit} records (end offset not reached)`)
        return EXIT.ok
      }
      const step = await read.next()
      if (step.done) {
        const end = step.value ?? null
        if (end !== null && typeof end !== 'object') throw new InvalidOffsetError(table!, 'expected an object', end)
        const unchanged = sameOffset(end, start) ? ' (unchanged: no more data)' : ''
        out.stderr(`lakeflow: ${count} records; end offset ${JSON.stringify(end)}${unchanged}`)
        return EXIT.ok
      }
      await out.line(render(convert(step.value)))
      count++
    }
  } finally {
    await connector.close?.()
  }
}
