import { supportsPartitionedStream, supportsPartitions } from '@lakeflow/core/connector'
import { UnknownTableError } from '@lakeflow/core/errors'
import {
  type AnySparkNode,
  KEY_KINDS,
  ORDERABLE_KINDS,
  resolveField,
  tableSchemaFromSparkJson,
  toSparkJson,
} from '@lakeflow/core/schema'
import { defineCheck, describeError, Findings, fail, show } from '../check.ts'
import { schemasInChildProcess } from '../child.ts'
import { canonical } from '../records.ts'
import { BAD_TABLE, thrownBy } from '../unknown-table.ts'

const DEFAULT_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/

const listTablesStable = defineCheck({
  id: 'list-tables-stable',
  title: 'listTables is stable across calls and instances; names are identifiers',
  source: 'contract-checks §4.5 A1',
  async run(context) {
    const findings = new Findings(this.id)
    const first = await context.connect().listTables()
    const connector = context.connect()
    const second = await connector.listTables()
    const third = await connector.listTables()
    for (const [label, other] of [
      ['a fresh instance', second],
      ['a second call', third],
    ] as const) {
      if (canonical(other) !== canonical(first)) {
        findings.add({
          where: 'connector',
          problem: `listTables differs on ${label}`,
          expected: show(first),
          received: show(other),
          fix: 'list tables in a fixed order from configuration or a sorted API answer',
        })
      }
    }
    const pattern = context.config.tableNamePattern ?? DEFAULT_NAME_PATTERN
    const bad = first.filter((name) => !pattern.test(name))
    if (bad.length > 0) {
      findings.add({
        where: 'connector',
        problem: 'table names do not match the naming pattern',
        expected: String(pattern),
        received: show(bad),
        fix: 'use names that are valid unquoted SQL identifiers (they become destination tables), or set tableNamePattern',
      })
    }
    findings.throwIfAny()
  },
})

const unknownTableTyped = defineCheck({
  id: 'unknown-table-typed',
  title: 'every method throws UnknownTableError for an unknown table',
  source: 'contract-checks §4.5 A2',
  async run(context) {
    const findings = new Findings(this.id)
    const connector = context.connect()
    const calls: [string, () => unknown][] = [
      ['getTableSchema', () => connector.getTableSchema(BAD_TABLE, {})],
      ['readTableMetadata', () => connector.readTableMetadata(BAD_TABLE, {})],
      ['readTable', () => connector.readTable(BAD_TABLE, {}, {})],
    ]
    if (connector.readTableDeletes)
      calls.push(['readTableDeletes', () => connector.readTableDeletes!(BAD_TABLE, {}, {})])
    if (supportsPartitions(connector)) {
      calls.push(['getPartitions', () => connector.getPartitions(BAD_TABLE, {})])
      calls.push(['readPartition', () => connector.readPartition(BAD_TABLE, {}, {})[Symbol.asyncIterator]().next()])
    }
    if (supportsPartitionedStream(connector)) {
      calls.push(['isPartitioned', () => connector.isPartitioned(BAD_TABLE)])
      calls.push(['latestOffset', () => connector.latestOffset(BAD_TABLE, {})])
    }
    for (const [method, call] of calls) {
      const error = await thrownBy(call)
      if (!UnknownTableError.isInstance(error)) {
        findings.add({
          where: 'connector',
          problem: `${method}(${JSON.stringify(BAD_TABLE)}) did not throw UnknownTableError`,
          expected: 'UnknownTableError from @lakeflow/core/errors (runners tell config mistakes from failures by it)',
          received: error === undefined ? 'no error' : describeError(error),
          fix: 'throw new UnknownTableError(name, knownTables, connectorName); createTableConnector does this for you',
        })
      }
    }
    findings.throwIfAny()
  },
})

const schemaSparkJson = defineCheck({
  id: 'schema-spark-json',
  title: "each schema round-trips through Spark's StructType JSON",
  source: 'contract-checks §4.5 A3',
  async run(context) {
    const findings = new Findings(this.id)
    for (const table of await context.tables()) {
      await findings.guard(`table ${table}`, async () => {
        const schema = await context.schema(table)
        let json: string
        try {
          json = toSparkJson(schema)
        } catch (error) {
          fail(this.id, {
            where: `table ${table}`,
            problem: 'the schema has no Spark JSON form',
            expected: 'only Spark types built with Spark.*',
            received: describeError(error),
            fix: 'build every field with the Spark builders from @lakeflow/core/schema',
          })
        }
        let back: string
        try {
          back = toSparkJson(tableSchemaFromSparkJson(json))
        } catch (error) {
          fail(this.id, {
            where: `table ${table}`,
            problem: "Spark's StructType.fromJson would reject the schema",
            expected: 'valid StructType JSON',
            received: `${describeError(error)} in ${json.slice(0, 200)}`,
            fix: 'use supported types; decimals need 1 ≤ precision ≤ 38 and 0 ≤ scale ≤ precision',
          })
        }
        if (back !== json) {
          findings.add({
            where: `table ${table}`,
            problem: 'the schema changes through Spark JSON',
            expected: json.slice(0, 300),
            received: back.slice(0, 300),
            fix: 'use the Spark builders only; hand-made nodes lose information',
          })
        }
      })
    }
    findings.throwIfAny()
  },
})

