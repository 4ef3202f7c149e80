import { DataFormatError } from '../errors/errors.ts'
import { excerpt } from '../errors/redact.ts'
import { textChunks } from './text.ts'

/** Options of {@link csvRows} and {@link csvRecords}. */
export interface CsvOptions {
  /**
   * Field separator, one character.
   * @default ','
   * @example ';'
   */
  delimiter?: string
  /**
   * Column names when the data has no header row. Without them the first row is the header.
   * @example ['id', 'name', 'updated_at']
   */
  columns?: readonly string[]
  /** Prefix for error locations, e.g. `entry orders.csv`. */
  where?: string
}

/**
 * Splits CSV text (RFC 4180: quoted fields may hold the delimiter, quotes doubled as `""`
 * and line breaks; rows end with `\r\n`, `\n` or `\r`; a UTF-8 byte order mark is ignored)
 * into rows of strings, streaming: memory holds one chunk and one row. A quote inside an
 * unquoted field is kept as text; text after a closing quote, or a quote left open at the
 * end, throws {@link DataFormatError} naming the line the row starts on. Empty lines are skipped.
 * @example for await (const row of csvRows(body)) console.log(row.length)
 */
export async function* csvRows(
  source: AsyncIterable<Uint8Array>,
  options: CsvOptions = {},
): AsyncGenerator<{ fields: string[]; line: number }, void, undefined> {
  const delimiter = options.delimiter ?? ','
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r')
    throw new TypeError(
      `csv: delimiter must be one character other than a quote or line break, got ${JSON.stringify(delimiter)}`,
    )
  const prefix = options.where ? `${options.where}, ` : ''
  const special = new RegExp(
    `[${delimiter === ']' || delimiter === '\\' || delimiter === '^' ? `\\${delimiter}` : delimiter}"\\r\\n]`,
    'g',
  )
  let fields: string[] = []
  let field = ''
  /** 0: at a field start, 1: in an unquoted field, 2: in quotes, 3: just after a quote inside quotes. */
  let state = 0
  let line = 1
  let rowLine = 1
  let skipNewline = false
  const fail = (problem: string): never => {
    throw new DataFormatError('csv', `${prefix}line ${rowLine}`, problem)
  }
  const endRow = () => {
    fields.push(field)
    field = ''
    const row = { fields, line: rowLine }
    fields = []
    state = 0
    return row.fields.length === 1 && row.fields[0] === '' ? undefined : row
  }
  for await (const text of textChunks(source, 'csv', options.where)) {
    let index = 0
    if (skipNewline && text[0] === '\n') index = 1
    skipNewline = false
    while (index < text.length) {
      if (state === 2) {
        const quote = text.indexOf('"', index)
        const end = quote < 0 ? text.length : quote
        for (let at = text.indexOf('\n', index); at >= 0 && at < end; at = text.indexOf('\n', at + 1)) line++
        field += text.slice(index, end)
        if (quote < 0) break
        index = quote + 1
        state = 3
        continue
      }
      const char = text[index]!
      if (state === 3) {
        if (char === '"') {
          field += '"'
          index++
          state = 2
          continue
        }
        if (char !== delimiter && char !== '\n' && char !== '\r')
          fail(`unexpected ${excerpt(char)} after a closing quote; a quoted field must end at a delimiter or line end`)
        state = 1
      }
      if (state === 0 && char === '"') {
        state = 2
        index++
        continue
      }
      special.lastIndex = index
      const match = special.exec(text)
      const at = match ? match.index : text.length
      field += text.slice(index, at)
      state = 1
      if (!match) break
      const found = match[0]
      index = at + 1
      if (found === '"') {
        field += '"'
        continue
      }
      if (found === delimiter) {
        fields.push(field)
        field = ''
        state = 0
        continue
      }
      // A line break ends the row; `\r\n` counts once, even split across chunks.
      if (found === '\r') {
        if (index < text.length) {
          if (text[index] === '\n') index++
        } else skipNewline = true
      }
      line++
      const row = endRow()
      rowLine = line
      if (row) yield row
    }
  }
  if (state === 2) fail('a quoted field is not closed before the end of the data')
  if (state !== 0 || fields.length > 0 || field !== '') {
    const row = endRow()
    if (row) yield row
  }
}

/**
 * Reads CSV into records: the header row (or `options.columns`) names the fields, every
 * value is a string (the table's schema converts them). A row whose field count differs
 * from the header's, or a repeated column name, throws {@link DataFormatError}.
 * @example for await (const record of csvRecords(body)) yield record // { id: '1', name: 'Ada' }
 */
export async function* csvRecords(
  source: AsyncIterable<Uint8Array>,
  options: CsvOptions = {},
): AsyncGenerator<Record<string, string>, void, undefined> {
  const prefix = options.where ? `${options.where}, ` : ''
  let columns = options.columns ? [...options.columns] : undefined
  if (columns) checkColumns(columns, prefix, 0)
  for await (const { fields, line } of csvRows(source, options)) {
    if (!columns) {
      columns = fields
      checkColumns(columns, prefix, line)
      continue
    }
    if (fields.length !== columns.length)
      throw new DataFormatError(
        'csv',
        `${prefix}line ${line}`,
        `expected ${columns.length} fields (${columns.slice(0, 8).join(', ')}${columns.length > 8 ? ', …' : ''}), got ${fields.length}`,
      )
    const record: Record<string, string> = {}
    for (let index = 0; index < columns.length; index++) record[columns[index]!] = fields[index]!
    yield record
  }
}

function checkColumns(columns: readonly string[], prefix: string, line: number): void {
  const repeated = columns.find((name, index) => columns.indexOf(name) !== index)
  if (repeated !== undefined)
    throw new DataFormatError(
      'csv',
      `${prefix}line ${line || 'columns'}`,
      `column ${JSON.stringify(repeated)} appears twice in the header`,
    )
}

/** Options of {@link toCsv}. */
export interface CsvWriteOptions {
  /** @default ',' */
  delimiter?: string
  /** Start with a UTF-8 byte order mark (as spreadsheet exports do). @default false */
  bom?: boolean
}

/**
 * Writes rows as CSV text: `\r\n` line ends, fields quoted when they hold the delimiter, a
 * quote, a line break or surrounding spaces. `null` and `undefined` become empty fields.
 * @example toCsv([['id', 'note'], ['1', 'a, "b"']]) // 'id,note\r\n1,"a, ""b"""\r\n'
 */
export function toCsv(rows: Iterable<readonly unknown[]>, options: CsvWriteOptions = {}): string {
  const delimiter = options.delimiter ?? ','
  const lines: string[] = []
  for (const row of rows) lines.push(row.map((value) => csvField(value, delimiter)).join(delimiter))
  return `${options.bom ? '\uFEFF' : ''}${lines.map((line) => `${line}\r\n`).join('')}`
}

function csvField(value: unknown, delimiter: string): string {
  if (value === null || value === undefined) return ''
  const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value)
  const needsQuotes = text.includes(delimiter) || /["\r\n]/.test(text) || text !== text.trim()
  return needsQuotes ? `"${text.replaceAll('"', '""')}"` : text
}
