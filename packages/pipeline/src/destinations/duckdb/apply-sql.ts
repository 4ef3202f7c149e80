import { quoteId } from './duckdb-types.ts'

/** SCD type 2 history columns, named as Spark Declarative Pipelines names them. */
export const START_AT = '__START_AT'
/** Null on the current version of a key. */
export const END_AT = '__END_AT'
/** Arrival order inside a staged batch: ties of equal sequence go to the later record. */
export const ORDER_COLUMN = '__lakeflow_ord'
/** The tombstone table's sequence column. */
export const TOMBSTONE_SEQ = '__seq'

/** A column path (`user.id`) as an SQL reference under `alias`: `t."user"."id"`. */
export function ref(alias: string, path: string): string {
  return `${alias}.${path.split('.').map(quoteId).join('.')}`
}

/** Tombstone tables store each key path flattened into one column named by the path. */
export function flatKey(alias: string, path: string): string {
  return `${alias}.${quoteId(path)}`
}

/** The tables and columns one apply statement works on. */
export interface ApplyContext {
  /** Quoted, qualified target table. */
  readonly target: string
  /** The staged batch as a subquery. */
  readonly stage: string
  /** The staged keys and sequence alone (upserts), a cheaper source for finding winners. */
  readonly keysStage?: string
  /** Top-level data columns, in schema order. */
  readonly columns: readonly string[]
  readonly keys: readonly string[]
  readonly sequenceBy?: string
  /** Quoted, qualified tombstone table (cdc_with_deletes only). */
  readonly tombstones?: string
}

const keysMatch = (keys: readonly string[], left: string, right: string) =>
  keys.map((key) => `${ref(left, key)} = ${ref(right, key)}`).join(' AND ')

const rowOf = (alias: string, columns: readonly string[]) =>
  `ROW(${columns.map((column) => `${alias}.${quoteId(column)}`).join(', ')})`

const columnList = (columns: readonly string[]) => columns.map(quoteId).join(', ')

function notTombstoned(context: ApplyContext, alias: string): string {
  if (!context.tombstones || !context.sequenceBy) return 'TRUE'
  const match = context.keys.map((key) => `${flatKey('d', key)} = ${ref(alias, key)}`).join(' AND ')
  return `NOT EXISTS (SELECT 1 FROM ${context.tombstones} d WHERE ${match} AND d.${TOMBSTONE_SEQ} >= ${ref(alias, context.sequenceBy)})`
}

/**
 * Upsert step 1 (both SCD types): the batch's winning record per key, as keys, sequence and
 * arrival order only (never the payload, so memory stays small): the greatest sequence (ties:
 * the later arrival), skipping records a remembered tombstone with an equal or later sequence
 * deleted. Key columns are named by their path (`user.id`), like the tombstone table's.
 */
export function upsertKeysSql(context: ApplyContext, keysTable: string): string {
  const { keys } = context
  const stage = context.keysStage ?? context.stage
  const seq = context.sequenceBy!
  const keyColumns = keys.map((key) => `${ref('s', key)} AS ${quoteId(key)}`).join(', ')
  const partition = keys.map((key) => quoteId(key)).join(', ')
  return `CREATE OR REPLACE TEMP TABLE ${keysTable} AS
    SELECT ${keyColumns}, ${ref('s', seq)} AS __seq, s.${quoteId(ORDER_COLUMN)} AS __ord FROM ${stage} s
    WHERE ${notTombstoned(context, 's')}
    QUALIFY row_number() OVER (PARTITION BY ${partition} ORDER BY __seq DESC NULLS LAST, __ord DESC) = 1`
}

const flatMatch = (keys: readonly string[], target: string, flat: string) =>
  keys.map((key) => `${ref(target, key)} = ${flatKey(flat, key)}`).join(' AND ')

/**
 * SCD type 1 upsert, step 2: delete the rows this batch replaces: same key, and the batch's
 * sequence is newer or equal (an equal sequence means a re-read or a later arrival: it wins).
 * An older sequence never overwrites a newer row.
 */
export function upsertDeleteSql(context: ApplyContext, keysTable: string): string {
  const seq = context.sequenceBy!
  return `DELETE FROM ${context.target} t USING ${keysTable} k WHERE ${flatMatch(context.keys, 't', 'k')}
    AND (${ref('t', seq)} IS NULL OR k.__seq >= ${ref('t', seq)})`
}

/** SCD type 1 upsert, step 3: insert each winner whose key is not in the table (any more). */
export function upsertInsertSql(context: ApplyContext, keysTable: string): string {
  const { target, stage, columns, keys } = context
  const list = columnList(columns)
  return `INSERT INTO ${target} (${list}) SELECT ${columns.map((column) => `s.${quoteId(column)}`).join(', ')} FROM ${stage} s
    WHERE s.${quoteId(ORDER_COLUMN)} IN (SELECT k.__ord FROM ${keysTable} k
      WHERE NOT EXISTS (SELECT 1 FROM ${target} t WHERE ${flatMatch(keys, 't', 'k')}))`
}

