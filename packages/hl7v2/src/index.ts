/**
 * `@lakeflow/hl7v2`: an HL7 v2 parser and splitter with no I/O, shared by the file
 * connector, stream decoders and Spark functions. The segment tables (Spark schemas and
 * row extraction) are at `@lakeflow/hl7v2/tables`.
 */
export { type ByteDecoder, type Charset, charsetNamed, DEFAULT_CHARSET, SUPPORTED_CHARSETS } from './charsets.ts'
export { hl7DateTime } from './date-time.ts'
export { type Delimiters, type Location, readDelimiters, STANDARD_DELIMITERS } from './delimiters.ts'
export { decodeEscapes, type HexDecoder } from './escapes.ts'
export { HL7_ERROR_KINDS, Hl7Error, type Hl7ErrorKind } from './hl7-error.ts'
export { declaredCharset, Hl7Message, type ParseOptions, parseMessage } from './message.ts'
export { type FieldParts, Hl7Segment } from './segment.ts'
export { EnvelopeTracker } from './split/envelope.ts'
export { FileSplitter, type SplitOptions, type SplitUnit, splitFile, splitStream } from './split/file-splitter.ts'
