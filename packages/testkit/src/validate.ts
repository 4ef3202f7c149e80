import type { RawRecord } from '@lakeflow/core/connector'
import { compileConverter } from '@lakeflow/core/convert'
import { isPlainObject } from '@lakeflow/core/internal'
import type { TableSchema } from '@lakeflow/core/schema'
import { type Findings, show } from './check.ts'
import { emptyStructs, isAllNull, nonNullableViolations, valueAt } from './records.ts'
import type { CheckContext } from './types.ts'

/** Which flow records came from; deletes (tombstones) are validated more loosely, as upstream does. */
export type RecordFlow = 'records' | 'deletes' | 'partition'

/** At most this many findings per table, so one broken field does not drown the report. */
const MAX_FINDINGS_PER_TABLE = 3

/**
 * Upstream's `_validate_read` for a batch of records: each is an object, converts with
 * core's converter (tombstones: their key and cursor columns only), has no null in a
 * non-nullable field (records only), no `{}` for a struct, is not all-null, and carries
 * its primary keys (cdc types; tombstones always, with the cursor too).
 */
export async function validateRecords(
  context: CheckContext,
  findings: Findings,
  table: string,
  records: readonly RawRecord[],
  flow: RecordFlow,
): Promise<void> {
  const schema = await context.schema(table)
  const metadata = await context.metadata(table)
  const primaryKeys = metadata.primary_keys ?? []
  // A tombstone carries its keys and cursor; every other field may be null, even where the
  // schema says not null. Runners convert tombstones with those columns only; so does the suite.
  const convert = compileConverter(
    flow === 'deletes'
      ? tombstoneSchema(schema, [...primaryKeys, ...(metadata.cursor_field ? [metadata.cursor_field] : [])])
      : schema,
    { table },
  )
  const keysRequired =
    flow === 'deletes' || metadata.ingestion_type === 'cdc' || metadata.ingestion_type === 'cdc_with_deletes'
  let found = 0
  const add = (problem: string, expected: string, received: string, fix: string) => {
    if (found++ < MAX_FINDINGS_PER_TABLE) findings.add({ where: `table ${table}`, problem, expected, received, fix })
  }
  const source = flow === 'deletes' ? 'readTableDeletes' : flow === 'partition' ? 'readPartition' : 'readTable'
  for (const [index, record] of records.entries()) {
    if (!isPlainObject(record)) {
      add(
        `${source} yielded item #${index} that is not a plain object`,
        'each record a JSON object',
        show(record),
        'yield the raw JSON object of each record',
      )
      continue
    }
    try {
      convert(record)
    } catch (error) {
      add(
        `${source} yielded record #${index} that does not convert to the table's schema`,
        "every record converts with core's converter (compileConverter)",
        `${(error as Error).message.split('\n')[0]}`,
        'make the schema match what the source returns (type, nullability, nesting), or fix the record',
      )
      continue
    }
    if (flow !== 'deletes') {
      const missing = nonNullableViolations(record, schema)
      if (missing.length > 0) {
        add(
          `${source} yielded record #${index} with null in non-nullable field(s) ${missing.join(', ')}`,
          'a value in every non-nullable field',
          show(record),
          'declare the field nullable, or make sure the source always sends it',
        )
      }
    }
    const empty = emptyStructs(record, schema)
    if (empty.length > 0) {
      add(
        `${source} yielded record #${index} with {} for struct field(s) ${empty.join(', ')}`,
        'null for a missing nested object',
        show(record),
        'map an absent or empty nested object to null, never {}',
      )
    }
    if (isAllNull(record, schema)) {
      add(
        `${source} yielded record #${index} whose fields are all null`,
        'at least one non-null field',
        show(record),
        'do not yield placeholder records; check the field names match the schema',
      )
    }
    if (keysRequired) {
      const required =
        flow === 'deletes' && metadata.cursor_field ? [...primaryKeys, metadata.cursor_field] : primaryKeys
      const absent = required.filter((key) => valueAt(record, key) === null || valueAt(record, key) === undefined)
      if (absent.length > 0) {
        add(
          `${source} yielded record #${index} without ${absent.join(', ')}`,
          flow === 'deletes'
            ? 'every tombstone carries the primary keys and the cursor field'
            : 'every primary key non-null in every record of a cdc table',
          show(record),
          'yield the key fields under the names (dotted paths) given in primary_keys',
        )
      }
    }
  }
}

/** The schema's top-level columns holding the given (dotted) paths: what a tombstone must convert to. */
export function tombstoneSchema(schema: TableSchema, paths: readonly string[]): TableSchema {
  const tops = new Set(paths.map((path) => path.split('.')[0]!))
  const fields = Object.fromEntries(Object.entries(schema.fields).filter(([name]) => tops.has(name)))
  return { ...schema, fields } as TableSchema
}

/**
 * Upstream's column-population check: every top-level column is non-null in at least one
 * record, except the allowed ones.
 */
export async function checkColumnsPopulated(
  context: CheckContext,
  findings: Findings,
  table: string,
  records: readonly RawRecord[],
): Promise<void> {
  if (records.length === 0) return
  const schema = await context.schema(table)
  const allowed = new Set(context.config.allowNullColumns?.[table] ?? [])
  const empty = Object.keys(schema.fields).filter(
    (column) =>
      !allowed.has(column) && records.every((record) => record[column] === null || record[column] === undefined),
  )
  if (empty.length > 0) {
    findings.add({
      where: `table ${table}`,
      problem: `column(s) ${empty.join(', ')} are null in all ${records.length} records read`,
      expected: 'every column non-null in at least one record of the simulated corpus',
      received: `always null: ${empty.join(', ')}`,
      fix: `check the field names against the source's JSON (a renamed field reads as null), add values to the corpus, or list the column in allowNullColumns.${table}`,
    })
  }
}
