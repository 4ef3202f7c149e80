import {
  assertOffset,
  type LakeflowConnector,
  type Offset,
  type Partition,
  type PartitionedStreamSupport,
  type PartitionSupport,
  type RawRecord,
  sameOffset,
  supportsPartitionedStream,
  supportsPartitions,
} from '@lakeflow/core/connector'
import { isPlainObject } from '@lakeflow/core/internal'
import { defineCheck, Findings, fail, show } from '../check.ts'
import { canonical } from '../records.ts'
import type { Check, CheckContext } from '../types.ts'
import { checkColumnsPopulated, validateRecords } from '../validate.ts'

type Partitioned = LakeflowConnector & PartitionSupport
type Streamed = LakeflowConnector & PartitionedStreamSupport

/** The partitioned tables and a connector that supports partitions, or a skip. */
export async function partitionSetup(context: CheckContext): Promise<{ connector: Partitioned; tables: string[] }> {
  const tables = await context.partitionedTables()
  if (tables.length === 0) return context.skip('no partitioned tables')
  const connector = context.connect()
  if (!supportsPartitions(connector)) return context.skip('the connector does not support partitions')
  return { connector, tables }
}

async function streamSetup(context: CheckContext): Promise<{ connector: Streamed; tables: string[] }> {
  const { connector, tables } = await partitionSetup(context)
  if (!supportsPartitionedStream(connector)) return context.skip('the connector does not support partitioned streams')
  return { connector, tables }
}

/** Reads partitions, sharing a budget of records; returns the records per partition. */
export async function readPartitions(
  connector: Partitioned,
  table: string,
  partitions: readonly Partition[],
  context: CheckContext,
  budget = Number.POSITIVE_INFINITY,
): Promise<RawRecord[][]> {
  const out: RawRecord[][] = []
  let left = budget
  for (const partition of partitions) {
    const records: RawRecord[] = []
    const iterable = connector.readPartition(table, partition, context.tableOptions(table))
    if (typeof (iterable as AsyncIterable<RawRecord>)?.[Symbol.asyncIterator] !== 'function') {
      throw new TypeError(`readPartition("${table}") returned ${show(iterable)}, not an async iterable`)
    }
    for await (const record of iterable) {
      if (left <= 0) break
      records.push(record)
      left--
    }
    out.push(records)
  }
  return out
}

function checkDescriptors(checkId: string, table: string, partitions: unknown, allowEmpty: boolean): Partition[] {
  if (!Array.isArray(partitions)) {
    fail(checkId, {
      where: `table ${table}`,
      problem: 'getPartitions did not return an array',
      expected: 'an array of partition descriptors',
      received: show(partitions),
      fix: 'return Partition[]',
    })
  }
  if (!allowEmpty && partitions.length === 0) {
    fail(checkId, {
      where: `table ${table}`,
      problem: 'a batch getPartitions returned no partitions',
      expected: 'at least one partition covering the table',
      received: '[]',
      fix: 'return at least one partition for a batch read',
    })
  }
  const bad = partitions.find((partition) => !isPlainObject(partition))
  if (bad !== undefined) {
    fail(checkId, {
      where: `table ${table}`,
      problem: 'a partition descriptor is not a plain object',
      expected: 'objects of primitives',
      received: show(bad),
      fix: 'describe partitions as JSON objects',
    })
  }
  return partitions as Partition[]
}

const sampleOf = (context: CheckContext) => context.config.sampleRecords ?? 200

function perTable(
  id: string,
  title: string,
  source: string,
  body: (context: CheckContext, connector: Partitioned, table: string, findings: Findings) => Promise<void>,
  stream = false,
  simulatorOnly = false,
  runsOnFixture = false,
): Check {
  return defineCheck({
    id,
    title,
    source,
    simulatorOnly,
    runsOnFixture,
    async run(context) {
      const { connector, tables } = stream ? await streamSetup(context) : await partitionSetup(context)
      const findings = new Findings(id)
      for (const table of tables)
        await findings.guard(`table ${table}`, () => body(context, connector, table, findings))
      findings.throwIfAny()
    },
  })
}

const getPartitions = perTable(
  'get-partitions',
  'a batch getPartitions returns a non-empty list of objects',
  'upstream test_get_partitions',
  async (context, connector, table) => {
    checkDescriptors('get-partitions', table, await connector.getPartitions(table, context.tableOptions(table)), false)
  },
)

