import { readFile } from 'node:fs/promises'
import { parse as parseYaml } from 'yaml'
import { childPath, describeValue, PipelineSpecError, type SpecIssue } from './spec-error.ts'

/** `scd_type` values (upstream `get_scd_type`, upper-cased on input). */
export const SCD_TYPES = ['SCD_TYPE_1', 'SCD_TYPE_2', 'APPEND_ONLY'] as const
/** How a cdc table keeps history, or `APPEND_ONLY` to force append. */
export type ScdType = (typeof SCD_TYPES)[number]

/** Configuration keys the pipeline consumes; they never reach the connector. */
export const RESERVED_TABLE_KEYS = ['scd_type', 'primary_keys', 'sequence_by', 'cluster_by'] as const

/** One `objects[].table` entry, as written (configuration values normalised to strings). */
export interface TableSpec {
  readonly source_table: string
  readonly destination_catalog?: string
  readonly destination_schema?: string
  readonly destination_table?: string
  /** Every configuration key, reserved ones included, with string values. */
  readonly table_configuration: Readonly<Record<string, string>>
  /**
   * Data-quality expectations for Spark Declarative Pipelines, by name: a Spark SQL condition
   * every row should meet (violations are counted and the rows kept), or the condition with
   * what to do with violating rows. The DuckDB runner does not evaluate them.
   * @example { valid_email: "email LIKE '%@%'", positive_total: { condition: 'total >= 0', action: 'drop' } }
   */
  readonly expectations?: Readonly<Record<string, ExpectationSpec>>
}

/** What a pipeline does with a row that fails an expectation. */
export const EXPECTATION_ACTIONS = ['warn', 'drop', 'fail'] as const
/** `warn` keeps and counts the row, `drop` removes and counts it, `fail` stops the update. */
export type ExpectationAction = (typeof EXPECTATION_ACTIONS)[number]

/** One expectation: a Spark SQL condition, or the condition and its action (default `warn`). */
export type ExpectationSpec = string | { readonly condition: string; readonly action?: ExpectationAction }

/** A pipeline spec in upstream's format (upstream-spec §3.1). */
export interface PipelineSpec {
  readonly connection_name: string
  readonly objects: readonly { readonly table: TableSpec }[]
}

/** A table of a spec with the reserved keys interpreted. */
export interface ResolvedTableSpec {
  /** Position in `objects`. */
  readonly index: number
  readonly sourceTable: string
  /** Destination schema (`destination_schema`) and table (`destination_table`, default the source table). */
  readonly destination: { readonly catalog?: string; readonly schema?: string; readonly table: string }
  /** The configuration without reserved keys: what the connector sees as table options. */
  readonly tableOptions: Readonly<Record<string, string>>
  readonly scdType?: ScdType
  readonly primaryKeys?: readonly string[]
  readonly sequenceBy?: string
  readonly clusterBy?: readonly string[]
}

const TOP_KEYS = ['connection_name', 'objects']
const OBJECT_KEYS = ['table']
const TABLE_KEYS = [
  'source_table',
  'destination_catalog',
  'destination_schema',
  'destination_table',
  'table_configuration',
  'expectations',
]
const EXPECTATION_KEYS = ['condition', 'action']

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function unknownKeys(value: Record<string, unknown>, allowed: readonly string[], path: string, issues: SpecIssue[]) {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      issues.push({ path: childPath(path, key), message: `unknown key; expected one of ${allowed.join(', ')}` })
    }
  }
}

function requireString(value: unknown, path: string, issues: SpecIssue[], optional = false): string | undefined {
  if (value === undefined && optional) return undefined
  if (typeof value !== 'string') {
    issues.push({
      path,
      message:
        value === undefined
          ? 'required, expected a non-empty string'
          : `expected a string, got ${describeValue(value)}`,
    })
    return undefined
  }
  if (value.trim() === '') {
    issues.push({ path, message: 'expected a non-empty string, got ""' })
    return undefined
  }
  return value
}

/**
 * Normalises a `table_configuration` value to the string a connector receives. Deliberately
 * JSON-sane where upstream uses Python's `str()` (quirk §10.11): `true` → `"true"` (not
 * `"True"`), `500` → `"500"`, lists and mappings → JSON text. `null` is rejected rather than
 * becoming upstream's `"None"`.
 */
export function normaliseConfigValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value)
  if (value === null || value === undefined) return undefined
  return JSON.stringify(value)
}

