import { excerpt, hasMarker, LakeflowError } from '@lakeflow/core/errors'
import type { Location } from './delimiters.ts'

const HL7_ERROR = Symbol.for('lakeflow.error.Hl7Error')

/**
 * What is wrong with a message or a file:
 * - `not_hl7`: the content is not HL7 v2 at all (no segment structure, no MSH);
 * - `missing_msh`: segments that do not start with an MSH segment (a message without its header);
 * - `invalid_msh`: an MSH (or FHS/BHS) segment whose delimiters are unusable;
 * - `missing_message_id`: an MSH without MSH-10, the message control id every row is keyed by;
 * - `truncated_batch`: a batch or file envelope that ends early: BHS or FHS without its
 *   trailer, or fewer messages or batches than BTS-1 or FTS-1 count;
 * - `invalid_batch`: other envelope inconsistencies: more messages than BTS-1 counts, a
 *   trailer without its header, a count that is not a number;
 * - `truncated_frame`: an MLLP frame (VT … FS CR) that is not closed;
 * - `unknown_charset`: MSH-18 names a character set this parser does not decode;
 * - `invalid_encoding`: bytes that are not valid in the message's character set (an invalid
 *   UTF-8 byte, a byte above 0x7F in ASCII).
 */
export type Hl7ErrorKind =
  | 'not_hl7'
  | 'missing_msh'
  | 'invalid_msh'
  | 'missing_message_id'
  | 'truncated_batch'
  | 'invalid_batch'
  | 'truncated_frame'
  | 'unknown_charset'
  | 'invalid_encoding'

/** Every error kind, in the order of {@link Hl7ErrorKind}. */
export const HL7_ERROR_KINDS: readonly Hl7ErrorKind[] = [
  'not_hl7',
  'missing_msh',
  'invalid_msh',
  'missing_message_id',
  'truncated_batch',
  'invalid_batch',
  'truncated_frame',
  'unknown_charset',
  'invalid_encoding',
]

/**
 * Bad HL7 v2 input: what was expected, what arrived, and where (the file and the 1-based
 * index of the message in it). Category `source`: the input is at fault, not the options.
 */
export class Hl7Error extends LakeflowError {
  readonly [HL7_ERROR] = true
  /** What is wrong. */
  readonly kind: Hl7ErrorKind
  /** The file the message came from, when known. */
  readonly file: string | undefined
  /** 1-based position of the message in its file (for file-level problems, where they showed). */
  readonly messageIndex: number | undefined
  /** The problem without the location prefix. */
  readonly detail: string
  /** The start of the offending text (at most 200 characters). */
  readonly excerpt: string | undefined

  constructor(kind: Hl7ErrorKind, detail: string, where: Location = {}, extra: { excerpt?: string } = {}) {
    const place = [
      where.file === undefined ? '' : `file ${where.file}`,
      where.messageIndex === undefined ? '' : `message ${where.messageIndex}`,
    ]
      .filter(Boolean)
      .join(', ')
    super(`HL7 v2 ${kind.replaceAll('_', ' ')}${place ? ` (${place})` : ''}: ${detail}`, { category: 'source' })
    this.name = 'Hl7Error'
    this.kind = kind
    this.file = where.file
    this.messageIndex = where.messageIndex
    this.detail = detail
    this.excerpt = extra.excerpt === undefined ? undefined : excerpt(extra.excerpt, 200)
  }

  /** The same error located in a file (the splitter knows positions, callers know files). */
  at(where: Location): Hl7Error {
    return new Hl7Error(
      this.kind,
      this.detail,
      { file: where.file ?? this.file, messageIndex: where.messageIndex ?? this.messageIndex },
      this.excerpt === undefined ? {} : { excerpt: this.excerpt },
    )
  }

  /** True for an {@link Hl7Error} from any copy of this package. */
  static override isInstance(value: unknown): value is Hl7Error {
    return hasMarker(value, HL7_ERROR)
  }
}