/** Field names that collide case-insensitively anywhere in a type, as dotted paths. */
export function caseCollisions(type: AnySparkNode, path = ''): string[] {
  switch (type['x-spark']) {
    case 'struct': {
      const found: string[] = []
      const seen = new Map<string, string>()
      for (const [name, field] of Object.entries(type.fields)) {
        const folded = name.toLowerCase()
        const earlier = seen.get(folded)
        if (earlier !== undefined) found.push(`${path}${earlier} / ${path}${name}`)
        seen.set(folded, name)
        found.push(...caseCollisions(field, `${path}${name}.`))
      }
      return found
    }
    case 'array':
      return caseCollisions(type.element, `${path}[].`)
    case 'map':
      return caseCollisions(type.value, `${path}{}.`)
    default:
      return []
  }
}

const schemaNamesUnique = defineCheck({
  id: 'schema-names-unique',
  title: 'field names are unique case-insensitively, at every level',
  source: 'contract-checks §4.5 A3',
  async run(context) {
    const findings = new Findings(this.id)
    for (const table of await context.tables()) {
      const collisions = caseCollisions(await context.schema(table))
      if (collisions.length > 0) {
        findings.add({
          where: `table ${table}`,
          problem: 'field names differ only by case',
          expected: 'names unique ignoring case (Spark and most warehouses fold case)',
          received: collisions.join(', '),
          fix: 'rename one of the fields',
        })
      }
    }
    findings.throwIfAny()
  },
})

const schemaAcrossProcesses = defineCheck({
  id: 'schema-across-processes',
  title: 'schemas and table list are the same when computed in another process',
  source: 'contract-checks §4.5 A3',
  timeoutMs: 60_000,
  async run(context) {
    const specifier = context.config.module
    if (!specifier) {
      fail(this.id, {
        where: 'configuration',
        problem: 'no module to load in a fresh process',
        expected: 'the `module` setting',
        received: 'undefined',
        fix: "pass module: new URL('../src/index.ts', import.meta.url).href to describeConnector",
      })
    }
    const tables = await context.tables()
    const tableOptions = Object.fromEntries(tables.map((table) => [table, context.tableOptions(table)]))
    const child = await schemasInChildProcess(
      specifier,
      context.config.exportName ?? 'connector',
      context.options,
      tableOptions,
    )
    const findings = new Findings(this.id)
    if (canonical(child.tables) !== canonical(tables)) {
      findings.add({
        where: 'connector',
        problem: 'listTables differs in another process',
        expected: show(tables),
        received: show(child.tables),
        fix: 'do not derive the table list from process state',
      })
    }
    for (const table of tables) {
      const here = toSparkJson(await context.schema(table))
      if (child.schemas[table] !== here) {
        findings.add({
          where: `table ${table}`,
          problem: 'the schema differs in another process',
          expected: here.slice(0, 200),
          received: String(child.schemas[table]).slice(0, 200),
          fix: 'never build schemas from the clock, randomness, the environment or iteration order of data',
        })
      }
    }
    findings.throwIfAny()
  },
})

const metadataTypes = defineCheck({
  id: 'metadata-types',
  title: 'primary keys are primitive, cursors orderable, metadata the same on a fresh instance',
  source: 'contract-checks §4.5 A4',
  async run(context) {
    const findings = new Findings(this.id)
    const fresh = context.connect()
    for (const table of await context.tables()) {
      await findings.guard(`table ${table}`, async () => {
        const metadata = await context.metadata(table)
        const schema = await context.schema(table)
        const where = `table ${table}`
        for (const key of metadata.primary_keys ?? []) {
          const type = resolveField(schema, key)
          if (type && !KEY_KINDS.has(type['x-spark'])) {
            findings.add({
              where,
              problem: `primary key "${key}" is ${type['x-spark']}`,
              expected: `one of ${[...KEY_KINDS].join(', ')}`,
              received: type['x-spark'],
              fix: 'key on a primitive column (an id), or a dotted path to one',
            })
          }
        }
        if (metadata.cursor_field !== undefined) {
          const type = resolveField(schema, metadata.cursor_field)
          if (type && !ORDERABLE_KINDS.has(type['x-spark'])) {
            findings.add({
              where,
              problem: `cursor_field "${metadata.cursor_field}" is ${type['x-spark']}`,
              expected: `an orderable type: ${[...ORDERABLE_KINDS].join(', ')}`,
              received: type['x-spark'],
              fix: 'use a timestamp or number that grows with each change',
            })
          }
        }
        const again = await fresh.readTableMetadata(table, context.tableOptions(table))
        if (canonical(again) !== canonical(metadata)) {
          findings.add({
            where,
            problem: 'metadata differs on a fresh instance',
            expected: show(metadata),
            received: show(again),
            fix: 'derive metadata from table options only',
          })
        }
      })
    }
    findings.throwIfAny()
  },
})

/** Metadata checks beyond upstream (contract-checks §4.5 A). */
export const schemaChecks = [
  listTablesStable,
  unknownTableTyped,
  schemaSparkJson,
  schemaNamesUnique,
  schemaAcrossProcesses,
  metadataTypes,
] as const
