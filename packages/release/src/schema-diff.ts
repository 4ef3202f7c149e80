import { basename } from 'node:path'

/** Spark's JSON form of a data type, as stored in schema snapshots (`StructType.jsonValue()`). */
export type SparkJson = string | { readonly type: string; readonly [key: string]: unknown }

/** Ingestion metadata with upstream's wire keys, as stored beside a table's schema. */
export interface SnapshotMetadata {
  readonly primary_keys?: readonly string[]
  readonly cursor_field?: string | null
  readonly ingestion_type?: string
}

/** One table's snapshot: its Spark schema and, when the snapshot records it, its metadata. */
export interface TableSnapshot {
  readonly table: string
  readonly schema: SparkJson
  readonly metadata: SnapshotMetadata | null
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const isStruct = (value: unknown): boolean => isObject(value) && value.type === 'struct' && Array.isArray(value.fields)
const METADATA_KEYS = ['primary_keys', 'cursor_field', 'ingestion_type'] as const

function tableEntry(table: string, value: unknown): TableSnapshot | null {
  if (isStruct(value)) return { table, schema: value as SparkJson, metadata: null }
  if (!isObject(value) || !isStruct(value.schema)) return null
  const source = isObject(value.metadata) ? value.metadata : value
  const hasMetadata = METADATA_KEYS.some((key) => key in source)
  const metadata = hasMetadata
    ? (Object.fromEntries(METADATA_KEYS.map((key) => [key, source[key]])) as SnapshotMetadata)
    : null
  return { table: typeof value.table === 'string' ? value.table : table, schema: value.schema as SparkJson, metadata }
}

/**
 * Reads the tables out of one snapshot file. Accepted shapes (so the path and layout each
 * connector chooses stay free):
 * - a bare `StructType` JSON (`{"type":"struct","fields":[...]}`), the table named after the file;
 * - `{"schema": <struct>, "metadata": {primary_keys, cursor_field, ingestion_type}}` (metadata may
 *   also sit at the top level, and a `"table"` key may name the table);
 * - an object of either of those keyed by table name, optionally under `"tables"`.
 * Files that hold none of these (other JSON snapshots) yield `[]`.
 */
export function parseSnapshotFile(fileName: string, text: string): TableSnapshot[] {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new Error(`${fileName}: schema snapshot is not valid JSON (${(error as Error).message})`)
  }
  const fromFile = basename(fileName)
    .replace(/\.json$/, '')
    .replace(/\.schema$/, '')
  const single = tableEntry(fromFile, value)
  if (single) return [single]
  const container = isObject(value) && isObject(value.tables) ? value.tables : value
  if (!isObject(container)) return []
  return Object.entries(container).flatMap(([table, entry]) => {
    const parsed = tableEntry(table, entry)
    return parsed ? [parsed] : []
  })
}

/** One incompatible difference between two snapshots of a table. */
export interface BreakingChange {
  readonly table: string
  /** Dotted column path (`user.login`, `labels[].name`), or the metadata key. */
  readonly path: string
  readonly change: 'table removed' | 'column removed' | 'column retyped' | 'column became nullable' | 'metadata changed'
  readonly before: string
  readonly after: string
}

const describe = (type: unknown): string =>
  typeof type === 'string' ? type : String((type as { type?: unknown })?.type)

function compareTypes(table: string, path: string, before: unknown, after: unknown, out: BreakingChange[]): void {
  const kindBefore = describe(before)
  const kindAfter = describe(after)
  if (kindBefore !== kindAfter) {
    out.push({ table, path, change: 'column retyped', before: kindBefore, after: kindAfter })
    return
  }
  if (typeof before === 'string' || !isObject(before) || !isObject(after)) return
  if (kindBefore === 'struct') compareFields(table, path, before.fields as unknown[], after.fields as unknown[], out)
  else if (kindBefore === 'array') {
    compareTypes(table, `${path}[]`, before.elementType, after.elementType, out)
    if (before.containsNull === false && after.containsNull === true) {
      out.push({ table, path: `${path}[]`, change: 'column became nullable', before: 'not null', after: 'nullable' })
    }
  } else if (kindBefore === 'map') {
    compareTypes(table, `${path}{key}`, before.keyType, after.keyType, out)
    compareTypes(table, `${path}{value}`, before.valueType, after.valueType, out)
    if (before.valueContainsNull === false && after.valueContainsNull === true) {
      out.push({
        table,
        path: `${path}{value}`,
        change: 'column became nullable',
        before: 'not null',
        after: 'nullable',
      })
    }
  }
}

function compareFields(table: string, prefix: string, before: unknown[], after: unknown[], out: BreakingChange[]) {
  const afterByName = new Map(after.filter(isObject).map((field) => [String(field.name), field]))
  for (const field of before.filter(isObject)) {
    const path = prefix === '' ? String(field.name) : `${prefix}.${String(field.name)}`
    const next = afterByName.get(String(field.name))
    if (!next) {
      out.push({ table, path, change: 'column removed', before: describe(field.type), after: '(none)' })
      continue
    }
    compareTypes(table, path, field.type, next.type, out)
    if (field.nullable === false && next.nullable === true) {
      out.push({ table, path, change: 'column became nullable', before: 'not null', after: 'nullable' })
    }
  }
}

const show = (value: unknown): string => (value === undefined ? '(unset)' : JSON.stringify(value))

function compareMetadata(table: string, before: SnapshotMetadata, after: SnapshotMetadata, out: BreakingChange[]) {
  const keysBefore = [...(before.primary_keys ?? [])].sort()
  const keysAfter = [...(after.primary_keys ?? [])].sort()
  if (JSON.stringify(keysBefore) !== JSON.stringify(keysAfter)) {
    out.push({
      table,
      path: 'primary_keys',
      change: 'metadata changed',
      before: show(before.primary_keys),
      after: show(after.primary_keys),
    })
  }
  for (const key of ['cursor_field', 'ingestion_type'] as const) {
    if ((before[key] ?? null) !== (after[key] ?? null)) {
      out.push({ table, path: key, change: 'metadata changed', before: show(before[key]), after: show(after[key]) })
    }
  }
}

/**
 * Changes from `before` to `after` that break a consumer and so need a major release: a table
 * or column removed, a column's type changed (at any depth), a column made nullable, or the
 * primary keys (as a set), cursor field or ingestion type changed. Added tables and columns are
 * not breaking. Metadata is compared only when both snapshots record it.
 */
export function breakingChanges(before: readonly TableSnapshot[], after: readonly TableSnapshot[]): BreakingChange[] {
  const out: BreakingChange[] = []
  const afterByTable = new Map(after.map((snapshot) => [snapshot.table, snapshot]))
  for (const old of before) {
    const current = afterByTable.get(old.table)
    if (!current) {
      out.push({ table: old.table, path: '', change: 'table removed', before: 'table', after: '(none)' })
      continue
    }
    compareTypes(old.table, '', old.schema, current.schema, out)
    if (old.metadata && current.metadata) compareMetadata(old.table, old.metadata, current.metadata, out)
  }
  return out
}

/** One line per change, e.g. `issues.user.login: column retyped (string -> long)`. */
export function formatBreakingChange(change: BreakingChange): string {
  const where = change.path === '' ? change.table : `${change.table}.${change.path}`
  return `${where}: ${change.change} (${change.before} -> ${change.after})`
}
