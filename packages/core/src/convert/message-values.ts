import Type from 'typebox'
import type { RawRecord } from '../connector/types.ts'
import { InvalidOptionsError, StreamError } from '../errors/errors.ts'
import { fromSparkJson } from '../schema/spark-json.ts'
import { type AnySparkNode, isSparkStruct, Spark, type SparkStruct } from '../schema/spark-types.ts'
import { compileConverter } from './compile.ts'

/** How a stream message's value bytes become the value column. */
export type MessageValueFormat = 'bytes' | 'text' | 'json'
/** What happens to a message whose value does not decode. */
export type DecodeErrorPolicy = 'fail' | 'dead_letter'

/** The value decoding a stream table was configured with. */
export interface MessageDecoding {
  /** The stream (topic) name, for messages and the converter. */
  readonly table: string
  readonly format: MessageValueFormat
  /** For `json`: the value's StructType as Spark JSON; without it the column is a variant. */
  readonly valueSchema?: string | undefined
  readonly onDecodeError: DecodeErrorPolicy
}

/**
 * The table options every stream connector takes for its value column, to spread into its
 * `defineOptions`: `value_format`, `value_schema` and `on_decode_error`.
 */
export const MESSAGE_DECODING_OPTIONS = {
  value_format: Type.Union([Type.Literal('bytes'), Type.Literal('text'), Type.Literal('json')], {
    default: 'bytes',
    description:
      'The value column: raw bytes (binary), UTF-8 text (string) or JSON (variant, or the struct value_schema declares). @default "bytes"',
  }),
  value_schema: Type.Optional(
    Type.String({
      minLength: 2,
      description:
        'For value_format json: the value\'s Spark schema as StructType JSON (`{"type":"struct","fields":[...]}`); the value column becomes that struct. @default a variant column',
    }),
  ),
  on_decode_error: Type.Union([Type.Literal('fail'), Type.Literal('dead_letter')], {
    default: 'fail',
    description:
      'A message that does not decode: fail the table (nothing past it commits), or keep it with a null value and its raw bytes and the reason in the dead_letter_value and dead_letter_error columns. @default "fail"',
  }),
}

/** The value column's Spark type: binary, string, variant or the declared struct. */
export function messageValueType(decoding: Pick<MessageDecoding, 'format' | 'valueSchema'>): AnySparkNode {
  const where = 'table options'
  if (decoding.valueSchema !== undefined && decoding.format !== 'json') {
    throw new InvalidOptionsError({
      key: 'value_schema',
      where,
      problem: `applies to value_format json only, not ${decoding.format}`,
    })
  }
  if (decoding.format === 'bytes') return Spark.binary()
  if (decoding.format === 'text') return Spark.string()
  if (decoding.valueSchema === undefined) return Spark.variant()
  let node: AnySparkNode
  try {
    node = fromSparkJson(decoding.valueSchema)
  } catch (error) {
    throw new InvalidOptionsError({
      key: 'value_schema',
      where,
      problem: `is not a Spark schema in JSON form: ${(error as Error).message}`,
      cause: error,
    })
  }
  if (!isSparkStruct(node)) {
    throw new InvalidOptionsError({
      key: 'value_schema',
      where,
      problem: 'must be a StructType ({"type":"struct","fields":[...]})',
    })
  }
  return node
}

/** The dead-letter columns a table gets with `on_decode_error: dead_letter`: the raw bytes and the reason. */
export function deadLetterFields(policy: DecodeErrorPolicy): Record<string, AnySparkNode> {
  return policy === 'dead_letter' ? { dead_letter_value: Spark.binary(), dead_letter_error: Spark.string() } : {}
}

/** A value (or key) that does not decode; the caller turns it into a dead letter or a `StreamError`. */
export class MessageDecodeFailure extends Error {
  override readonly name = 'MessageDecodeFailure'
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Strict UTF-8 decoding: invalid bytes are a {@link MessageDecodeFailure}, never replacement characters. */
export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return utf8.decode(bytes)
  } catch {
    throw new MessageDecodeFailure(`the ${what} is not UTF-8 text`)
  }
}

/**
 * A decoder of value bytes into the value column's raw value; throws
 * {@link MessageDecodeFailure}. JSON is parsed here, so a bad message is caught with its
 * position; with a declared schema and dead letters, it is also checked against the struct
 * (the framework would otherwise fail the table on it later).
 */
export function messageValueDecoder(decoding: MessageDecoding): (bytes: Uint8Array) => unknown {
  if (decoding.format === 'bytes') return (bytes) => bytes
  if (decoding.format === 'text') return (bytes) => decodeUtf8(bytes, 'value')
  const parse = (bytes: Uint8Array) => {
    const text = decodeUtf8(bytes, 'value')
    try {
      return JSON.parse(text) as unknown
    } catch (error) {
      throw new MessageDecodeFailure(`the value is not JSON: ${(error as Error).message}`)
    }
  }
  if (decoding.valueSchema === undefined) {
    // A variant column parses strings as JSON text, so a JSON string value goes back as its JSON text.
    return (bytes) => {
      const value = parse(bytes)
      return typeof value === 'string' ? JSON.stringify(value) : value
    }
  }
  if (decoding.onDecodeError === 'fail') return parse
  const check = compileConverter(messageValueType(decoding) as SparkStruct, { table: decoding.table })
  return (bytes) => {
    const value = parse(bytes)
    try {
      check(value as RawRecord)
    } catch (error) {
      throw new MessageDecodeFailure(`the value does not fit value_schema: ${(error as Error).message}`)
    }
    return value
  }
}

/** Where a message sits, for the error a bad message raises. */
export interface MessagePosition {
  readonly partition: string | number
  readonly position: string | number
}

/**
 * Runs `decode` (which sets `record`'s key and value) under the table's policy: a
 * {@link MessageDecodeFailure} fails the read with a `StreamError` naming the message's
 * position, or (dead_letter) leaves the value null with the raw bytes and the reason.
 */
export function decodeWithPolicy(
  record: RawRecord,
  raw: Uint8Array | null,
  decoding: MessageDecoding,
  where: MessagePosition,
  decode: () => void,
): RawRecord {
  try {
    decode()
  } catch (error) {
    if (!(error instanceof MessageDecodeFailure)) throw error
    if (decoding.onDecodeError === 'fail') {
      throw new StreamError(
        `a message does not decode as value_format ${decoding.format}: ${error.message}; set on_decode_error to dead_letter to keep such messages aside`,
        { problem: 'undecodable', stream: decoding.table, partition: where.partition, position: where.position },
      )
    }
    record.value = null
    record.dead_letter_value = raw
    record.dead_letter_error = error.message
  }
  return record
}
