import type { Static, TSchema } from 'typebox'
import { InvalidDocumentError } from '../errors/errors.ts'
import { documentIssues } from './document-issues.ts'

/**
 * Checks a parsed document against a schema and returns it typed, or throws
 * {@link InvalidDocumentError} listing every problem with its key path (see `documentIssues`).
 * @param document what is checked, for messages: a file path, `pipeline spec`, a URL.
 * @example
 * const spec = parseDocument(PipelineSpecSchema, parse(text), file)
 */
export function parseDocument<Schema extends TSchema>(
  schema: Schema,
  value: unknown,
  document: string,
): Static<Schema> {
  const issues = documentIssues(schema, value)
  if (issues.length > 0) throw new InvalidDocumentError(document, issues)
  return value as Static<Schema>
}
