/**
 * The mutant gallery: every check of the suite paired with at least one deliberately
 * broken example connector it must fail. Each mutant is also a named export, so checks
 * that load the connector in a child process can load the mutant the same way.
 */
export * from './base-mutants.ts'
export * from './partition-mutants.ts'
export * from './read-mutants.ts'
export * from './source-mutants.ts'

/** One row of the gallery: the check, the mutant that proves it can fail, and the defect. */
export interface GalleryEntry {
  check: string
  mutant: string
  defect: string
}

/** Check id → mutant, one line each (README's table is generated from the same rows). */
export const gallery: readonly GalleryEntry[] = [
  { check: 'connector-interface', mutant: 'halfPartitions', defect: 'has getPartitions but no readPartition' },
  { check: 'list-tables', mutant: 'duplicateTables', defect: 'lists a table twice' },
  {
    check: 'invalid-table-name',
    mutant: 'unknownTableSilent',
    defect: "an unknown table doesn't throw (empty schema, empty read)",
  },
  { check: 'table-schema', mutant: 'unstableSchema', defect: 'every second getTableSchema call adds a column' },
  { check: 'table-metadata', mutant: 'missingPrimaryKey', defect: 'a cdc table without primary keys' },
  {
    check: 'read-table',
    mutant: 'wrongSchemaType',
    defect: 'wrong schema type: updated_at declared long, the API sends ISO text',
  },
  { check: 'read-table', mutant: 'emptyStructRecords', defect: 'returns {} for a missing struct instead of null' },
  { check: 'read-table-deletes', mutant: 'tombstoneWithoutKey', defect: 'tombstones without their primary key' },
  { check: 'read-terminates', mutant: 'noFixedPoint', defect: 'offsets carry a call counter, never a fixed point' },
  {
    check: 'columns-populated',
    mutant: 'droppedColumn',
    defect: 'a column is never filled (field read under a stale name)',
  },
  { check: 'list-tables-stable', mutant: 'shuffledTables', defect: 'listTables in random order' },
  {
    check: 'unknown-table-typed',
    mutant: 'untypedUnknownTable',
    defect: 'unknown tables throw a plain Error, not UnknownTableError',
  },
  { check: 'schema-spark-json', mutant: 'handMadeDecimal', defect: 'a hand-made decimal(50,2) Spark rejects' },
  { check: 'schema-names-unique', mutant: 'caseDuplicate', defect: 'fields email and Email' },
  {
    check: 'schema-across-processes',
    mutant: 'processDependentSchema',
    defect: 'non-deterministic schema: a comment holds the process id',
  },
  { check: 'metadata-types', mutant: 'structPrimaryKey', defect: 'primary key on a struct column' },
  { check: 'primary-keys-unique', mutant: 'duplicatesPage', defect: 'duplicates a page (first ten records again)' },
  {
    check: 'offsets-move-with-records',
    mutant: 'neverAdvances',
    defect: 'never advances: returns its start offset with records',
  },
  { check: 'replay-determinism', mutant: 'wallClockOffset', defect: 'the offset holds the read time' },
  {
    check: 'future-offset-empty',
    mutant: 'restartsOnFutureOffset',
    defect: 'a future offset restarts from the beginning',
  },
  {
    check: 'offsets-monotonic',
    mutant: 'lookbackOffset',
    defect: 'offset moves backwards (a 10-minute lookback stored in it)',
  },
  {
    check: 'convergence-under-growth',
    mutant: 'noInitTimeCap',
    defect: 'no init-time cap: reads whatever has arrived',
  },
  { check: 'get-partitions', mutant: 'noBatchPartitions', defect: 'a batch read gets no partitions' },
  { check: 'partitions-stable', mutant: 'shuffledPartitions', defect: 'partitions in random order' },
  { check: 'partitions-serializable', mutant: 'datePartitions', defect: 'partition bounds are Date objects' },
  { check: 'read-partition', mutant: 'emptyPartitions', defect: 'readPartition yields nothing' },
  { check: 'partition-columns-populated', mutant: 'partitionDropsColumn', defect: 'readPartition drops a column' },
  { check: 'is-partitioned', mutant: 'stringIsPartitioned', defect: "isPartitioned returns 'yes'/'no'" },
  { check: 'latest-offset', mutant: 'emptyLatestOffset', defect: 'latestOffset returns {}' },
  {
    check: 'latest-offset-with-start',
    mutant: 'latestOffsetRejectsStart',
    defect: 'latestOffset(start) returns nothing',
  },
  { check: 'microbatch-convergence', mutant: 'latestOffsetAlwaysMoves', defect: 'latestOffset ticks on every call' },
  { check: 'partitions-with-offsets', mutant: 'partitionsAsStrings', defect: 'stream partitions are strings' },
  {
    check: 'equal-offsets-empty-partitions',
    mutant: 'equalOffsetsPartitions',
    defect: 'start == end still gives partitions',
  },
  {
    check: 'partitioned-stream-round-trip',
    mutant: 'streamPartitionsBroken',
    defect: 'stream partitions read records without their cursor',
  },
  {
    check: 'partitions-disjoint-covering',
    mutant: 'overlappingPartitions',
    defect: 'non-disjoint partitions (each starts an hour early)',
  },
  { check: 'insertable-tables', mutant: 'tableMissingFromList', defect: 'listTables forgets a table' },
  { check: 'deletable-tables', mutant: 'ordersWithoutDeletes', defect: 'a table whose rows get deleted declared cdc' },
  { check: 'write-to-source', mutant: 'renamedColumn', defect: 'schema renames a field the source sends' },
  {
    check: 'incremental-after-write',
    mutant: 'moduleLoadCap',
    defect: 'init-time cap taken at module load, not per instance',
  },
  { check: 'delete-and-read-deletes', mutant: 'noDeleteFlow', defect: 'readTableDeletes never asks the source' },
  { check: 'completeness-oracle', mutant: 'losesLastPage', defect: 'loses the last page and claims the range' },
  {
    check: 'crash-resume',
    mutant: 'resumesFromMemory',
    defect: 'advances past uncommitted data (progress kept outside the offset)',
  },
  { check: 'cursor-ties', mutant: 'splitsTies', defect: 'ends a batch inside a run of equal cursors' },
  { check: 'http-resilience', mutant: 'swallowsErrors', defect: 'swallows a 503: returns partial data silently' },
  { check: 'http-resilience', mutant: 'noRetries', defect: 'plain fetch: no retry, unclassified errors' },
  {
    check: 'snapshot-failure-surfaces',
    mutant: 'partialSnapshot',
    defect: 'a failed snapshot page ends the snapshot "successfully"',
  },
  {
    check: 'shared-rate-budget',
    mutant: 'budgetPerPartition',
    defect: 'each partition and table read builds its own client and budget',
  },
  {
    check: 'shared-rate-budget',
    mutant: 'budgetPerInstance',
    defect: 'a budget per instance (no key): instances of one account do not share it',
  },
  {
    check: 'simulator-hygiene',
    mutant: 'probesUnknownEndpoint',
    defect: 'calls an endpoint the source does not have, ignores the 404',
  },
  {
    check: 'canary-secret',
    mutant: 'leaksTokenInError',
    defect: 'leaks the token into an error (Authorization header)',
  },
  { check: 'bounded-memory', mutant: 'buffersEverything', defect: 'reads everything into memory before yielding' },
]