function parseConfiguration(value: unknown, path: string, issues: SpecIssue[]): Record<string, string> {
  if (value === undefined) return {}
  if (!isMapping(value)) {
    issues.push({ path, message: `expected a mapping of option names to values, got ${describeValue(value)}` })
    return {}
  }
  const out: Record<string, string> = {}
  for (const [key, raw] of Object.entries(value)) {
    const text = normaliseConfigValue(raw)
    if (text === undefined) {
      issues.push({
        path: childPath(path, key),
        message: 'expected a value, got null (remove the key to leave it unset)',
      })
      continue
    }
    out[key] = text
  }
  checkReserved(out, path, issues)
  return out
}

function parseKeyList(text: string, path: string, issues: SpecIssue[]): string[] | undefined {
  if (!text.trimStart().startsWith('[')) return [text]
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    issues.push({ path, message: `expected a JSON list of column names, got ${describeValue(text)}` })
    return undefined
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length === 0 ||
    !parsed.every((item) => typeof item === 'string' && item !== '')
  ) {
    issues.push({ path, message: `expected a non-empty list of column names, got ${describeValue(text)}` })
    return undefined
  }
  return parsed as string[]
}

/** Upstream `get_cluster_by`: a JSON list, a comma-separated list, or one column. */
export function parseClusterBy(text: string | undefined): string[] | undefined {
  if (text === undefined || text.trim() === '') return undefined
  if (text.trimStart().startsWith('[')) {
    try {
      const parsed = JSON.parse(text)
      if (Array.isArray(parsed)) return parsed.map((item) => String(item))
    } catch {
      // fall through: treated as a column list below
    }
  }
  if (text.includes(',')) {
    return text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '')
  }
  return [text.trim()]
}

function checkReserved(config: Record<string, string>, path: string, issues: SpecIssue[]): void {
  const scd = config.scd_type
  if (scd !== undefined && !(SCD_TYPES as readonly string[]).includes(scd.trim().toUpperCase())) {
    issues.push({
      path: childPath(path, 'scd_type'),
      message: `expected one of ${SCD_TYPES.join(', ')}, got ${describeValue(scd)}`,
    })
  }
  if (config.primary_keys !== undefined) {
    if (config.primary_keys.trim() === '') {
      issues.push({
        path: childPath(path, 'primary_keys'),
        message: 'expected a column name or a list of them, got ""',
      })
    } else parseKeyList(config.primary_keys, childPath(path, 'primary_keys'), issues)
  }
  if (config.sequence_by !== undefined && config.sequence_by.trim() === '') {
    issues.push({ path: childPath(path, 'sequence_by'), message: 'expected a column name, got ""' })
  }
}

/**
 * Validates a parsed document as a pipeline spec. Unknown keys are errors at every level,
 * strings are strict, and every problem is reported with its path.
 * @param source the file name used in messages
 * @throws PipelineSpecError listing every problem
 */
export function parsePipelineSpec(value: unknown, source = '<inline>'): PipelineSpec {
  const issues: SpecIssue[] = []
  if (!isMapping(value)) {
    throw new PipelineSpecError(source, [
      { path: '(root)', message: `expected a mapping with connection_name and objects, got ${describeValue(value)}` },
    ])
  }
  unknownKeys(value, TOP_KEYS, '', issues)
  const connectionName = requireString(value.connection_name, 'connection_name', issues)
  const objects: { table: TableSpec }[] = []
  if (!Array.isArray(value.objects) || value.objects.length === 0) {
    issues.push({
      path: 'objects',
      message: `expected a non-empty list of { table: ... } entries, got ${value.objects === undefined ? 'nothing' : describeValue(value.objects)}`,
    })
  } else {
    value.objects.forEach((entry: unknown, index: number) => {
      const table = parseObject(entry, childPath('objects', index), issues)
      if (table) objects.push({ table })
    })
  }
  checkDuplicates(objects, issues)
  if (issues.length > 0 || connectionName === undefined) throw new PipelineSpecError(source, issues)
  return { connection_name: connectionName, objects }
}

function parseObject(entry: unknown, path: string, issues: SpecIssue[]): TableSpec | undefined {
  if (!isMapping(entry)) {
    issues.push({ path, message: `expected a mapping with the key table, got ${describeValue(entry)}` })
    return undefined
  }
  unknownKeys(entry, OBJECT_KEYS, path, issues)
  const tablePath = childPath(path, 'table')
  const table = entry.table
  if (!isMapping(table)) {
    issues.push({
      path: tablePath,
      message: `expected a mapping with source_table, got ${table === undefined ? 'nothing' : describeValue(table)}`,
    })
    return undefined
  }
  unknownKeys(table, TABLE_KEYS, tablePath, issues)
  const before = issues.length
  const sourceTable = requireString(table.source_table, childPath(tablePath, 'source_table'), issues)
  const out: { -readonly [K in keyof TableSpec]: TableSpec[K] } = {
    source_table: sourceTable ?? '',
    table_configuration: parseConfiguration(
      table.table_configuration,
      childPath(tablePath, 'table_configuration'),
      issues,
    ),
  }
  for (const key of ['destination_catalog', 'destination_schema', 'destination_table'] as const) {
    const text = requireString(table[key], childPath(tablePath, key), issues, true)
    if (text !== undefined) out[key] = text
  }
  if (table.expectations !== undefined) {
    out.expectations = parseExpectations(table.expectations, childPath(tablePath, 'expectations'), issues)
  }
  return issues.length === before ? out : undefined
}

