import type { Static, TObject } from 'typebox'
import { InvalidOffsetError } from '../errors/errors.ts'
import { LakeflowError } from '../errors/lakeflow-error.ts'
import { excerpt } from '../errors/redact.ts'
import { documentIssues } from '../validate/document-issues.ts'
import type { Offset } from './types.ts'

/** How an ordered offset field moves while a stream goes on. */
export type OffsetOrder = 'ascending' | 'descending'

/**
 * A table's offset: its schema, which fields only move one way, and how offsets written by
 * earlier versions of the connector become current ones. The table connector migrates and
 * validates every offset coming in and validates every offset going out.
 * @example
 * offset: {
 *   schema: Type.Object({ cursor: Type.Optional(Type.String({ format: 'date-time' })) }, { additionalProperties: false }),
 *   ordered: { cursor: 'ascending' },
 * }
 */
export interface OffsetDeclaration<Schema extends TObject = TObject> {
  /** The offset's typebox schema; make it strict (`additionalProperties: false`) so stray keys are named. */
  readonly schema: Schema
  /**
   * Fields that never move backwards while the stream goes on: `ascending` values never
   * decrease, `descending` ones never increase (a newest-first pass resuming lower). Numbers
   * compare as numbers, `date-time`/`date` strings as instants, other strings as text.
   * Fields absent from either offset are not compared.
   * @default {} (no field is ordered)
   */
  readonly ordered?: Readonly<Partial<Record<keyof Static<Schema> & string, OffsetOrder>>>
  /**
   * Rewrites an offset saved by an earlier version into the current form; called before
   * validation. Return the offset unchanged when it is already current.
   */
  readonly migrate?: (offset: Offset) => Offset
}

function firstProblem(declaration: OffsetDeclaration, offset: Offset): { key: string; problem: string } | undefined {
  const issue = documentIssues(declaration.schema, offset)[0]
  if (issue === undefined) return undefined
  const key = issue.path || '?'
  return { key, problem: issue.path === '' ? issue.message : `key "${key}": ${issue.message}` }
}

/**
 * Migrates and validates an offset handed to a table, throwing `InvalidOffsetError` naming
 * the table and the bad key. `null` (a batch read) passes unchanged.
 */
export function acceptOffset(declaration: OffsetDeclaration, table: string, offset: Offset | null): Offset | null {
  if (offset === null) return null
  const current = declaration.migrate ? declaration.migrate(offset) : offset
  const problem = firstProblem(declaration, current)
  if (problem) throw new InvalidOffsetError(table, problem.problem, offset, problem.key)
  return current
}

/** Checks an offset a table returned against its own declaration: a mismatch is a bug in the table. */
export function checkReturnedOffset(declaration: OffsetDeclaration, table: string, offset: Offset | null): void {
  if (offset === null) return
  const problem = firstProblem(declaration, offset)
  if (problem) {
    throw new LakeflowError(
      `Table "${table}" returned an offset that does not match its declared schema: ${problem.problem}; got ${excerpt(offset)}`,
      { category: 'internal' },
    )
  }
}
