import { readFile } from 'node:fs/promises'
import { describeValue } from '@lakeflow/core/internal'
import { documentIssues, formatDocumentPath } from '@lakeflow/core/validate'
import type { Static } from 'typebox'
import { parse as parseYaml } from 'yaml'
import {
  type EXPECTATION_ACTIONS,
  type ExpectationDocument,
  type ObjectDocument,
  PipelineSpecDocument,
} from './spec-documents.ts'
import { PipelineSpecError, type SpecIssue, specIssues } from './spec-error.ts'

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

/** `warn` keeps and counts the row, `drop` removes and counts it, `fail` stops the update. */
export type ExpectationAction = (typeof EXPECTATION_ACTIONS)[number]

/** One expectation: a Spark SQL condition, or the condition and its action (default `warn`). */
export type ExpectationSpec = Static<typeof ExpectationDocument>

/** A pipeline spec, in the format the Python runner reads. */
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

/**
 * Normalises a `table_configuration` value to the string a connector receives. Deliberately
 * JSON-sane where the Python runner uses `str()`: `true` → `"true"` (not `"True"`), `500` →
 * `"500"`, lists and mappings → JSON text. `null` is rejected rather than becoming `"None"`.
 */
export function normaliseConfigValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value)
  if (value === null || value === undefined) return undefined
  return JSON.stringify(value)
}

/** The configuration with every value normalised to a string (the shape is already checked). */
function normaliseConfiguration(value: Readonly<Record<string, unknown>> | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, raw] of Object.entries(value ?? {})) out[key] = normaliseConfigValue(raw) ?? ''
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

function checkReserved(config: Record<string, string>, path: readonly (string | number)[], issues: SpecIssue[]): void {
  const at = (key: string) => formatDocumentPath([...path, key])
  const scd = config.scd_type
  if (scd !== undefined && !(SCD_TYPES as readonly string[]).includes(scd.trim().toUpperCase())) {
    issues.push({ path: at('scd_type'), message: `expected one of ${SCD_TYPES.join(', ')}, got ${describeValue(scd)}` })
  }
  if (config.primary_keys !== undefined) {
    if (config.primary_keys.trim() === '') {
      issues.push({ path: at('primary_keys'), message: 'expected a column name or a list of them, got ""' })
    } else parseKeyList(config.primary_keys, at('primary_keys'), issues)
  }
  if (config.sequence_by !== undefined && config.sequence_by.trim() === '') {
    issues.push({ path: at('sequence_by'), message: 'expected a column name, got ""' })
  }
}

/**
 * Validates a parsed document as a pipeline spec. Unknown keys are errors at every level,
 * strings are strict, and every problem is reported with its path.
 * @param source the file name used in messages
 * @throws PipelineSpecError listing every problem
 */
export function parsePipelineSpec(value: unknown, source = '<inline>'): PipelineSpec {
  const shapeIssues = documentIssues(PipelineSpecDocument, value)
  const issues = specIssues(shapeIssues)
  // The reserved keys of every entry whose shape is right are checked too, so one pass reports everything.
  const misshapen = new Set(
    shapeIssues.filter((issue) => issue.segments[0] === 'objects').map((issue) => issue.segments[1]),
  )
  const objects: { table: TableSpec }[] = []
  const positions: number[] = []
  const entries = (value as { objects?: unknown } | null | undefined)?.objects
  if (Array.isArray(entries)) {
    entries.forEach((entry: Static<typeof ObjectDocument>, index: number) => {
      if (misshapen.has(index)) return
      const table = tableSpec(entry.table, ['objects', index, 'table'], issues)
      if (table === undefined) return
      objects.push({ table })
      positions.push(index)
    })
  }
  checkDuplicates(objects, positions, issues)
  if (issues.length > 0) throw new PipelineSpecError(source, issues)
  const document = value as Static<typeof PipelineSpecDocument>
  return { connection_name: document.connection_name, objects }
}

/** The table of an entry with its configuration normalised, or undefined when a reserved key is wrong. */
function tableSpec(
  table: Static<typeof ObjectDocument>['table'],
  path: readonly (string | number)[],
  issues: SpecIssue[],
): TableSpec | undefined {
  const before = issues.length
  const { table_configuration: configuration, ...names } = table
  const out: TableSpec = { ...names, table_configuration: normaliseConfiguration(configuration) }
  checkReserved(out.table_configuration, [...path, 'table_configuration'], issues)
  return issues.length === before ? out : undefined
}

function checkDuplicates(
  objects: readonly { table: TableSpec }[],
  positions: readonly number[],
  issues: SpecIssue[],
): void {
  const seen = new Map<string, number>()
  objects.forEach(({ table }, index) => {
    const name = `${table.destination_schema ?? ''}.${table.destination_table ?? table.source_table}`.toLowerCase()
    const earlier = seen.get(name)
    if (earlier !== undefined) {
      issues.push({
        path: formatDocumentPath(['objects', positions[index]!, 'table']),
        message: `writes the same destination table as objects[${earlier}]; set destination_table to tell them apart`,
      })
    } else seen.set(name, positions[index]!)
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
