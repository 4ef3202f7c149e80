import { assertOffset, INGESTION_TYPES, SUPPORTED_SPECIFICATION_VERSIONS } from '@lakeflow/core/connector'
import { resolveField, toSparkJson } from '@lakeflow/core/schema'
import { defineCheck, describeError, Findings, fail, show } from '../check.ts'
import { readCall, readUntilConverged } from '../reads.ts'
import { canonical } from '../records.ts'
import type { CheckContext } from '../types.ts'
import { BAD_TABLE, thrownBy } from '../unknown-table.ts'
import { checkColumnsPopulated, validateRecords } from '../validate.ts'

const sampleOf = (context: CheckContext) => context.config.sampleRecords ?? 200

const connectorInterface = defineCheck({
  id: 'connector-interface',
  title: 'the connector implements the interface; partition capabilities come whole',
  source: 'upstream test_partition_requires_lakeflow_connect',
  async run(context) {
    const findings = new Findings(this.id)
    const connector = context.connect() as unknown as Record<string, unknown>
    for (const method of ['listTables', 'getTableSchema', 'readTableMetadata', 'readTable']) {
      if (typeof connector[method] !== 'function') {
        findings.add({
          where: 'connector',
          problem: `${method} is missing`,
          expected: 'listTables, getTableSchema, readTableMetadata and readTable as methods',
          received: `${method}: ${typeof connector[method]}`,
          fix: 'build the connector with createTableConnector, or implement LakeflowConnector fully',
        })
      }
    }
    if (!SUPPORTED_SPECIFICATION_VERSIONS.includes(connector.specificationVersion as 'v1')) {
      findings.add({
        where: 'connector',
        problem: 'unsupported specificationVersion',
        expected: SUPPORTED_SPECIFICATION_VERSIONS.join(', '),
        received: show(connector.specificationVersion),
        fix: 'set specificationVersion from @lakeflow/core (SPECIFICATION_VERSION)',
      })
    }
    const has = (name: string) => typeof connector[name] === 'function'
    const partial = (group: string[], needs: string[]) => group.some(has) && !needs.every(has)
    if (
      partial(['getPartitions', 'readPartition', 'isPartitioned', 'latestOffset'], ['getPartitions', 'readPartition'])
    ) {
      findings.add({
        where: 'connector',
        problem: 'a partition capability is incomplete',
        expected: 'getPartitions and readPartition together (PartitionSupport)',
        received: `getPartitions: ${has('getPartitions')}, readPartition: ${has('readPartition')}`,
        fix: 'implement both partition methods, or neither',
      })
    }
    if (partial(['isPartitioned', 'latestOffset'], ['isPartitioned', 'latestOffset'])) {
      findings.add({
        where: 'connector',
        problem: 'the partitioned-stream capability is incomplete',
        expected: 'isPartitioned and latestOffset together (PartitionedStreamSupport)',
        received: `isPartitioned: ${has('isPartitioned')}, latestOffset: ${has('latestOffset')}`,
        fix: 'implement both, or neither',
      })
    }
    findings.throwIfAny()
  },
})

const listTables = defineCheck({
  id: 'list-tables',
  title: 'listTables returns a non-empty list of unique names',
  source: 'upstream test_list_tables',
  async run(context) {
    const tables: unknown[] | unknown = await context.connect().listTables()
    const problem = (received: string): never =>
      fail(this.id, {
        where: 'connector',
        problem: 'listTables returned a bad list',
        expected: 'a non-empty array of unique strings',
        received,
        fix: 'return every table name once, as a string',
      })
    if (!Array.isArray(tables)) return problem(show(tables))
    if (tables.length === 0) problem('[]')
    const bad = tables.filter((name) => typeof name !== 'string' || name === '')
    if (bad.length > 0) problem(`non-string or empty names ${show(bad)}`)
    const duplicates = tables.filter((name, index) => tables.indexOf(name) !== index)
    if (duplicates.length > 0) problem(`duplicates ${show(duplicates)}`)
  },
})

const invalidTableName = defineCheck({
  id: 'invalid-table-name',
  title: 'getTableSchema, readTableMetadata and readTable throw for an unknown table',
  source: 'upstream test_invalid_table_name',
  async run(context) {
    const findings = new Findings(this.id)
    const connector = context.connect()
    const calls: [string, () => unknown][] = [
      ['getTableSchema', () => connector.getTableSchema(BAD_TABLE, {})],
      ['readTableMetadata', () => connector.readTableMetadata(BAD_TABLE, {})],
      ['readTable', () => connector.readTable(BAD_TABLE, {}, {})],
    ]
    for (const [method, call] of calls) {
      if ((await thrownBy(call)) === undefined) {
        findings.add({
          where: 'connector',
          problem: `${method}(${JSON.stringify(BAD_TABLE)}) did not throw`,
          expected: 'an error (UnknownTableError)',
          received: 'a normal return',
          fix: 'look the table up first and throw UnknownTableError for names listTables does not return',
        })
      }
    }
    findings.throwIfAny()
  },
})