function parseExpectations(value: unknown, path: string, issues: SpecIssue[]): Record<string, ExpectationSpec> {
  const out: Record<string, ExpectationSpec> = {}
  if (!isMapping(value)) {
    issues.push({
      path,
      message: `expected a mapping of expectation names to SQL conditions, got ${describeValue(value)}`,
    })
    return out
  }
  for (const [name, entry] of Object.entries(value)) {
    const entryPath = childPath(path, name)
    if (name.trim() === '') issues.push({ path: entryPath, message: 'expected a non-empty expectation name' })
    if (!isMapping(entry)) {
      const condition = requireString(entry, entryPath, issues)
      if (condition !== undefined) out[name] = condition
      continue
    }
    unknownKeys(entry, EXPECTATION_KEYS, entryPath, issues)
    const condition = requireString(entry.condition, childPath(entryPath, 'condition'), issues)
    const action = entry.action
    if (action !== undefined && !(EXPECTATION_ACTIONS as readonly unknown[]).includes(action)) {
      issues.push({
        path: childPath(entryPath, 'action'),
        message: `expected one of ${EXPECTATION_ACTIONS.join(', ')}, got ${describeValue(action)}`,
      })
      continue
    }
    if (condition !== undefined)
      out[name] = action === undefined ? { condition } : { condition, action: action as ExpectationAction }
  }
  return out
}

function checkDuplicates(objects: readonly { table: TableSpec }[], issues: SpecIssue[]): void {
  const seen = new Map<string, number>()
  objects.forEach(({ table }, index) => {
    const name = `${table.destination_schema ?? ''}.${table.destination_table ?? table.source_table}`.toLowerCase()
    const earlier = seen.get(name)
    if (earlier !== undefined) {
      issues.push({
        path: `objects[${index}].table`,
        message: `writes the same destination table as objects[${earlier}]; set destination_table to tell them apart`,
      })
    } else seen.set(name, index)
  })
}

/** Parses spec text: YAML, or JSON (YAML 1.2 reads JSON too). */
export function parsePipelineSpecText(text: string, source = '<inline>'): PipelineSpec {
  let document: unknown
  try {
    document = parseYaml(text, { prettyErrors: false, uniqueKeys: true })
  } catch (error) {
    const message = (error as Error).message.split('\n')[0] ?? 'unreadable'
    throw new PipelineSpecError(source, [{ path: '(root)', message: `not valid YAML or JSON: ${message}` }])
  }
  return parsePipelineSpec(document, source)
}

/** Reads and validates a pipeline spec file (`.yaml`, `.yml` or `.json`). */
export async function loadPipelineSpec(file: string): Promise<PipelineSpec> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new PipelineSpecError(file, [
      {
        path: '(file)',
        message: `cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      },
    ])
  }
  return parsePipelineSpecText(text, file)
}

/** Interprets every table of a validated spec: reserved keys parsed, table options separated. */
export function resolveTables(spec: PipelineSpec): ResolvedTableSpec[] {
  return spec.objects.map(({ table }, index) => {
    const config = table.table_configuration
    const tableOptions = Object.fromEntries(
      Object.entries(config).filter(([key]) => !(RESERVED_TABLE_KEYS as readonly string[]).includes(key)),
    )
    const resolved: { -readonly [K in keyof ResolvedTableSpec]: ResolvedTableSpec[K] } = {
      index,
      sourceTable: table.source_table,
      destination: {
        ...(table.destination_catalog === undefined ? {} : { catalog: table.destination_catalog }),
        ...(table.destination_schema === undefined ? {} : { schema: table.destination_schema }),
        table: table.destination_table ?? table.source_table,
      },
      tableOptions,
    }
    if (config.scd_type !== undefined) resolved.scdType = config.scd_type.trim().toUpperCase() as ScdType
    if (config.primary_keys !== undefined) resolved.primaryKeys = parseKeyList(config.primary_keys, '', [])
    if (config.sequence_by !== undefined) resolved.sequenceBy = config.sequence_by
    const clusterBy = parseClusterBy(config.cluster_by)
    if (clusterBy !== undefined) resolved.clusterBy = clusterBy
    return resolved
  })
}
