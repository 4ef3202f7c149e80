import type { RawRecord } from '@lakeflow/core/connector'
import type { FileEntry } from '@lakeflow/files'
import { parseMessage, type SplitUnit, splitStream } from '@lakeflow/hl7v2'
import { errorsTable, type FileContext, type Hl7Table, type MessageContext } from '@lakeflow/hl7v2/tables'

/** A unit of a file with its place among the file's errors (errors are numbered 1, 2, … per file). */
export interface NumberedUnit {
  readonly unit: SplitUnit
  /** For error units: 1-based position among the file's errors; 0 for messages. */
  readonly errorIndex: number
}

/** How files are read: strictness and the character set of messages without MSH-18. */
export interface ReadSettings {
  readonly strict: boolean
  readonly defaultCharset: string
}

/**
 * The units of a file, streamed. Strict: a first pass looks for any problem; a file with
 * one gives only its error units (no message of it loads), else every unit.
 */
export async function* fileUnits(
  file: FileEntry,
  open: () => AsyncIterable<Uint8Array>,
  settings: ReadSettings,
): AsyncGenerator<NumberedUnit, void, undefined> {
  const split = { file: file.path, defaultCharset: settings.defaultCharset }
  let onlyErrors = false
  if (settings.strict) {
    for await (const unit of splitStream(open(), split)) {
      if (unit.type === 'error') {
        onlyErrors = true
        break
      }
    }
  }
  let errors = 0
  for await (const unit of splitStream(open(), split)) {
    const errorIndex = unit.type === 'error' ? ++errors : 0
    if (onlyErrors && unit.type !== 'error') continue
    yield { unit, errorIndex }
  }
}

/** RFC 3339 at whole seconds (UTC), the Python connector's `create_time` for files. */
export function fileTime(modifiedMs: number): string {
  return `${new Date(Math.floor(modifiedMs / 1000) * 1000).toISOString().slice(0, 19)}Z`
}

/** The metadata columns of a file's rows. */
export function fileContext(path: string, modifiedMs: number): FileContext {
  return { sourceFile: path, createTime: fileTime(modifiedMs) }
}

/** The rows a unit gives a message table (none for an error unit). */
export function messageRows(table: Hl7Table, unit: SplitUnit, file: FileContext, defaultCharset: string): RawRecord[] {
  if (unit.type !== 'message') return []
  const message = parseMessage(unit.text, {
    file: file.sourceFile ?? undefined,
    messageIndex: unit.index,
    defaultCharset,
  })
  const context: MessageContext = { ...file, messageIndex: unit.index }
  return table.rows(message, context)
}

/** The row a unit gives the errors table (none for a message). */
export function errorRows(numbered: NumberedUnit, file: FileContext): RawRecord[] {
  const { unit, errorIndex } = numbered
  return unit.type === 'error' ? [errorsTable.row(unit.error, errorIndex, file)] : []
}
