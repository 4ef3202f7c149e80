import { type Charset, charsetNamed, DEFAULT_CHARSET } from '../charsets.ts'
import { readDelimiters } from '../delimiters.ts'
import { Hl7Error } from '../hl7-error.ts'
import { declaredCharset } from '../message.ts'
import { type EnvelopeProblem, type EnvelopeSegment, EnvelopeTracker } from './envelope.ts'

/** One unit of a file: a message, decoded, or a problem where a message should be. */
export type SplitUnit =
  | {
      readonly type: 'message'
      /** 1-based position of the message in its file. */
      readonly index: number
      /** The message, decoded, segments joined by carriage returns. */
      readonly text: string
      /** The character set it was decoded with (MSH-18 or the default). */
      readonly charset: string
    }
  | {
      readonly type: 'error'
      /**
       * 1-based position in the file: a message that could not be read keeps its place; an
       * envelope or framing problem takes the place after the message before it.
       */
      readonly index: number
      readonly error: Hl7Error
    }

/** Options of {@link FileSplitter}. */
export interface SplitOptions {
  /** The file's name, for errors. */
  file?: string
  /**
   * The character set of messages whose MSH-18 is empty (an HL7 table 0211 name).
   * @default 'UNICODE UTF-8'
   */
  defaultCharset?: string
  /**
   * The bytes are UTF-8 text something else already decoded (Spark's `text` source): every
   * message is read as UTF-8 whatever its MSH-18 says; MSH-18 must still name a known set.
   * @default false
   */
  alreadyDecoded?: boolean
}

const CR = 0x0d
const LF = 0x0a
const VT = 0x0b
const FS = 0x1c
/** Bytes of a unit without MSH kept for its error excerpt. */
const HEADLESS_KEEP = 4096

const ENVELOPES = new Set(['FHS', 'BHS', 'BTS', 'FTS'])

interface Unit {
  lines: Uint8Array[]
  /** Total bytes of `lines` (headless units stop keeping lines past {@link HEADLESS_KEEP}). */
  bytes: number
  headless: boolean
  /** Every line so far looks like a segment (three-character id and a delimiter). */
  segmentLike: boolean
}

function startsWith(line: Uint8Array, text: string): boolean {
  if (line.length < text.length) return false
  for (let index = 0; index < text.length; index++) if (line[index] !== text.charCodeAt(index)) return false
  return true
}

function looksLikeSegment(line: Uint8Array): boolean {
  const [a, b, c, d] = line
  const upper = (x: number | undefined) => x !== undefined && x >= 0x41 && x <= 0x5a
  const alnum = (x: number | undefined) => upper(x) || (x !== undefined && x >= 0x30 && x <= 0x39)
  const delimiter = d === undefined || (d > 0x20 && d < 0x7f && !alnum(d) && !(d >= 0x61 && d <= 0x7a))
  return upper(a) && alnum(b) && alnum(c) && delimiter
}

/** A segment of a message with this field separator: a three-character id, then the separator or nothing. */
function isSegmentLine(line: Uint8Array, separator: number): boolean {
  return looksLikeSegment(line) && (line.length === 3 || line[3] === separator)
}

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')

/**
 * Cuts a file's bytes into HL7 v2 messages as they stream in, with bounded memory (one
 * message at a time). It understands:
 * - segment terminators CR, LF and CRLF (also split across chunks);
 * - a UTF-8 byte order mark at the start of the file or of any line;
 * - MLLP framing (VT … FS CR): each frame ends a message, the framing bytes are dropped;
 * - batch envelopes FHS/BHS … BTS/FTS, whose counts are checked ({@link EnvelopeTracker});
 * - MSH-18: each message is decoded in the character set it names.
 *
 * Bad input becomes `error` units (typed {@link Hl7Error}s naming the file and the message
 * index) and the rest of the file still splits.
 * @example
 * const splitter = new FileSplitter({ file: 'a.hl7' })
 * for await (const chunk of stream) for (const unit of splitter.push(chunk)) handle(unit)
 * for (const unit of splitter.end()) handle(unit)
 */
export class FileSplitter {
  readonly #options: SplitOptions
  readonly #envelope: EnvelopeTracker
  #carry: Uint8Array | undefined
  /** The previous chunk ended with CR: a leading LF completes a CRLF. */
  #pendingCr = false
  #unit: Unit | undefined
  #index = 0
  #frameOpen = false
  #out: SplitUnit[] = []
  #defaultCharset: Charset | Hl7Error