const partitionsStable = perTable(
  'partitions-stable',
  'two batch getPartitions calls return equal lists',
  'upstream test_get_partitions_stable',
  async (context, connector, table, findings) => {
    const first = await connector.getPartitions(table, context.tableOptions(table))
    const second = await connector.getPartitions(table, context.tableOptions(table))
    if (canonical(first) !== canonical(second)) {
      findings.add({
        where: `table ${table}`,
        problem: 'getPartitions is not deterministic',
        expected: show(first),
        received: show(second),
        fix: 'derive partitions from the table options and the source only, in a fixed order',
      })
    }
  },
)

const partitionsSerializable = perTable(
  'partitions-serializable',
  'partition descriptors are JSON objects of primitives',
  'upstream test_partition_descriptors_serializable',
  async (context, connector, table, findings) => {
    for (const partition of checkDescriptors(
      'partitions-serializable',
      table,
      await connector.getPartitions(table, context.tableOptions(table)),
      true,
    )) {
      try {
        assertOffset(partition, table)
        if (canonical(JSON.parse(JSON.stringify(partition))) !== canonical(partition))
          throw new Error('changes through JSON')
      } catch (error) {
        findings.add({
          where: `table ${table}`,
          problem: 'a partition descriptor does not survive JSON',
          expected: 'strings, finite numbers, booleans and null only',
          received: `${show(partition)} (${(error as Error).message.split('\n')[0]})`,
          fix: 'encode dates as ISO strings and ids as strings or numbers; executors receive descriptors as JSON',
        })
        return
      }
    }
  },
)

const readPartition = perTable(
  'read-partition',
  'readPartition yields valid records, some across all partitions',
  'upstream test_read_partition',
  async (context, connector, table, findings) => {
    const partitions = checkDescriptors(
      'read-partition',
      table,
      await connector.getPartitions(table, context.tableOptions(table)),
      false,
    )
    const records = (await readPartitions(connector, table, partitions, context, sampleOf(context))).flat()
    if (records.length === 0) {
      findings.add({
        where: `table ${table}`,
        problem: 'no partition yielded a record',
        expected: 'at least one record across partitions',
        received: `${partitions.length} partitions, 0 records`,
        fix: 'check readPartition against the simulator spec',
      })
    }
    await validateRecords(context, findings, table, records, 'partition')
  },
)

const partitionColumnsPopulated = perTable(
  'partition-columns-populated',
  'every column is non-null in some partition record',
  'upstream test_every_column_populated_by_at_least_one_partition_record',
  async (context, connector, table, findings) => {
    const partitions = await connector.getPartitions(table, context.tableOptions(table))
    const records = (await readPartitions(connector, table, partitions, context, sampleOf(context))).flat()
    await checkColumnsPopulated(context, findings, table, records)
  },
  false,
  true,
  true,
)

const isPartitioned = defineCheck({
  id: 'is-partitioned',
  title: 'isPartitioned returns a boolean for every table',
  source: 'upstream test_is_partitioned',
  async run(context) {
    const connector = context.connect()
    if (!supportsPartitionedStream(connector)) return context.skip('the connector does not support partitioned streams')
    const findings = new Findings(this.id)
    for (const table of await context.tables()) {
      const value: unknown = connector.isPartitioned(table)
      if (typeof value !== 'boolean') {
        findings.add({
          where: `table ${table}`,
          problem: 'isPartitioned did not return a boolean',
          expected: 'true or false',
          received: show(value),
          fix: 'return a boolean synchronously',
        })
      }
    }
    findings.throwIfAny()
  },
})

function checkOffset(checkId: string, table: string, value: unknown, nonEmpty: boolean): Offset {
  try {
    assertOffset(value, table)
  } catch (error) {
    fail(checkId, {
      where: `table ${table}`,
      problem: 'latestOffset returned an invalid offset',
      expected: 'a JSON object of primitives',
      received: `${show(value)} (${(error as Error).message})`,
      fix: 'return an offset object such as {cursor: "<newest cursor>"}',
    })
  }
  if (value === null || (nonEmpty && Object.keys(value).length === 0)) {
    fail(checkId, {
      where: `table ${table}`,
      problem: 'latestOffset returned an empty offset',
      expected: 'a non-empty offset object',
      received: show(value),
      fix: 'describe the newest position, e.g. {cursor: "<newest cursor>"}',
    })
  }
  return value as Offset
}

