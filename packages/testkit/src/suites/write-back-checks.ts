import type { RawRecord } from '@lakeflow/core/connector'
import { compileConverter } from '@lakeflow/core/convert'
import { defineCheck, Findings, fail, show } from '../check.ts'
import { readUntilConverged, recordsOf } from '../reads.ts'
import { keyOf, valueAt } from '../records.ts'
import type { CheckContext, TableTestConfig } from '../types.ts'

/** A configured table the connector lists. */
export interface ConfiguredTable {
  table: string
  settings: TableTestConfig
}

/** Configured tables (the `tables` setting), in configuration order; `filter` narrows them. */
export async function configuredTables(
  context: CheckContext,
  filter: (entry: ConfiguredTable) => boolean | Promise<boolean> = () => true,
): Promise<ConfiguredTable[]> {
  const out: ConfiguredTable[] = []
  for (const [table, settings] of Object.entries(context.config.tables ?? {})) {
    if (await filter({ table, settings })) out.push({ table, settings })
  }
  return out
}

/** Tables the suite may insert into. */
export const insertable = (context: CheckContext) =>
  configuredTables(context, ({ settings }) => settings.newRecord !== undefined)

/** Tables whose records the source can delete: `deletes: true`, or by default the cdc_with_deletes ones. */
export async function deletable(context: CheckContext): Promise<ConfiguredTable[]> {
  const known = await context.tables()
  return configuredTables(context, async ({ table, settings }) => {
    if (settings.deletes !== undefined) return settings.deletes
    return known.includes(table) && (await context.metadata(table)).ingestion_type === 'cdc_with_deletes'
  })
}

/** The simulator corpus's primary key (the identity the mutation API uses). */
export function corpusKey(context: CheckContext, corpus: string): string[] {
  const key = context.spec?.corpora?.[corpus]?.primary_key
  if (!key || key.length === 0) {
    fail('configuration', {
      where: `corpus ${corpus}`,
      problem: 'the simulator spec declares no primary key for this corpus',
      expected: `corpora.${corpus}.primary_key in endpoints.yaml`,
      received: show(context.spec?.corpora?.[corpus]),
      fix: 'declare the corpus primary key so the suite can update and delete records',
    })
  }
  return key
}

/** The record the connector yields for a simulator record of a configured table (`toRow`, else itself). */
export function rowOf(settings: TableTestConfig | undefined, record: RawRecord): RawRecord {
  return settings?.toRow ? settings.toRow(structuredClone(record)) : record
}

/** `{field: value}` of a record's corpus key, for the mutation API. */
export function keyObject(record: RawRecord, key: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(key.map((field) => [field, valueAt(record, field)]))
}

/** The key columns used to find a written record in what the connector read. */
async function readKey(context: CheckContext, table: string, corpus: string): Promise<string[]> {
  const keys = (await context.metadata(table)).primary_keys
  return keys && keys.length > 0 ? [...keys] : corpusKey(context, corpus)
}

const insertableTables = defineCheck({
  id: 'insertable-tables',
  title: 'tables the suite writes to are tables the connector lists',
  source: 'upstream test_list_insertable_tables',
  async run(context) {
    const tables = await context.tables()
    const findings = new Findings(this.id)
    for (const { table } of await insertable(context)) {
      if (!tables.includes(table)) {
        findings.add({
          where: `table ${table}`,
          problem: 'configured as insertable but not listed',
          expected: `one of ${tables.join(', ')}`,
          received: table,
          fix: 'list the table in listTables, or fix the name under tables',
        })
      }
    }
    findings.throwIfAny()
  },
})

const deletableTables = defineCheck({
  id: 'deletable-tables',
  title: 'tables whose records the source deletes are listed cdc_with_deletes tables',
  source: 'upstream test_list_deletable_tables',
  async run(context) {
    const entries = await deletable(context)
    if (entries.length === 0) return context.skip('no deletable tables configured')
    const tables = await context.tables()
    const findings = new Findings(this.id)
    for (const { table } of entries) {
      if (!tables.includes(table)) {
        findings.add({
          where: `table ${table}`,
          problem: 'configured as deletable but not listed',
          expected: `one of ${tables.join(', ')}`,
          received: table,
          fix: 'list the table or fix the name',
        })
        continue
      }
      const type = (await context.metadata(table)).ingestion_type
      if (type !== 'cdc_with_deletes') {
        findings.add({
          where: `table ${table}`,
          problem: `the source deletes records but the table is ${type}`,
          expected: 'ingestion_type cdc_with_deletes with readTableDeletes',
          received: type,
          fix: 'declare cdc_with_deletes and read the deletes (tombstones), or deletions are never seen downstream',
        })
      }
    }
    findings.throwIfAny()
  },
})