/**
 * SCD type 2 upsert, step 1: the new versions of this batch (keys, sequence, arrival order,
 * and the sequence of the key's next version `__next`), one per (key, sequence). Records not
 * newer than the key's current version, or deleted by a tombstone, are dropped.
 */
export function scd2VersionsSql(context: ApplyContext, versions: string): string {
  const { target, keys } = context
  const stage = context.keysStage ?? context.stage
  const seq = context.sequenceBy!
  const keyColumns = keys.map((key) => `${ref('s', key)} AS ${quoteId(key)}`).join(', ')
  const partition = keys.map((key) => quoteId(key)).join(', ')
  return `CREATE OR REPLACE TEMP TABLE ${versions} AS
    SELECT *, lead(__seq) OVER (PARTITION BY ${partition} ORDER BY __seq) AS __next FROM (
      SELECT ${keyColumns}, ${ref('s', seq)} AS __seq, s.${quoteId(ORDER_COLUMN)} AS __ord FROM ${stage} s
      WHERE ${ref('s', seq)} IS NOT NULL AND ${notTombstoned(context, 's')}
        AND NOT EXISTS (SELECT 1 FROM ${target} t WHERE ${keysMatch(keys, 't', 's')} AND t.${START_AT} >= ${ref('s', seq)})
      QUALIFY row_number() OVER (PARTITION BY ${partition}, __seq ORDER BY __ord DESC) = 1
    )`
}

/** SCD type 2 upsert, step 2: close each touched key's current version at its first new sequence. */
export function scd2CloseSql(context: ApplyContext, versions: string): string {
  const { target, keys } = context
  const firsts = `SELECT ${keys.map((key) => quoteId(key)).join(', ')}, min(__seq) AS first_seq FROM ${versions} GROUP BY ALL`
  return `UPDATE ${target} t SET ${END_AT} = f.first_seq FROM (${firsts}) f WHERE ${flatMatch(keys, 't', 'f')} AND t.${END_AT} IS NULL`
}

/** SCD type 2 upsert, step 3: insert the new versions (payload from the staged batch by arrival order). */
export function scd2InsertSql(context: ApplyContext, versions: string): string {
  const { target, stage, columns } = context
  return `INSERT INTO ${target} (${columnList(columns)}, ${START_AT}, ${END_AT})
    SELECT ${columns.map((column) => `s.${quoteId(column)}`).join(', ')}, v.__seq, v.__next
    FROM ${stage} s JOIN ${versions} v ON s.${quoteId(ORDER_COLUMN)} = v.__ord`
}

/** Delete flow, step 1: the batch's tombstones, one per key with its greatest sequence. */
export function tombstoneBatchSql(context: ApplyContext, batch: string): string {
  const { stage, keys } = context
  const seq = context.sequenceBy!
  return `CREATE OR REPLACE TEMP TABLE ${batch} AS SELECT ${keys.map((key) => `${ref('s', key)} AS ${quoteId(key)}`).join(', ')},
    max(${ref('s', seq)}) AS ${TOMBSTONE_SEQ} FROM ${stage} s GROUP BY ALL`
}

/** Delete flow, step 2: remember tombstones (newest sequence per key) so late upserts stay deleted. */
export function rememberTombstonesSql(context: ApplyContext, batch: string): string {
  const match = context.keys.map((key) => `${flatKey('d', key)} = ${flatKey('b', key)}`).join(' AND ')
  return `MERGE INTO ${context.tombstones} d USING ${batch} b ON ${match}
    WHEN MATCHED AND b.${TOMBSTONE_SEQ} > d.${TOMBSTONE_SEQ} THEN UPDATE SET ${TOMBSTONE_SEQ} = b.${TOMBSTONE_SEQ}
    WHEN NOT MATCHED THEN INSERT BY NAME`
}

/** Delete flow, step 3: delete (SCD1) or close (SCD2) rows whose sequence the tombstone's reaches. */
export function applyDeletesSql(context: ApplyContext, batch: string, scdType: 1 | 2): string {
  const { target, keys } = context
  const seq = context.sequenceBy!
  const match = keys.map((key) => `${ref('t', key)} = ${flatKey('b', key)}`).join(' AND ')
  if (scdType === 1) {
    return `DELETE FROM ${target} t USING ${batch} b WHERE ${match} AND (${ref('t', seq)} IS NULL OR b.${TOMBSTONE_SEQ} >= ${ref('t', seq)})`
  }
  return `UPDATE ${target} t SET ${END_AT} = b.${TOMBSTONE_SEQ} FROM ${batch} b
    WHERE ${match} AND t.${END_AT} IS NULL AND (t.${START_AT} IS NULL OR t.${START_AT} <= b.${TOMBSTONE_SEQ})`
}