const tableSchema = defineCheck({
  id: 'table-schema',
  title: 'every table has a struct schema with fields, stable across calls',
  source: 'upstream test_get_table_schema',
  async run(context) {
    const findings = new Findings(this.id)
    const connector = context.connect()
    for (const table of await context.tables()) {
      await findings.guard(`table ${table}`, async () => {
        const schema = await connector.getTableSchema(table, context.tableOptions(table))
        if (schema?.['x-spark'] !== 'struct' || typeof schema.fields !== 'object') {
          fail(this.id, {
            where: `table ${table}`,
            problem: 'getTableSchema did not return a struct',
            expected: 'a Spark struct (Spark.table({...}))',
            received: show(schema),
            fix: 'declare the schema with Spark.table from @lakeflow/core/schema',
          })
        }
        if (Object.keys(schema.fields).length === 0) {
          fail(this.id, {
            where: `table ${table}`,
            problem: 'the schema has no fields',
            expected: 'at least one field',
            received: '{}',
            fix: 'declare the columns',
          })
        }
        const again = await connector.getTableSchema(table, context.tableOptions(table))
        if (toSparkJson(again) !== toSparkJson(schema)) {
          fail(this.id, {
            where: `table ${table}`,
            problem: 'a second getTableSchema call returned a different schema',
            expected: toSparkJson(schema).slice(0, 200),
            received: toSparkJson(again).slice(0, 200),
            fix: 'build the schema from the table options only, never from data, time or randomness',
          })
        }
      })
    }
    findings.throwIfAny()
  },
})

const tableMetadata = defineCheck({
  id: 'table-metadata',
  title: 'metadata has a valid ingestion type, keys and cursor that resolve in the schema',
  source: 'upstream test_read_table_metadata',
  async run(context) {
    const findings = new Findings(this.id)
    const connector = context.connect()
    for (const table of await context.tables()) {
      await findings.guard(`table ${table}`, async () => {
        const options = context.tableOptions(table)
        const metadata = await connector.readTableMetadata(table, options)
        const where = `table ${table}`
        if (typeof metadata !== 'object' || metadata === null) {
          fail(this.id, {
            where,
            problem: 'metadata is not an object',
            expected: '{primary_keys, cursor_field, ingestion_type}',
            received: show(metadata),
            fix: 'return a TableMetadata object',
          })
        }
        const again = await connector.readTableMetadata(table, options)
        if (canonical(again) !== canonical(metadata)) {
          findings.add({
            where,
            problem: 'a second call returned different metadata',
            expected: show(metadata),
            received: show(again),
            fix: 'derive metadata from the table options only',
          })
        }
        if (!INGESTION_TYPES.includes(metadata.ingestion_type)) {
          fail(this.id, {
            where,
            problem: 'invalid ingestion_type',
            expected: INGESTION_TYPES.join(' | '),
            received: show(metadata.ingestion_type),
            fix: 'use one of the four upstream ingestion types',
          })
        }
        const schema = await connector.getTableSchema(table, options)
        if (metadata.ingestion_type !== 'append') {
          const keys = metadata.primary_keys
          if (!Array.isArray(keys) || keys.length === 0 || keys.some((key) => typeof key !== 'string')) {
            findings.add({
              where,
              problem: `primary_keys missing for a ${metadata.ingestion_type} table`,
              expected: 'a non-empty list of column names',
              received: show(keys),
              fix: 'declare the columns that identify a record (dotted paths allowed)',
            })
          } else {
            for (const key of keys.filter((key) => !resolveField(schema, key))) {
              findings.add({
                where,
                problem: `primary key "${key}" is not in the schema`,
                expected: `a column (or dotted path) of ${Object.keys(schema.fields).join(', ')}`,
                received: key,
                fix: 'fix the key name or add the column',
              })
            }
          }
        }
        if (metadata.ingestion_type === 'cdc' || metadata.ingestion_type === 'cdc_with_deletes') {
          const cursor = metadata.cursor_field
          if (typeof cursor !== 'string' || !resolveField(schema, cursor)) {
            findings.add({
              where,
              problem: 'cursor_field missing or not in the schema',
              expected: 'a column name of the schema',
              received: show(cursor),
              fix: 'name the column whose value orders changes (updated_at, say)',
            })
          }
        }
        if (metadata.ingestion_type === 'cdc_with_deletes' && typeof connector.readTableDeletes !== 'function') {
          findings.add({
            where,
            problem: 'cdc_with_deletes without readTableDeletes',
            expected: 'a readTableDeletes method',
            received: 'none',
            fix: 'implement readTableDeletes (readDeletes in createTableConnector) or use cdc',
          })
        }
      })
    }
    findings.throwIfAny()
  },
})

