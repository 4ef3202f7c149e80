/**
 * The mutant gallery: every check of the suite paired with at least one deliberately
 * broken example connector it must fail. Each mutant is also a named export, so checks
 * that load the connector in a child process can load the mutant the same way.
 */
export * from './base-mutants.ts'
export * from './declaration-mutants.ts'
export * from './file-mutants.ts'
export * from './partition-mutants.ts'
export * from './read-mutants.ts'
export * from './source-mutants.ts'

/** One row of the gallery: the check, the mutant that proves it can fail, and the defect. */
export interface GalleryEntry {
  check: string
  mutant: string
  defect: string
  /** What the check's failure must say: the finding this defect is meant to cause, not an incidental one. */
  reason: RegExp
  /** The mutant is the reference file connector (run against the file fixture), not the example. */
  files?: true
}

/** Check id → mutant, one line each (README's table is generated from the same rows). */
export const gallery: readonly GalleryEntry[] = [
  {
    check: 'connector-interface',
    mutant: 'halfPartitions',
    defect: 'has getPartitions but no readPartition',
    reason: /a partition capability is incomplete/,
  },
  {
    check: 'list-tables',
    mutant: 'duplicateTables',
    defect: 'lists a table twice',
    reason: /duplicates \["products"\]/,
  },
  {
    check: 'invalid-table-name',
    mutant: 'unknownTableSilent',
    defect: "an unknown table doesn't throw (empty schema, empty read)",
    reason: /getTableSchema\(.+\) did not throw/,
  },
  {
    check: 'table-schema',
    mutant: 'unstableSchema',
    defect: 'every second getTableSchema call adds a column',
    reason: /a second getTableSchema call returned a different schema/,
  },
  {
    check: 'table-metadata',
    mutant: 'missingPrimaryKey',
    defect: 'a cdc table without primary keys',
    reason: /table users: primary_keys missing for a cdc table/,
  },
  {
    check: 'read-table',
    mutant: 'wrongSchemaType',
    defect: 'wrong schema type: updated_at declared long, the API sends ISO text',
    reason: /Cannot convert field "updated_at" of table "users": expected bigint/,
  },
  {
    check: 'read-table',
    mutant: 'emptyStructRecords',
    defect: 'returns {} for a missing struct instead of null',
    reason: /expected struct, got \{\} \(an empty object/,
  },
  {
    check: 'read-table-deletes',
    mutant: 'tombstoneWithoutKey',
    defect: 'tombstones without their primary key',
    reason:
      /readTableDeletes yielded record #0[\s\S]*field "order_id" of table "orders": expected bigint, got undefined/,
  },
  {
    check: 'read-terminates',
    mutant: 'noFixedPoint',
    defect: 'offsets carry a call counter, never a fixed point',
    reason: /table users: no fixed point after 50 calls/,
  },
  {
    check: 'columns-populated',
    mutant: 'droppedColumn',
    defect: 'a column is never filled (field read under a stale name)',
    reason: /table users: column\(s\) email are null in all/,
  },
  {
    check: 'list-tables-stable',
    mutant: 'shuffledTables',
    defect: 'listTables in a different order on every call',
    reason: /listTables differs/,
  },
  {
    check: 'unknown-table-typed',
    mutant: 'untypedUnknownTable',
    defect: 'unknown tables throw a plain Error, not UnknownTableError',
    reason: /did not throw UnknownTableError[\s\S]*received: Error: no such table/,
  },
  {
    check: 'schema-spark-json',
    mutant: 'handMadeDecimal',
    defect: 'a hand-made decimal(50,2) Spark rejects',
    reason: /decimal precision must be an integer from 1 to 38, got 50/,
  },
  {
    check: 'schema-names-unique',
    mutant: 'caseDuplicate',
    defect: 'fields email and Email',
    reason: /field names differ only by case[\s\S]*received: email \/ Email/,
  },
  {
    check: 'schema-across-processes',
    mutant: 'processDependentSchema',
    defect: 'non-deterministic schema: a comment holds the process id',
    reason: /the schema differs in another process/,
  },
  {
    check: 'metadata-types',
    mutant: 'structPrimaryKey',
    defect: 'primary key on a struct column',
    reason: /primary key "address" is struct/,
  },
  {
    check: 'primary-keys-unique',
    mutant: 'duplicatesPage',
    defect: 'duplicates a page (first ten records again)',
    reason: /yielded the same primary key more than once/,
  },
  {
    check: 'offsets-move-with-records',
    mutant: 'neverAdvances',
    defect: 'never advances: returns its start offset with records',
    reason: /returned \d+ records with the offset it was given/,
  },
  {
    check: 'replay-determinism',
    mutant: 'wallClockOffset',
    defect: 'the offset holds the read time',
    reason: /replaying from \{\} gave a different result[\s\S]*read_at/,
  },
  {
    check: 'future-offset-empty',
    mutant: 'restartsOnFutureOffset',
    defect: 'a future offset restarts from the beginning',
    reason: /reading from a future offset returned [1-9]\d* records/,
  },
  {
    check: 'offsets-monotonic',
    mutant: 'lookbackOffset',
    defect: 'offset moves backwards (a 10-minute lookback stored in it)',
    reason: /the end offset lies before records the same call returned/,
  },
  {
    check: 'offsets-typed',
    mutant: 'restartsOnBadOffset',
    defect: 'reads from an offset it cannot parse as if from the beginning',
    reason: /did not fail with an InvalidOffsetError naming "cursor"/,
  },
  {
    check: 'declared-requests',
    mutant: 'sinceDeclaredInclusive',
    defect: "declares since inclusive, the API's since is exclusive",
    reason: /"since" is declared inclusive on updated_at: the endpoint should filter updated_at with gte/,
  },
  {
    check: 'convergence-under-growth',
    mutant: 'noInitTimeCap',
    defect: 'no init-time cap: reads whatever has arrived',
    reason: /no fixed point in \d+ calls while records kept arriving/,
  },
  {
    check: 'get-partitions',
    mutant: 'noBatchPartitions',
    defect: 'a batch read gets no partitions',
    reason: /a batch getPartitions returned no partitions/,
  },
  {
    check: 'partitions-stable',
    mutant: 'shuffledPartitions',
    defect: 'partitions in a different order on every call',
    reason: /getPartitions is not deterministic/,
  },
  {
    check: 'partitions-serializable',
    mutant: 'datePartitions',
    defect: 'partition bounds are Date objects',
    reason: /a partition descriptor does not survive JSON/,
  },
  {
    check: 'read-partition',
    mutant: 'emptyPartitions',
    defect: 'readPartition yields nothing',
    reason: /no partition yielded a record/,
  },
  {
    check: 'partition-columns-populated',
    mutant: 'partitionDropsColumn',
    defect: 'readPartition drops a column',
    reason: /table readings: column\(s\) unit are null/,
  },
  {
    check: 'is-partitioned',
    mutant: 'stringIsPartitioned',
    defect: "isPartitioned returns 'yes'/'no'",
    reason: /isPartitioned did not return a boolean[\s\S]*received: "no"/,
  },
  {
    check: 'latest-offset',
    mutant: 'emptyLatestOffset',
    defect: 'latestOffset returns {}',
    reason: /latestOffset returned an empty offset/,
  },
  {
    check: 'latest-offset-with-start',
    mutant: 'latestOffsetRejectsStart',
    defect: 'latestOffset(start) returns nothing',
    reason: /latestOffset returned an invalid offset[\s\S]*received: undefined/,
  },
  {
    check: 'microbatch-convergence',
    mutant: 'latestOffsetAlwaysMoves',
    defect: 'latestOffset ticks on every call',
    reason: /latestOffset did not converge in 20 micro-batches/,
  },
  {
    check: 'partitions-with-offsets',
    mutant: 'partitionsAsStrings',
    defect: 'stream partitions are strings',
    reason: /a partition descriptor is not a plain object/,
  },
  {
    check: 'equal-offsets-empty-partitions',
    mutant: 'equalOffsetsPartitions',
    defect: 'start == end still gives partitions',
    reason: /equal start and end offsets gave partitions/,
  },
  {
    check: 'partitioned-stream-round-trip',
    mutant: 'streamPartitionsBroken',
    defect: 'stream partitions read records without their cursor',
    reason: /Cannot convert field "recorded_at" of table "readings"/,
  },
  {
    check: 'partitions-disjoint-covering',
    mutant: 'overlappingPartitions',
    defect: 'non-disjoint partitions (each starts an hour early)',
    reason: /[1-9]\d* record\(s\) appear in more than one partition/,
  },
  {
    check: 'partitions-disjoint-covering',
    mutant: 'partitionsStopShort',
    defect: 'the last partition stops a minute before the end',
    reason: /the union of the partitions differs from the whole table[\s\S]*missing [1-9]\d*/,
  },
  {
    check: 'insertable-tables',
    mutant: 'tableMissingFromList',
    defect: 'listTables forgets a table',
    reason: /table events: configured as insertable but not listed/,
  },
  {
    check: 'deletable-tables',
    mutant: 'ordersWithoutDeletes',
    defect: 'a table whose rows get deleted declared cdc',
    reason: /table orders: the source deletes records but the table is cdc/,
  },
  {
    check: 'write-to-source',
    mutant: 'renamedColumn',
    defect: 'schema renames a field the source sends',
    reason: /written field\(s\) email are not columns of the schema/,
  },
  {
    check: 'incremental-after-write',
    mutant: 'moduleLoadCap',
    defect: 'init-time cap taken at module load, not per instance',
    reason: /a record written after the first read was not read by a fresh instance/,
  },
  {
    check: 'delete-and-read-deletes',
    mutant: 'noDeleteFlow',
    defect: 'readTableDeletes never asks the source',
    reason: /the deleted record is not among the tombstones/,
  },
  {
    check: 'completeness-oracle',
    mutant: 'losesLastPage',
    defect: 'loses the last page and claims the range',
    reason: /differ from the source[\s\S]*[1-9]\d* lost \(in the source, never read\)/,
  },
  {
    check: 'crash-resume',
    mutant: 'resumesFromMemory',
    defect: 'advances past uncommitted data (progress kept outside the offset)',
    reason: /after a crash at record \d+ and a restart from the last committed offset[\s\S]*[1-9]\d* lost/,
  },
  {
    check: 'cursor-ties',
    mutant: 'splitsTies',
    defect: 'ends a batch inside a run of equal cursors',
    reason: /read in batches of 7: [1-9]\d* lost/,
  },
  {
    check: 'cursor-ties',
    mutant: 'tieIdsCollide',
    defect: 'the tie engine remembers cursor values as ids, so every tie looks read',
    reason: /read in batches of 7: [1-9]\d* lost/,
  },
  {
    check: 'http-resilience',
    mutant: 'swallowsErrors',
    defect: 'swallows a 503: returns partial data silently',
    reason: /under "503 on every attempt" the read completed/,
  },
  {
    check: 'http-resilience',
    mutant: 'noRetries',
    defect: 'plain fetch: no retry, unclassified errors',
    reason: /the read failed with an unclassified error[\s\S]*received: Error: HTTP 429/,
  },
  {
    check: 'http-resilience',
    mutant: 'skipsFailedPage',
    defect: 'retries off, skips a page whose request failed',
    reason: /under "(429|503 Service|connection reset|truncated)[^"]*" the read returned different records/,
  },
  {
    check: 'http-resilience',
    mutant: 'retriesRevokedCredentials',
    defect: 'retries a 401 on fresh instances, then reports it as transient',
    reason:
      /under "401 on every attempt[^"]*" the read asked \d+ times before failing[\s\S]*failed with category transient/,
  },
  {
    check: 'snapshot-failure-surfaces',
    mutant: 'partialSnapshot',
    defect: 'a failed snapshot page ends the snapshot "successfully"',
    reason: /the snapshot read ended normally although a page failed/,
  },
  {
    check: 'shared-rate-budget',
    mutant: 'budgetPerPartition',
    defect: 'each partition and table read builds its own client and budget',
    reason: /- connector: one instance: \d+ concurrent reads sent requests faster than the declared rate/,
  },
  {
    check: 'shared-rate-budget',
    mutant: 'budgetPerInstance',
    defect: 'a budget per instance (no key): instances of one account do not share it',
    reason:
      /^(?![\s\S]*- connector: one instance:)[\s\S]*one instance per read: \d+ concurrent reads sent requests faster/,
  },
  {
    check: 'simulator-hygiene',
    mutant: 'probesUnknownEndpoint',
    defect: 'calls an endpoint the source does not have, ignores the 404',
    reason: /request\(s\) matched no endpoint[\s\S]*received: GET \/health/,
  },
  {
    check: 'canary-secret',
    mutant: 'leaksTokenInError',
    defect: 'leaks the token into an error (Authorization header)',
    reason: /the secret option value appeared in an error/,
  },
  {
    check: 'canary-secret',
    mutant: 'logsCredentials',
    defect: 'logs the credentials it reads with',
    reason: /the secret option value appeared in stdout, stderr or the console/,
  },
  {
    check: 'canary-secret',
    mutant: 'secretInOffset',
    defect: 'stores a credential in the offset',
    reason: /the secret option value appeared in offset of users/,
  },
  {
    check: 'canary-secret',
    mutant: 'secretInRecords',
    defect: 'copies a credential into every record',
    reason: /the secret option value appeared in records of users/,
  },
  {
    check: 'bounded-memory',
    mutant: 'buffersEverything',
    defect: 'reads everything into memory before yielding',
    reason: /the first record arrived only after the last page of its call was fetched/,
  },
  {
    check: 'bounded-memory',
    mutant: 'remembersEveryRecord',
    defect: 'streams page by page but keeps every record it yielded',
    reason:
      /^(?![\s\S]*first record arrived)[\s\S]*the heap grew by \d+ bytes per record \([\d.]+ MiB\) while streaming/,
  },
  {
    check: 'file-identity',
    mutant: 'mtimeCursor',
    defect: 'reads files modified after the newest modification time seen (an mtime cursor)',
    reason: /a file copied in with an old modification time \(2001\) was never read/,
    files: true,
  },
  {
    check: 'file-identity',
    mutant: 'rereadsTouchedFiles',
    defect: 'treats a new modification time as a new file version',
    reason: /a file whose modification time changed but whose content did not was read again/,
    files: true,
  },
  {
    check: 'file-identity',
    mutant: 'pathOnlyTracking',
    defect: 'tracks files by path only, never reading a changed file again',
    reason: /a file rewritten with new content under the same name was not read again/,
    files: true,
  },
  {
    check: 'file-exactly-once',
    mutant: 'restartsPartialFile',
    defect: 'drops the position inside the file a call stopped in',
    reason: /an uninterrupted read in calls of 2 rows (repeats rows|never reaches a fixed point)/,
    files: true,
  },
  {
    check: 'file-exactly-once',
    mutant: 'marksFilesBeforeCommit',
    defect: 'marks a file done outside the offset once read, before the call commits',
    reason:
      /after a crash at record \d+ and a resume from the last committed offset, rows are missing or repeated[\s\S]*received: \d+ rows: [1-9]\d* lost/,
    files: true,
  },
]
