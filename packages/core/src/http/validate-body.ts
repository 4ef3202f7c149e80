import type { TSchema } from 'typebox'
import { Compile } from 'typebox/compile'
import { ApiCallError, DataFormatError, InvalidResponseError } from '../errors/errors.ts'
import { type RecordStreamOptions, recordStream } from '../formats/records.ts'
import { type DocumentIssue, documentIssues } from '../validate/document-issues.ts'

type Check = (value: unknown) => boolean
const compiled = new WeakMap<TSchema, Check>()

/**
 * Every mismatch between a body and a schema: a compiled check first (cheap when the body
 * is valid, which is the usual case), the full walk only to describe a failure.
 */
export function bodyIssues(schema: TSchema, value: unknown): DocumentIssue[] {
  let check = compiled.get(schema)
  if (!check) {
    const validator = Compile(schema)
    check = (candidate) => validator.Check(candidate)
    compiled.set(schema, check)
  }
  if (check(value)) return []
  const issues = documentIssues(schema, value)
  // A compiled check and the walk can disagree on exotic keywords; never pass a failed body.
  return issues.length > 0 ? issues : [{ segments: [], path: '', message: 'does not match the schema' }]
}

/** Where a response came from, for errors. */
export interface ResponseOrigin {
  readonly url: string
  readonly method: string
  readonly status: number
}

/** Throws {@link InvalidResponseError} when the body does not match the schema. */
export function checkResponseBody(schema: TSchema, value: unknown, origin: ResponseOrigin, record?: string): void {
  const issues = bodyIssues(schema, value)
  if (issues.length > 0) throw new InvalidResponseError({ ...origin, problems: issues, record })
}

/**
 * The records of a streamed body, each checked against `schema` when given; decoding
 * failures become an `ApiCallError` naming the request.
 */
export async function* streamedRecords(
  body: AsyncIterable<Uint8Array> | undefined,
  options: RecordStreamOptions,
  schema: TSchema | undefined,
  origin: ResponseOrigin,
): AsyncGenerator<unknown, void, undefined> {
  if (body === undefined) return
  let index = 0
  try {
    for await (const record of recordStream(body, options)) {
      index++
      if (schema) checkResponseBody(schema, record, origin, `record ${index}`)
      yield record
    }
  } catch (error) {
    if (DataFormatError.isInstance(error)) throw malformedBody(error, origin)
    throw error
  }
}

/** A decoding failure of a streamed body, as an `ApiCallError` naming the request. */
function malformedBody(error: DataFormatError, origin: ResponseOrigin): ApiCallError {
  return new ApiCallError(`Response body is not valid ${error.format.toUpperCase()} (${error.message})`, {
    ...origin,
    isRetryable: false,
    category: 'source',
    cause: error,
  })
}
