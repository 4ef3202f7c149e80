/**
 * `@lakeflow/core/validate`: checks parsed documents (spec and connections files, response
 * bodies) against typebox schemas and reports every problem with its path.
 */
export { type DocumentIssue, documentIssues, EXPECTED, expectedPhrase, formatDocumentPath } from './document-issues.ts'
export { parseDocument } from './parse-document.ts'
