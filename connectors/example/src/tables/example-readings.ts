import type { Offset, Partition, RawRecord } from '@lakeflow/core/connector'
import { InvalidOffsetError } from '@lakeflow/core/errors'
import { Spark } from '@lakeflow/core/schema'
import type { Static } from 'typebox'
import { type ExampleContext, exampleTable } from '../example-context.ts'
import { readIncremental } from '../example-incremental.ts'
import { isoCursor, offsetTimestamp } from '../example-offsets.ts'
import { ReadingsOptions } from '../example-options.ts'
import { cursorOf, readAllPages } from '../example-pagination.ts'

/** Spark schema of `readings`. */
export const readingsSchema = Spark.table({
  reading_id: Spark.long({ nullable: false }),
  sensor_id: Spark.string({ nullable: false }),
  value: Spark.double(),
  unit: Spark.string(),
  recorded_at: Spark.timestamp({ nullable: false }),
})

const PATH = '/tables/readings/records'
type ReadingsTableOptions = Static<typeof ReadingsOptions>

/**
 * `readings`: append-only sensor readings, read through partitions (time ranges) in batch
 * and streaming. `readTable` also works (a plain cursor read) for runners without
 * partition support.
 */
export const readingsTable = exampleTable({
  name: 'readings',
  options: ReadingsOptions,
  schema: readingsSchema,
  metadata: { primary_keys: ['reading_id'], cursor_field: 'recorded_at', ingestion_type: 'append' },
  read: (context, startOffset, options) =>
    readIncremental(context, startOffset, {
      table: 'readings',
      path: PATH,
      cursorField: 'recorded_at',
      maxRecords: options.max_records_per_batch,
    }),
})

/** The newest `recorded_at` in (since, cap], or undefined when there is none. */
async function newestCursor(context: ExampleContext, since: string | undefined): Promise<string | undefined> {
  const page = await context.api.page(PATH, {
    ...(since === undefined ? {} : { since }),
    until: context.cap,
    order: 'desc',
    page: 1,
    limit: 1,
  })
  const record = page.records[0]
  return record === undefined ? undefined : cursorOf(record, 'recorded_at', PATH)
}

/** Partitioned streams: the newest offset; the start offset itself when nothing is newer. */
export async function readingsLatestOffset(context: ExampleContext, startOffset: Offset | null): Promise<Offset> {
  const since = offsetTimestamp(startOffset, 'cursor', 'readings')
  const newest = await newestCursor(context, since)
  if (newest === undefined) return startOffset ?? {}
  return { cursor: newest }
}

/**
 * Splits (start, end] into at most `num_partitions` contiguous time ranges
 * `{since, until}` (since exclusive, `null` for "from the beginning"; until inclusive).
 * The ranges are disjoint and cover the whole interval by construction; a range starts at
 * the first record so empty history is not split. Equal offsets give no partitions.
 * Without offsets (a batch read) the interval is everything up to the newest reading.
 */
export async function readingsPartitions(
  context: ExampleContext,
  options: ReadingsTableOptions,
  startOffset: Offset | null | undefined,
  endOffset: Offset | null | undefined,
): Promise<Partition[]> {
  const batch = startOffset == null && endOffset == null
  const lower = batch ? undefined : offsetTimestamp(startOffset ?? null, 'cursor', 'readings')
  const upper = batch
    ? await newestCursor(context, undefined)
    : offsetTimestamp(endOffset ?? null, 'cursor', 'readings')
  if (upper === undefined || (lower !== undefined && lower >= upper)) return []
  const first = await context.api.page(PATH, {
    ...(lower === undefined ? {} : { since: lower }),
    until: upper,
    page: 1,
    limit: 1,
  })
  const firstRecord = first.records[0]
  if (firstRecord === undefined) return []
  const from = Date.parse(cursorOf(firstRecord, 'recorded_at', PATH))
  const to = Date.parse(upper)
  const count = Math.max(1, Math.min(options.num_partitions, to - from))
  const bounds: (string | null)[] = [lower ?? null]
  for (let index = 1; index < count; index++) bounds.push(isoCursor(from + Math.floor(((to - from) * index) / count)))
  bounds.push(upper)
  const partitions: Partition[] = []
  for (let index = 0; index < bounds.length - 1; index++) {
    const since = bounds[index]!
    const until = bounds[index + 1]!
    if (since !== null && since >= until) continue
    partitions.push({ since, until })
  }
  return partitions
}

/** Reads one partition made by {@link readingsPartitions}: every reading in (since, until]. */
export async function* readReadingsPartition(context: ExampleContext, partition: Partition): AsyncGenerator<RawRecord> {
  const { since, until } = partition
  const valid =
    (since === null || (typeof since === 'string' && !Number.isNaN(Date.parse(since)))) &&
    typeof until === 'string' &&
    !Number.isNaN(Date.parse(until)) &&
    Object.keys(partition).length === 2
  if (!valid) {
    throw new InvalidOffsetError(
      'readings',
      'expected a partition {since: ISO timestamp | null, until: ISO timestamp}',
      partition,
    )
  }
  yield* readAllPages(context.api, PATH, {
    ...(since === null ? {} : { since: since as string }),
    until: until as string,
  })
}