const readTable = defineCheck({
  id: 'read-table',
  title: 'readTable streams records that convert to the schema, keys present',
  source: 'upstream test_read_table',
  async run(context) {
    const findings = new Findings(this.id)
    const tables = await context.plainTables()
    if (tables.length === 0) return context.skip('no non-partitioned tables')
    const connector = context.connect()
    for (const table of tables) {
      await findings.guard(`table ${table}`, async () => {
        const call = await readCall(connector, table, {}, context.tableOptions(table), 'records', {
          limit: sampleOf(context),
        })
        if (call.end !== undefined) assertOffset(call.end, table)
        const metadata = await context.metadata(table)
        const mustHaveData =
          context.mode === 'simulate' &&
          metadata.ingestion_type !== 'snapshot' &&
          !(context.config.allowEmptyFirstRead ?? []).includes(table)
        if (mustHaveData && call.records.length === 0) {
          findings.add({
            where: `table ${table}`,
            problem: 'the first read returned no records',
            expected: 'records from the simulated corpus',
            received: '0 records',
            fix: `check the request against the simulator spec (path, params, auth), or list "${table}" in allowEmptyFirstRead`,
          })
        }
        await validateRecords(context, findings, table, call.records, 'records')
      })
    }
    findings.throwIfAny()
  },
})

const readTableDeletes = defineCheck({
  id: 'read-table-deletes',
  title: 'readTableDeletes yields tombstones with primary keys and cursor',
  source: 'upstream test_read_table_deletes',
  async run(context) {
    const findings = new Findings(this.id)
    const tables = []
    for (const table of await context.plainTables()) {
      if ((await context.metadata(table)).ingestion_type === 'cdc_with_deletes') tables.push(table)
    }
    if (tables.length === 0) return context.skip('no non-partitioned cdc_with_deletes tables')
    const connector = context.connect()
    for (const table of tables) {
      await findings.guard(`table ${table}`, async () => {
        const call = await readCall(connector, table, {}, context.tableOptions(table), 'deletes', {
          limit: sampleOf(context),
        })
        if (call.end !== undefined) assertOffset(call.end, table)
        await validateRecords(context, findings, table, call.records, 'deletes')
      })
    }
    findings.throwIfAny()
  },
})

const readTerminates = defineCheck({
  id: 'read-terminates',
  title: 'feeding offsets back reaches a fixed point within the iteration cap',
  source: 'upstream test_read_terminates',
  async run(context) {
    const findings = new Findings(this.id)
    const maxIterations = context.config.readTerminationMaxIterations ?? 50
    for (const table of await context.plainTables()) {
      await findings.guard(
        `table ${table}`,
        async () => {
          const metadata = await context.metadata(table)
          const result = await readUntilConverged({
            connector: context.connect(),
            table,
            start: {},
            tableOptions: context.tableOptions(table),
            maxIterations,
          })
          for (const call of result.calls) if (call.end !== undefined) assertOffset(call.end, table)
          const first = result.calls[0]
          if (first?.end === null && metadata.ingestion_type !== 'snapshot') {
            findings.add({
              where: `table ${table}`,
              problem: `a ${metadata.ingestion_type} table returned a null offset`,
              expected: 'an offset object (null is for snapshots only)',
              received: 'null',
              fix: 'return an offset such as {cursor: <max cursor>}',
            })
          }
          if (!result.converged) {
            const last = result.calls.slice(-3).map((call) => show(call.end, 80))
            findings.add({
              where: `table ${table}`,
              problem: `no fixed point after ${maxIterations} calls`,
              expected: 'a call that returns the offset it was given',
              received: `last offsets ${last.join(' → ')}`,
              fix: 'cap reads at an init-time "now" and return the start offset unchanged when nothing is new',
            })
          }
        },
        'a read must handle its own offsets; see the error',
      )
    }
    findings.throwIfAny()
  },
})

const columnsPopulated = defineCheck({
  id: 'columns-populated',
  title: 'every column is non-null in at least one record',
  source: 'upstream test_every_column_populated_by_at_least_one_record',
  simulatorOnly: true,
  runsOnFixture: true,
  async run(context) {
    const findings = new Findings(this.id)
    const connector = context.connect()
    for (const table of await context.plainTables()) {
      try {
        const call = await readCall(connector, table, {}, context.tableOptions(table), 'records', {
          limit: sampleOf(context),
        })
        await checkColumnsPopulated(context, findings, table, call.records)
      } catch (error) {
        // Read errors are reported by read-table.
        context.log(`${table}: ${describeError(error)}`)
      }
    }
    findings.throwIfAny()
  },
})

/** Upstream's `LakeflowConnectTests`, check for check (upstream-spec §4.2). */
export const baseChecks = [
  connectorInterface,
  listTables,
  invalidTableName,
  tableSchema,
  tableMetadata,
  readTable,
  readTableDeletes,
  readTerminates,
  columnsPopulated,
] as const
