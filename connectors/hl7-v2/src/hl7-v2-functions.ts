import type { ColumnFunction, FilePipelineSupport, RawRecord, TableOptions } from '@lakeflow/core/connector'
import { defineOptions, parseOptions, Type } from '@lakeflow/core/options'
import { Spark } from '@lakeflow/core/schema'
import { type Hl7ErrorKind, type Hl7Message, parseMessage, type SplitUnit, splitFile } from '@lakeflow/hl7v2'
import { errorsTable, type FileContext } from '@lakeflow/hl7v2/tables'
import { fileTime } from './hl7-v2-files.ts'
import { resolveTable, TABLE_NAMES } from './hl7-v2-tables.ts'

/**
 * Marks a split element that is a problem rather than a message: the file separator never
 * starts a message (MLLP framing bytes are removed), so the two cannot be confused.
 */
export const ERROR_MARKER = '\u001c'

/** The connection options the functions use (others are ignored). */
const FunctionOptions = defineOptions({
  strict: Type.Optional(Type.Boolean({ default: false, description: 'See the connection option.' })),
  default_charset: Type.Optional(Type.String({ default: 'UNICODE UTF-8', description: 'See the connection option.' })),
})

function optionsOf(json: unknown) {
  const raw = typeof json === 'string' && json.trim() !== '' ? (JSON.parse(json) as Record<string, unknown>) : {}
  const parsed = parseOptions(FunctionOptions, raw, 'connector hl7-v2 functions', { unknownKeys: 'ignore' })
  return { strict: parsed.strict ?? false, defaultCharset: parsed.default_charset ?? 'UNICODE UTF-8' }
}

/**
 * A file's path as the connector's `source_file` spells it: Spark's `_metadata.file_path`
 * is a URI (`file:/…`, `dbfs:/Volumes/…`, percent-encoded); local and volume paths become
 * plain absolute paths, other URIs (`s3://…`) stay as they are.
 */
export function sourceFileOf(path: string): string {
  const local = /^(?:file|dbfs):\/*(\/.*)?$/.exec(path)
  if (!local) return path
  const rest = `/${(local[1] ?? '').replace(/^\/+/, '')}`
  return path.startsWith('file:') ? decodeURIComponent(rest) : rest
}

interface EncodedError {
  /** Position in the file. */
  readonly n: number
  /** Position among the file's errors. */
  readonly e: number
  readonly kind: Hl7ErrorKind
  readonly message: string
  readonly excerpt?: string
}

function encodeError(unit: SplitUnit & { type: 'error' }, errorIndex: number): string {
  const error: EncodedError = {
    n: unit.index,
    e: errorIndex,
    kind: unit.error.kind,
    message: unit.error.message,
    ...(unit.error.excerpt === undefined ? {} : { excerpt: unit.error.excerpt }),
  }
  return ERROR_MARKER + JSON.stringify(error)
}

/** The split function: a file's units, in order, strict as the connector is. */
export function splitUnits(content: unknown, filePath: unknown, optionsJson: unknown): string[] | null {
  if (content === null || content === undefined) return null
  const options = optionsOf(optionsJson)
  const file = sourceFileOf(String(filePath ?? ''))
  const units = splitFile(content instanceof Uint8Array ? content : String(content), {
    file,
    defaultCharset: options.defaultCharset,
  })
  const bad = options.strict && units.some((unit) => unit.type === 'error')
  let errors = 0
  const out: string[] = []
  for (const unit of units) {
    if (unit.type === 'error') out.push(encodeError(unit, ++errors))
    else if (!bad) out.push(unit.text)
  }
  return out
}

function tablesOf(json: unknown): [string, TableOptions][] {
  if (typeof json !== 'string' || json.trim() === '') return TABLE_NAMES.map((name) => [name, {}])
  return Object.entries(JSON.parse(json) as Record<string, TableOptions>)
}

/** The parse function: one unit's rows for each requested table, as JSON arrays. */
export function parseUnit(
  element: unknown,
  filePath: unknown,
  modifiedMs: unknown,
  unitIndex: unknown,
  optionsJson: unknown,
  tablesJson: unknown,
): Record<string, string> | null {
  if (typeof element !== 'string') return null
  const { defaultCharset } = optionsOf(optionsJson)
  const file: FileContext = {
    sourceFile: sourceFileOf(String(filePath ?? '')),
    createTime: modifiedMs === null || modifiedMs === undefined ? null : fileTime(Number(modifiedMs)),
  }
  const out: Record<string, string> = {}
  const error = element.startsWith(ERROR_MARKER) ? (JSON.parse(element.slice(1)) as EncodedError) : undefined
  let message: Hl7Message | undefined
  const index = Number(unitIndex)
  for (const [name, options] of tablesOf(tablesJson)) {
    const resolved = resolveTable(name, options, 'hl7-v2')
    let rows: RawRecord[]
    if (resolved.kind === 'errors') {
      rows = error ? [errorsTable.row({ ...error, messageIndex: error.n }, error.e, file)] : []
    } else if (error) rows = []
    else {
      message ??= parseMessage(element, { file: file.sourceFile ?? undefined, messageIndex: index, defaultCharset })
      rows = resolved.table.rows(message, { ...file, messageIndex: index })
    }
    if (rows.length > 0) out[name] = JSON.stringify(rows)
  }
  return out
}

/** The functions the Spark pipeline calls (`lakeflow pack --pipeline`). */
export const hl7V2Functions: Readonly<Record<string, ColumnFunction>> = {
  hl7v2_split: {
    description: 'Cuts an HL7 v2 file (text or bytes) into messages; problems become marked elements',
    parameters: ['content', 'file_path', 'options_json'],
    returnType: Spark.array(Spark.string()),
    call: ([content = [], paths = [], options = []]) =>
      content.map((value, row) => splitUnits(value, paths[row], options[row])),
  },
  hl7v2_parse: {
    description: "Turns one element of hl7v2_split into each table's rows (table → JSON array)",
    parameters: ['unit', 'file_path', 'modified_ms', 'unit_index', 'options_json', 'tables_json'],
    returnType: Spark.map(Spark.string(), Spark.string()),
    call: ([units = [], paths = [], modified = [], indexes = [], options = [], tables = []]) =>
      units.map((unit, row) => parseUnit(unit, paths[row], modified[row], indexes[row], options[row], tables[row])),
  },
}

/** How `lakeflow pack --pipeline` wires Auto Loader to the functions. */
export const HL7_V2_FILES: FilePipelineSupport = {
  options: { path: 'volume_path', glob: 'file_glob', recursive: 'recursive' },
  fixed: { source_type: 'volume' },
  split: 'hl7v2_split',
  parse: 'hl7v2_parse',
}