  constructor(options: SplitOptions = {}) {
    this.#options = options
    this.#envelope = new EnvelopeTracker()
    try {
      this.#defaultCharset = charsetNamed(undefined, { file: options.file }, options.defaultCharset ?? DEFAULT_CHARSET)
    } catch (error) {
      this.#defaultCharset = error as Hl7Error
    }
  }

  /** Units completed by this chunk. */
  push(chunk: Uint8Array): SplitUnit[] {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    let start = 0
    if (this.#pendingCr && bytes[0] === LF) start = 1
    this.#pendingCr = false
    let lineStart = start
    // The next position of each byte that ends a line or a frame, found with native scans
    // (memchr) rather than a loop over every byte.
    let nextCr = bytes.indexOf(CR, start)
    let nextLf = bytes.indexOf(LF, start)
    let nextVt = bytes.indexOf(VT, start)
    let nextFs = bytes.indexOf(FS, start)
    const end = bytes.length
    for (;;) {
      const index = Math.min(
        nextCr === -1 ? end : nextCr,
        nextLf === -1 ? end : nextLf,
        nextVt === -1 ? end : nextVt,
        nextFs === -1 ? end : nextFs,
      )
      if (index === end) break
      const byte = bytes[index]!
      this.#line(this.#joinCarry(bytes.subarray(lineStart, index)))
      lineStart = index + 1
      if (byte === CR) {
        if (index + 1 === end) this.#pendingCr = true
        else if (bytes[index + 1] === LF) lineStart = index + 2
      } else if (byte === FS) this.#frameEnd()
      else if (byte === VT) this.#frameStart()
      if (nextCr !== -1 && nextCr < lineStart) nextCr = bytes.indexOf(CR, lineStart)
      if (nextLf !== -1 && nextLf < lineStart) nextLf = bytes.indexOf(LF, lineStart)
      if (nextVt !== -1 && nextVt < lineStart) nextVt = bytes.indexOf(VT, lineStart)
      if (nextFs !== -1 && nextFs < lineStart) nextFs = bytes.indexOf(FS, lineStart)
    }
    if (lineStart < end) this.#carry = this.#joinCarry(bytes.subarray(lineStart))
    return this.#drain()
  }

  /** Units left when the input ends, with any unclosed frame, batch or file reported. */
  end(): SplitUnit[] {
    if (this.#carry) {
      const last = this.#carry
      this.#carry = undefined
      this.#line(last)
    }
    this.#flush()
    if (this.#frameOpen) {
      this.#problem(
        'truncated_frame',
        `the input ends inside an MLLP frame (VT without FS) after message ${this.#index}`,
      )
      this.#frameOpen = false
    }
    for (const problem of this.#envelope.end(this.#index)) this.#envelopeProblem(problem)
    return this.#drain()
  }

  #drain(): SplitUnit[] {
    const out = this.#out
    this.#out = []
    return out
  }