/** Append: every staged row into the target. */
export function appendSql(context: ApplyContext): string {
  const list = columnList(context.columns)
  return `INSERT INTO ${context.target} (${list}) SELECT ${list} FROM ${context.stage} s`
}

/**
 * Snapshot source: the staged snapshot deduplicated by key (the later arrival wins), as a
 * subquery; the dedup looks at keys and arrival order only, never holding the payload.
 */
export function snapshotSource(context: ApplyContext): string {
  const keys = context.keys.map((key) => ref('d', key)).join(', ')
  return `(SELECT * EXCLUDE (${quoteId(ORDER_COLUMN)}) FROM ${context.stage} s
    WHERE s.${quoteId(ORDER_COLUMN)} IN (SELECT max(d.${quoteId(ORDER_COLUMN)}) FROM ${context.stage} d GROUP BY ${keys}))`
}

/** Snapshot counts before applying: keys inserted, rows changed, keys gone (current rows only for SCD2). */
export function snapshotCountsSql(context: ApplyContext, snapshot: string, scdType: 1 | 2): string {
  const current = scdType === 2 ? `(SELECT * FROM ${context.target} WHERE ${END_AT} IS NULL)` : context.target
  return `SELECT count(*) FILTER (WHERE t.__present IS NULL) AS inserted,
      count(*) FILTER (WHERE s.__present IS NULL) AS deleted,
      count(*) FILTER (WHERE t.__present AND s.__present AND ${rowOf('t', context.columns)} IS DISTINCT FROM ${rowOf('s', context.columns)}) AS updated
    FROM (SELECT *, TRUE AS __present FROM ${current}) t
    FULL OUTER JOIN (SELECT *, TRUE AS __present FROM ${snapshot} snapshot) s ON ${keysMatch(context.keys, 't', 's')}`
}

/** Snapshot SCD1: delete rows whose key is gone, then merge changed and new rows. */
export function snapshotScd1Sql(context: ApplyContext, snapshot: string): string[] {
  const { target, columns, keys } = context
  return [
    `DELETE FROM ${target} t WHERE NOT EXISTS (SELECT 1 FROM ${snapshot} s WHERE ${keysMatch(keys, 't', 's')})`,
    `MERGE INTO ${target} t USING ${snapshot} s ON ${keysMatch(keys, 't', 's')}
      WHEN MATCHED AND ${rowOf('t', columns)} IS DISTINCT FROM ${rowOf('s', columns)} THEN UPDATE SET ${columns.map((column) => `${quoteId(column)} = s.${quoteId(column)}`).join(', ')}
      WHEN NOT MATCHED THEN INSERT (${columnList(columns)}) VALUES (${columns.map((column) => `s.${quoteId(column)}`).join(', ')})`,
  ]
}

/**
 * Snapshot SCD2 at version time `$1`: close current rows whose key is gone or whose values
 * changed, then open a version for every snapshot row without a current row.
 */
export function snapshotScd2Sql(context: ApplyContext, snapshot: string): string[] {
  const { target, columns, keys } = context
  return [
    `UPDATE ${target} t SET ${END_AT} = $1 WHERE t.${END_AT} IS NULL AND NOT EXISTS (
      SELECT 1 FROM ${snapshot} s WHERE ${keysMatch(keys, 't', 's')} AND ${rowOf('t', columns)} IS NOT DISTINCT FROM ${rowOf('s', columns)})`,
    `INSERT INTO ${target} (${columnList(columns)}, ${START_AT}, ${END_AT})
      SELECT ${columns.map((column) => `s.${quoteId(column)}`).join(', ')}, $1, NULL FROM ${snapshot} s
      WHERE NOT EXISTS (SELECT 1 FROM ${target} t WHERE ${keysMatch(keys, 't', 's')} AND t.${END_AT} IS NULL)`,
  ]
}

/** Snapshot without keys: counts as multiset differences, then the table is replaced. */
export function keylessSnapshotSql(context: ApplyContext): { counts: string; apply: string[] } {
  const { target, stage, columns } = context
  const list = columnList(columns)
  return {
    counts: `SELECT (SELECT count(*) FROM (SELECT ${list} FROM ${stage} s EXCEPT ALL SELECT ${list} FROM ${target})) AS inserted,
      (SELECT count(*) FROM (SELECT ${list} FROM ${target} EXCEPT ALL SELECT ${list} FROM ${stage} s)) AS deleted, 0 AS updated`,
    apply: [`DELETE FROM ${target}`, `INSERT INTO ${target} (${list}) SELECT ${list} FROM ${stage} s`],
  }
}