const writeToSource = defineCheck({
  id: 'write-to-source',
  title: 'a written record lands in the source and fits the table schema',
  source: 'upstream test_write_to_source (writes through the simulator)',
  simulatorOnly: true,
  async run(context) {
    const simulator = context.requireSource()
    const entries = await insertable(context)
    if (entries.length === 0) return context.skip('no insertable tables configured (tables.<name>.newRecord)')
    const findings = new Findings(this.id)
    for (const { table, settings } of entries) {
      await findings.guard(`table ${table}`, async () => {
        const key = corpusKey(context, settings.corpus)
        const record = settings.newRecord!(0)
        context.syncClock()
        simulator.data.insert(settings.corpus, record)
        const wanted = keyOf(record, key)
        const stored = simulator.data.records(settings.corpus).find((candidate) => keyOf(candidate, key) === wanted)
        if (!stored)
          fail(this.id, {
            where: `table ${table}`,
            problem: 'the written record is not in the source',
            expected: `a record with key ${wanted}`,
            received: 'none',
            fix: 'newRecord must return a record with the corpus primary key set',
          })
        const schema = await context.schema(table)
        // The fields the connector yields for it: the record as written, or as toRow reshapes it.
        const written = settings.toRow ? rowOf(settings, stored) : record
        const unknown = Object.keys(written).filter((field) => !Object.hasOwn(schema.fields, field))
        if (unknown.length > 0) {
          findings.add({
            where: `table ${table}`,
            problem: `written field(s) ${unknown.join(', ')} are not columns of the schema`,
            expected: `fields among ${Object.keys(schema.fields).join(', ')}`,
            received: unknown.join(', '),
            fix: settings.toRow
              ? 'toRow must return the record as the connector yields it; or keep the schema in step with it'
              : 'keep the schema in step with the source: a field the source has and the schema lacks is dropped (a connector that reshapes records needs tables.<name>.toRow)',
          })
        }
        try {
          compileConverter(schema, { table })(rowOf(settings, stored))
        } catch (error) {
          findings.add({
            where: `table ${table}`,
            problem: 'the written record does not convert to the schema',
            expected: 'a record of the source converts',
            received: (error as Error).message.split('\n')[0]!,
            fix: 'fix the schema (types, nullability) to match the source',
          })
        }
      })
    }
    findings.throwIfAny()
  },
})

const incrementalAfterWrite = defineCheck({
  id: 'incremental-after-write',
  title: 'a fresh instance reading from the last offset picks up a written record',
  source: 'upstream test_incremental_after_write',
  simulatorOnly: true,
  async run(context) {
    const simulator = context.requireSource()
    const plain = await context.plainTables()
    const entries = (await insertable(context)).filter(({ table }) => plain.includes(table))
    if (entries.length === 0) return context.skip('no insertable non-partitioned tables configured')
    const findings = new Findings(this.id)
    const maxIterations = context.config.readTerminationMaxIterations ?? 50
    for (const { table, settings } of entries) {
      await findings.guard(`table ${table}`, async () => {
        const type = (await context.metadata(table)).ingestion_type
        const options = context.tableOptions(table)
        const first = await readUntilConverged({
          connector: context.connect(),
          table,
          start: {},
          tableOptions: options,
          maxIterations,
        })
        const before = recordsOf(first.calls).length
        context.syncClock()
        const record = settings.newRecord!(1)
        simulator.data.insert(settings.corpus, record)
        const second = await readUntilConverged({
          connector: context.connect(),
          table,
          start: first.offset,
          tableOptions: options,
          maxIterations,
        })
        const records = recordsOf(second.calls)
        const key = await readKey(context, table, settings.corpus)
        const wanted = keyOf(rowOf(settings, record), key)
        const found = records.some((candidate) => keyOf(candidate, key) === wanted)
        const where = `table ${table}`
        if (type === 'snapshot' && records.length !== before + 1) {
          findings.add({
            where,
            problem: 'the snapshot after one insert has the wrong size',
            expected: `${before + 1} records`,
            received: `${records.length}`,
            fix: 'a fresh instance must take a full new snapshot',
          })
        }
        if (!found) {
          findings.add({
            where,
            problem: 'a record written after the first read was not read by a fresh instance',
            expected: `a record with key ${wanted} read from offset ${show(first.offset, 80)}`,
            received: `${records.length} records, none with that key`,
            fix: 'capture the init-time cap in the constructor (not at module load) and read past the offset up to it',
          })
        }
      })
    }
    findings.throwIfAny()
  },
})

const deleteAndReadDeletes = defineCheck({
  id: 'delete-and-read-deletes',
  title: 'a record deleted in the source shows up in readTableDeletes',
  source: 'upstream test_delete_and_read_deletes',
  simulatorOnly: true,
  async run(context) {
    const simulator = context.requireSource()
    const entries = await deletable(context)
    if (entries.length === 0) return context.skip('no deletable tables configured')
    const { table, settings } = entries[0]!
    const key = corpusKey(context, settings.corpus)
    const victim = simulator.data.records(settings.corpus)[0]
    if (!victim) return context.skip(`corpus ${settings.corpus} is empty`)
    context.syncClock()
    simulator.data.delete(settings.corpus, keyObject(victim, key))
    const connector = context.connect()
    if (typeof connector.readTableDeletes !== 'function') {
      fail(this.id, {
        where: `table ${table}`,
        problem: 'no readTableDeletes',
        expected: 'a delete flow',
        received: 'none',
        fix: 'implement readTableDeletes',
      })
    }
    const result = await readUntilConverged({
      connector,
      table,
      start: {},
      tableOptions: context.tableOptions(table),
      flow: 'deletes',
      maxIterations: context.config.readTerminationMaxIterations ?? 50,
    })
    const readKeys = await readKey(context, table, settings.corpus)
    const wanted = keyOf(rowOf(settings, victim), readKeys)
    const tombstones = recordsOf(result.calls)
    if (!tombstones.some((record) => keyOf(record, readKeys) === wanted)) {
      fail(this.id, {
        where: `table ${table}`,
        problem: 'the deleted record is not among the tombstones',
        expected: `a tombstone with key ${wanted}`,
        received: `${tombstones.length} tombstones: ${show(tombstones.slice(0, 3), 160)}`,
        fix: "read the source's deleted-records endpoint in readTableDeletes",
      })
    }
  },
})

/** Upstream's `LakeflowConnectWriteBackTests` (§4.4), writing through the simulator's mutation API. */
export const writeBackChecks = [
  insertableTables,
  deletableTables,
  writeToSource,
  incrementalAfterWrite,
  deleteAndReadDeletes,
] as const
