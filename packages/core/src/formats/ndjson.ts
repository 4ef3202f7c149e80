import { DataFormatError } from '../errors/errors.ts'
import { excerpt } from '../errors/redact.ts'
import { textChunks } from './text.ts'

/** Options of {@link ndjsonRecords}. */
export interface NdjsonOptions {
  /** Prefix for error locations, e.g. `entry events.ndjson`. */
  where?: string
}

/**
 * Parses newline-delimited JSON (one value per line; `\r\n` or `\n`; blank lines skipped; a
 * UTF-8 byte order mark ignored) from a stream of byte chunks, one line at a time: memory
 * holds one chunk and one line, whatever the body's size. A line that is not JSON, or bytes
 * that are not UTF-8, throw {@link DataFormatError} naming the line.
 * @example for await (const event of ndjsonRecords(body)) yield event
 */
export async function* ndjsonRecords(
  source: AsyncIterable<Uint8Array>,
  options: NdjsonOptions = {},
): AsyncGenerator<unknown, void, undefined> {
  const prefix = options.where ? `${options.where}, ` : ''
  let carry = ''
  let line = 0
  const parse = (text: string): unknown => {
    try {
      return JSON.parse(text)
    } catch (error) {
      const reason = (error as Error).message.replace(/,? ".*" is not valid JSON$/s, '').slice(0, 120)
      throw new DataFormatError('ndjson', `${prefix}line ${line}`, `${reason}; got ${excerpt(text, 120)}`)
    }
  }
  for await (const text of textChunks(source, 'ndjson', options.where)) {
    let start = 0
    let buffer = carry + text
    for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n', start)) {
      line++
      const content = buffer.slice(start, newline)
      start = newline + 1
      if (content.trim() !== '') yield parse(content)
    }
    carry = buffer.slice(start)
    buffer = ''
  }
  line++
  if (carry.trim() !== '') yield parse(carry)
}
