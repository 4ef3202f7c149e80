import { type Charset, charsetNamed, DEFAULT_CHARSET } from './charsets.ts'
import { type Delimiters, type Location, readDelimiters } from './delimiters.ts'
import { Hl7Error } from './hl7-error.ts'
import { Hl7Segment } from './segment.ts'

/** Options of {@link parseMessage}. */
export interface ParseOptions extends Location {
  /**
   * The character set assumed when MSH-18 is empty (an HL7 table 0211 name).
   * @default 'UNICODE UTF-8'
   */
  defaultCharset?: string
}

/** One HL7 v2 message: its segments in order, with the delimiters and character set of its MSH. */
export class Hl7Message {
  /** The message's segments joined by carriage returns (the HL7 segment terminator). */
  readonly text: string
  readonly delimiters: Delimiters
  /** The character set named by MSH-18 (or the default when it is empty). */
  readonly charset: Charset
  /** The segments, MSH first. */
  readonly segments: readonly Hl7Segment[]

  constructor(text: string, segments: readonly Hl7Segment[], delimiters: Delimiters, charset: Charset) {
    this.text = text
    this.segments = segments
    this.delimiters = delimiters
    this.charset = charset
  }

  /** The MSH segment. */
  get header(): Hl7Segment {
    return this.segments[0]!
  }

  /** MSH-10, the message control id, or undefined when empty. */
  get controlId(): string | undefined {
    return this.header.whole(10)
  }

  /** The first segment of a type (`PID`), if any. */
  segment(type: string): Hl7Segment | undefined {
    const wanted = type.toUpperCase()
    return this.segments.find((segment) => segment.type === wanted)
  }

  /** Every segment of a type, in message order. */
  segmentsOf(type: string): Hl7Segment[] {
    const wanted = type.toUpperCase()
    return this.segments.filter((segment) => segment.type === wanted)
  }
}

const LINE_BREAK = /\r\n|\r|\n/
const SEGMENT_ID = /^[A-Z][A-Z0-9]{2}$/

/**
 * The segments of a message text: lines that start with a segment id and the field
 * separator; any other line continues the segment before it (free text sent with a raw line
 * break), joined with LF, as the splitter does.
 */
function segmentLines(text: string, separator: string): string[] {
  const lines: string[] = []
  for (const line of text.split(LINE_BREAK)) {
    if (line.trim() === '') continue
    const isSegment = SEGMENT_ID.test(line.slice(0, 3)) && (line.length === 3 || line[3] === separator)
    if (isSegment || lines.length === 0) lines.push(line)
    else lines[lines.length - 1] += `\n${line}`
  }
  return lines
}

/** The MSH-18 value of an MSH line (first repetition, first component), read before decoding. */
export function declaredCharset(mshLine: string, delimiters: Delimiters): string | undefined {
  // MSH-n sits at index n - 1 of the line cut at the field separator (MSH-1 is the separator).
  const field = mshLine.split(delimiters.field)[17]
  if (field === undefined) return undefined
  const value = field.split(delimiters.repetition)[0]!.split(delimiters.component)[0]!.trim()
  return value === '' ? undefined : value
}

/**
 * Parses one message from text whose segments end with CR, LF or CRLF. The first segment
 * must be MSH; its delimiters and MSH-18 apply to the whole message (a text input is taken
 * as already decoded, so MSH-18 only chooses how `\X..\` escapes decode).
 * @throws Hl7Error `missing_msh`, `invalid_msh` or `unknown_charset`, located with `options`
 * @example parseMessage('MSH|^~\\&|LAB|…\rPID|1||12345^^^HOSP^MR').segment('PID')?.value(3, 1, 1) // '12345'
 */
export function parseMessage(text: string, options: ParseOptions = {}): Hl7Message {
  const where: Location = { file: options.file, messageIndex: options.messageIndex }
  const start = text.search(/\S/)
  const first = start === -1 ? undefined : text.slice(start).split(LINE_BREAK, 1)[0]
  if (first === undefined || !first.startsWith('MSH')) {
    const found = first === undefined ? 'an empty text' : JSON.stringify(first.slice(0, 40))
    throw new Hl7Error('missing_msh', `expected the message to start with an MSH segment, found ${found}`, where, {
      excerpt: text,
    })
  }
  const delimiters = readDelimiters(first, where)
  const lines = segmentLines(text, delimiters.field)
  const charset = charsetNamed(declaredCharset(first, delimiters), where, options.defaultCharset ?? DEFAULT_CHARSET)
  const hex = charset.decodeLenient
  const segments = lines.map((line, index) => new Hl7Segment(line, index + 1, delimiters, hex))
  return new Hl7Message(lines.join('\r'), segments, delimiters, charset)
}