  #joinCarry(part: Uint8Array): Uint8Array {
    const carry = this.#carry
    if (!carry) return part
    this.#carry = undefined
    return Buffer.concat([carry, part])
  }

  #frameStart(): void {
    this.#flush()
    if (this.#frameOpen) {
      this.#problem(
        'truncated_frame',
        `an MLLP frame (VT) opens after message ${this.#index} before the previous one was closed (FS)`,
      )
    }
    this.#frameOpen = true
  }

  #frameEnd(): void {
    this.#flush()
    this.#frameOpen = false
  }

  #line(raw: Uint8Array): void {
    let line = raw
    // A byte order mark: at the start of the file, or where files were concatenated.
    if (line[0] === 0xef && line[1] === 0xbb && line[2] === 0xbf) line = line.subarray(3)
    if (line.length === 0 || line.every((byte) => byte === 0x20 || byte === 0x09)) return
    if (startsWith(line, 'MSH')) {
      this.#flush()
      this.#unit = { lines: [line], bytes: line.length, headless: false, segmentLike: true }
      return
    }
    const id = line.length >= 3 ? latin1(line.subarray(0, 3)) : ''
    if (ENVELOPES.has(id) && looksLikeSegment(line)) {
      this.#flush()
      for (const problem of this.#envelope.segment(id as EnvelopeSegment, latin1(line), this.#index))
        this.#envelopeProblem(problem)
      return
    }
    this.#unit ??= { lines: [], bytes: 0, headless: true, segmentLike: true }
    const unit = this.#unit
    if (!unit.headless && !isSegmentLine(line, unit.lines[0]![3]!)) {
      // Inside a message, a line that is not a segment continues the previous one: free
      // text sent with a raw line break (it stays in the field as LF).
      unit.lines[unit.lines.length - 1] = Buffer.concat([unit.lines.at(-1)!, Buffer.of(LF), line])
    } else {
      if (!looksLikeSegment(line)) unit.segmentLike = false
      if (!unit.headless || unit.bytes < HEADLESS_KEEP) unit.lines.push(line)
    }
    unit.bytes += line.length + 1
  }

  /** A problem between messages: it takes the next position, so positions stay unique. */
  #problem(kind: 'truncated_frame' | EnvelopeProblem['kind'], detail: string, excerpt?: string): void {
    const index = ++this.#index
    const where = { file: this.#options.file, messageIndex: index }
    this.#out.push({
      type: 'error',
      index,
      error: new Hl7Error(kind, detail, where, excerpt === undefined ? {} : { excerpt }),
    })
  }

  #envelopeProblem(problem: EnvelopeProblem): void {
    this.#problem(problem.kind, problem.detail, problem.excerpt)
  }

  #flush(): void {
    const unit = this.#unit
    if (!unit) return
    this.#unit = undefined
    const index = ++this.#index
    this.#envelope.countMessage()
    const where = { file: this.#options.file, messageIndex: index }
    if (unit.headless) {
      const text = latin1(Buffer.concat(unit.lines.flatMap((line) => [line, Buffer.of(CR)]))).slice(0, HEADLESS_KEEP)
      const error = unit.segmentLike
        ? new Hl7Error(
            'missing_msh',
            `${unit.lines.length} segment(s) starting with ${JSON.stringify(text.slice(0, 3))} arrive without an MSH segment before them`,
            where,
            { excerpt: text },
          )
        : new Hl7Error(
            'not_hl7',
            'expected HL7 v2 segments (an MSH segment, then lines like PID|…), found text that is not HL7 v2',
            where,
            { excerpt: text },
          )
      this.#out.push({ type: 'error', index, error })
      return
    }
    try {
      this.#out.push(this.#message(unit, index))
    } catch (error) {
      if (!Hl7Error.isInstance(error)) throw error
      this.#out.push({ type: 'error', index, error })
    }
  }

  #message(unit: Unit, index: number): SplitUnit {
    const where = { file: this.#options.file, messageIndex: index }
    const header = latin1(unit.lines[0]!)
    const delimiters = readDelimiters(header, where)
    const declared = declaredCharset(header, delimiters)
    let charset: Charset
    if (declared === undefined) {
      if (Hl7Error.isInstance(this.#defaultCharset)) throw this.#defaultCharset.at(where)
      charset = this.#defaultCharset
    } else charset = charsetNamed(declared, where)
    const bytes =
      unit.lines.length === 1
        ? unit.lines[0]!
        : Buffer.concat(unit.lines.flatMap((line, at) => (at === 0 ? [line] : [Buffer.of(CR), line])))
    const text = this.#options.alreadyDecoded
      ? charsetNamed('UNICODE UTF-8').decode(bytes, where)
      : charset.decode(bytes, where)
    const controlId = header.split(delimiters.field)[9]?.trim()
    if (!controlId) {
      throw new Hl7Error(
        'missing_message_id',
        'MSH-10 (message control id) is empty; every row of the message is keyed by it',
        where,
        {
          excerpt: header,
        },
      )
    }
    return { type: 'message', index, text, charset: charset.name }
  }
}

/** Splits a whole file held in memory (bytes, or text already decoded) into units. */
export function splitFile(content: Uint8Array | string, options: SplitOptions = {}): SplitUnit[] {
  const splitter =
    typeof content === 'string' ? new FileSplitter({ ...options, alreadyDecoded: true }) : new FileSplitter(options)
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content
  return [...splitter.push(bytes), ...splitter.end()]
}

/** Splits a stream of chunks into units as they complete. */
export async function* splitStream(
  chunks: AsyncIterable<Uint8Array>,
  options: SplitOptions = {},
): AsyncGenerator<SplitUnit, void, undefined> {
  const splitter = new FileSplitter(options)
  for await (const chunk of chunks) yield* splitter.push(chunk)
  yield* splitter.end()
}