const latestOffset = perTable(
  'latest-offset',
  'latestOffset returns a non-empty JSON offset',
  'upstream test_latest_offset',
  async (context, connector, table) => {
    checkOffset(
      'latest-offset',
      table,
      await (connector as Streamed).latestOffset(table, context.tableOptions(table)),
      true,
    )
  },
  true,
)

const latestOffsetWithStart = perTable(
  'latest-offset-with-start',
  'latestOffset accepts its own offset as start',
  'upstream test_latest_offset_with_start',
  async (context, connector, table) => {
    const streamed = connector as Streamed
    const latest = await streamed.latestOffset(table, context.tableOptions(table))
    checkOffset(
      'latest-offset-with-start',
      table,
      await streamed.latestOffset(table, context.tableOptions(table), latest),
      false,
    )
  },
  true,
)

const microbatchConvergence = perTable(
  'microbatch-convergence',
  'latestOffset and getPartitions converge within the micro-batch cap',
  'upstream test_microbatch_offset_convergence',
  async (context, connector, table, findings) => {
    const streamed = connector as Streamed
    const options = context.tableOptions(table)
    const cap = context.config.maxMicrobatchIterations ?? 20
    let start: Offset | null = null
    let end = await streamed.latestOffset(table, options)
    for (let iteration = 0; iteration < cap; iteration++) {
      await streamed.getPartitions(table, options, start, end)
      start = end
      end = await streamed.latestOffset(table, options, start)
      if (sameOffset(end, start)) return
    }
    findings.add({
      where: `table ${table}`,
      problem: `latestOffset did not converge in ${cap} micro-batches`,
      expected: 'latestOffset(start) equal to start once caught up',
      received: `${show(start, 80)} → ${show(end, 80)}`,
      fix: 'cap latestOffset at an init-time "now" and return the start offset when nothing is newer',
    })
  },
  true,
)

const partitionsWithOffsets = perTable(
  'partitions-with-offsets',
  'getPartitions(start, end) returns a list of objects',
  'upstream test_get_partitions_with_offsets',
  async (context, connector, table) => {
    const streamed = connector as Streamed
    const latest = await streamed.latestOffset(table, context.tableOptions(table))
    checkDescriptors(
      'partitions-with-offsets',
      table,
      await streamed.getPartitions(table, context.tableOptions(table), null, latest),
      true,
    )
  },
  true,
)

const equalOffsetsEmpty = perTable(
  'equal-offsets-empty-partitions',
  'getPartitions(X, X) is empty',
  'upstream test_equal_offsets_empty_partitions',
  async (context, connector, table, findings) => {
    const streamed = connector as Streamed
    const latest = await streamed.latestOffset(table, context.tableOptions(table))
    const partitions = await streamed.getPartitions(table, context.tableOptions(table), latest, latest)
    if (!Array.isArray(partitions) || partitions.length > 0) {
      findings.add({
        where: `table ${table}`,
        problem: 'equal start and end offsets gave partitions',
        expected: '[] (the range (X, X] is empty)',
        received: show(partitions),
        fix: 'return [] when start equals end',
      })
    }
  },
  true,
)

const streamRoundTrip = perTable(
  'partitioned-stream-round-trip',
  'latestOffset → getPartitions → readPartition yields valid records',
  'upstream test_partitioned_stream_round_trip',
  async (context, connector, table, findings) => {
    const streamed = connector as Streamed
    const latest = await streamed.latestOffset(table, context.tableOptions(table))
    const partitions = checkDescriptors(
      'partitioned-stream-round-trip',
      table,
      await streamed.getPartitions(table, context.tableOptions(table), null, latest),
      true,
    )
    const records = (await readPartitions(connector, table, partitions, context, sampleOf(context))).flat()
    await validateRecords(context, findings, table, records, 'partition')
  },
  true,
)

/** Upstream's `SupportsPartitionTests` (upstream-spec §4.3, checks 1–5). */
export const partitionChecks = [
  getPartitions,
  partitionsStable,
  partitionsSerializable,
  readPartition,
  partitionColumnsPopulated,
] as const

/** Upstream's `SupportsPartitionedStreamTests` (upstream-spec §4.3, checks 6–12). */
export const partitionedStreamChecks = [
  isPartitioned,
  latestOffset,
  latestOffsetWithStart,
  microbatchConvergence,
  partitionsWithOffsets,
  equalOffsetsEmpty,
  streamRoundTrip,
] as const
