import { type Offset, supportsPartitionedStream } from '@lakeflow/core/connector'
import { defineCheck, Findings, show } from '../check.ts'
import { readUntilConverged, recordsOf } from '../reads.ts'
import { keyOf } from '../records.ts'
import type { CheckContext } from '../types.ts'
import { partitionSetup, readPartitions } from './partition-checks.ts'
import { corpusKey, rowOf } from './write-back-checks.ts'

/** The keys of the whole table: the simulator's live records, else an unpartitioned read. */
async function referenceKeys(
  context: CheckContext,
  table: string,
  keys: string[],
): Promise<{ keys: Set<string>; from: string }> {
  const settings = context.config.tables?.[table]
  const corpus = settings?.corpus
  const source = context.simulator ?? context.files
  if (source && corpus) {
    return {
      keys: new Set(source.data.records(corpus).map((record) => keyOf(rowOf(settings, record), keys))),
      from: `the simulator's ${corpus} corpus`,
    }
  }
  const result = await readUntilConverged({
    connector: context.connect(),
    table,
    start: {},
    tableOptions: context.tableOptions(table),
    maxIterations: context.config.readTerminationMaxIterations ?? 50,
  })
  return {
    keys: new Set(recordsOf(result.calls).map((record) => keyOf(record, keys))),
    from: 'an unpartitioned read (readTable)',
  }
}

const partitionsDisjointCovering = defineCheck({
  id: 'partitions-disjoint-covering',
  title: 'partitions are disjoint and together hold exactly the whole table',
  source: 'contract-checks §4.5 D25',
  async run(context) {
    const { connector, tables } = await partitionSetup(context)
    const findings = new Findings(this.id)
    for (const table of tables) {
      await findings.guard(`table ${table}`, async () => {
        const metadata = await context.metadata(table)
        const corpus = context.config.tables?.[table]?.corpus
        const keys = metadata.primary_keys?.length
          ? [...metadata.primary_keys]
          : corpus
            ? corpusKey(context, corpus)
            : []
        if (keys.length === 0) return context.log(`${table}: no primary key; not checked`)
        const options = context.tableOptions(table)
        const plans: { label: string; start?: Offset | null; end?: Offset | null }[] = [{ label: 'batch' }]
        if (supportsPartitionedStream(connector))
          plans.push({
            label: 'stream from the beginning',
            start: {},
            end: await connector.latestOffset(table, options, {}),
          })
        const reference = await referenceKeys(context, table, keys)
        for (const plan of plans) {
          const partitions =
            plan.start === undefined
              ? await connector.getPartitions(table, options)
              : await connector.getPartitions(table, options, plan.start, plan.end)
          const owner = new Map<string, number>()
          const overlaps: string[] = []
          for (const [index, records] of (await readPartitions(connector, table, partitions, context)).entries()) {
            for (const record of records) {
              const key = keyOf(record, keys)
              const earlier = owner.get(key)
              if (earlier !== undefined && earlier !== index)
                overlaps.push(`${key} in partitions ${earlier} and ${index}`)
              owner.set(key, index)
            }
          }
          if (overlaps.length > 0) {
            findings.add({
              where: `table ${table} (${plan.label})`,
              problem: `${overlaps.length} record(s) appear in more than one partition`,
              expected: 'disjoint partitions',
              received: overlaps.slice(0, 3).join('; '),
              fix: 'make partition ranges half-open and adjacent: (a, b], (b, c], …',
            })
          }
          const missing = [...reference.keys].filter((key) => !owner.has(key))
          const extra = [...owner.keys()].filter((key) => !reference.keys.has(key))
          if (missing.length + extra.length > 0) {
            findings.add({
              where: `table ${table} (${plan.label})`,
              problem: 'the union of the partitions differs from the whole table',
              expected: `the ${reference.keys.size} keys of ${reference.from}`,
              received: `${owner.size} keys; missing ${missing.length} (e.g. ${missing.slice(0, 3).join(' ')}), extra ${extra.length}; partitions ${show(partitions, 200)}`,
              fix: 'cover the whole range: the first partition from the start offset, the last up to the end offset',
            })
          }
        }
      })
    }
    findings.throwIfAny()
  },
})

/** Partition coverage (contract-checks §4.5 D25). */
export const partitionCoverageChecks = [partitionsDisjointCovering] as const
