/**
 * Every difference between this connector's table schemas and the Python connector's (its
 * tables, keys and Spark schemas in `fixtures/python-connector-tables.json`), with what a
 * Delta table written by the Python connector needs before this connector writes to it.
 * The README's "Type differences" table is this list, rendered (checked by python-compat.test.ts).
 */

/** Spark's JSON form of a type. */
type SparkType = string | { type: string; [key: string]: unknown }
interface SparkField {
  name: string
  type: SparkType
  nullable: boolean
}

/** One difference, at a column path (`milestone.due_on`, `labels[]`). */
export interface Difference {
  readonly table: string
  readonly column: string
  readonly python: string
  readonly here: string
  /** What an existing Delta table needs (a label of {@link ACTIONS}). */
  readonly action: string
}

/** What an existing Delta table needs, by kind of difference: the label the table shows, and its meaning. */
const ACTIONS = {
  retype: [
    'full refresh',
    'Delta does not change the type of a column in place: fully refresh the table (its rows are read again with the new type) or write to a new table.',
  ],
  widen: ['type widening', 'enable `delta.enableTypeWidening` on the table, or fully refresh it.'],
  add: [
    'schema evolution',
    'additive: write with schema evolution (`mergeSchema`, or `spark.databricks.delta.schema.autoMerge.enabled`); the DuckDB destination adds columns itself.',
  ],
  relax: [
    'nothing yet',
    'nothing while GitHub sends a value; to accept a null, `ALTER TABLE … ALTER COLUMN … DROP NOT NULL`.',
  ],
  keep: ['nothing', 'the column stays; new rows leave it null.'],
  metadata: ['new keys', 'the pipeline keys, sequences or loads the table differently: fully refresh it.'],
} as const satisfies Record<string, readonly [string, string]>

const isStruct = (type: SparkType): type is { type: 'struct'; fields: SparkField[] } =>
  typeof type === 'object' && type.type === 'struct'
const isArray = (type: SparkType): type is { type: 'array'; elementType: SparkType } =>
  typeof type === 'object' && type.type === 'array'

/** `string`, `array<string>`, `map<string,string>`, `struct (5 fields)`. */
export function describeType(type: SparkType): string {
  if (typeof type === 'string') return type
  if (isStruct(type)) return `struct (${type.fields.length} fields)`
  if (isArray(type)) return `array<${describeType(type.elementType)}>`
  if (type.type === 'map')
    return `map<${describeType(type.keyType as SparkType)},${describeType(type.valueType as SparkType)}>`
  return type.type
}

const listed = (fields: SparkField[]) =>
  fields.map((field) => `\`${field.name}\` ${describeType(field.type)}`).join(', ')

function compareFields(table: string, prefix: string, python: SparkField[], here: SparkField[], out: Difference[]) {
  const ours = new Map(here.map((field) => [field.name, field]))
  const theirs = new Set(python.map((field) => field.name))
  for (const field of python) {
    const column = prefix ? `${prefix}.${field.name}` : field.name
    const match = ours.get(field.name)
    if (!match) {
      out.push({ table, column, python: describeType(field.type), here: '(none)', action: ACTIONS.keep[0] })
      continue
    }
    if (!field.nullable && match.nullable) {
      const type = describeType(field.type)
      out.push({ table, column, python: `${type}, not null`, here: `${type}, nullable`, action: ACTIONS.relax[0] })
    }
    compareTypes(table, column, field.type, match.type, out)
  }
  const added = here.filter((field) => !theirs.has(field.name))
  if (added.length > 0) {
    out.push({
      table,
      column: prefix ? `${prefix} (new fields)` : '(new columns)',
      python: '—',
      here: listed(added),
      action: ACTIONS.add[0],
    })
  }
}

function compareTypes(table: string, column: string, python: SparkType, here: SparkType, out: Difference[]) {
  if (isStruct(python) && isStruct(here)) return compareFields(table, column, python.fields, here.fields, out)
  if (isArray(python) && isArray(here))
    return compareTypes(table, `${column}[]`, python.elementType, here.elementType, out)
  const before = describeType(python)
  const after = describeType(here)
  if (before === after) return
  const widening = (before === 'integer' && after === 'long') || (before === 'float' && after === 'double')
  out.push({ table, column, python: before, here: after, action: (widening ? ACTIONS.widen : ACTIONS.retype)[0] })
}

/** A table as both sides describe it: metadata and Spark schema JSON. */
export interface TableDescription {
  readonly primary_keys?: readonly string[] | null
  readonly cursor_field?: string | null
  readonly ingestion_type?: string
  readonly schema: { type: 'struct'; fields: SparkField[] }
}

/** Every difference, table by table in the Python connector's order. Tables only this connector has are not differences. */
export function differences(
  python: Readonly<Record<string, TableDescription>>,
  here: Readonly<Record<string, TableDescription>>,
): Difference[] {
  const out: Difference[] = []
  for (const [table, theirs] of Object.entries(python)) {
    const ours = here[table]
    if (!ours) {
      out.push({ table, column: '(table)', python: 'table', here: '(none)', action: ACTIONS.keep[0] })
      continue
    }
    for (const key of ['primary_keys', 'cursor_field', 'ingestion_type'] as const) {
      const before = JSON.stringify(theirs[key] ?? null)
      const after = JSON.stringify(ours[key] ?? null)
      if (before !== after)
        out.push({ table, column: `(${key})`, python: before, here: after, action: ACTIONS.metadata[0] })
    }
    compareFields(table, '', theirs.schema.fields, ours.schema.fields, out)
  }
  return out
}

/** `user`, `user` (new fields), (new columns). */
function columnCell(column: string): string {
  const [path, note] = column.split(/ (?=\()/)
  if (path!.startsWith('(')) return column
  return note === undefined ? `\`${path}\`` : `\`${path}\` ${note}`
}

/** The differences as a Markdown table, after a legend of the actions it uses. */
export function differencesTable(rows: readonly Difference[]): string {
  const cell = (text: string) => text.replaceAll('|', '\\|')
  const used = new Set(rows.map((row) => row.action))
  const legend = Object.values(ACTIONS)
    .filter(([label]) => used.has(label))
    .map(([label, meaning]) => `- **${label}**: ${meaning}`)
  return [
    ...legend,
    '',
    '| table | column | Python connector | here | existing Delta table needs |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(
      (row) =>
        `| \`${row.table}\` | ${columnCell(row.column)} | ${cell(row.python)} | ${cell(row.here)} | ${row.action} |`,
    ),
  ].join('\n')
}
