import { hasMarker, LakeflowError } from '@lakeflow/core/errors'
import type { DocumentIssue } from '@lakeflow/core/validate'

const PIPELINE_SPEC_ERROR = Symbol.for('lakeflow.error.PipelineSpecError')

/** One problem found in a pipeline spec or connections file. */
export interface SpecIssue {
  /** Where: `objects[2].table.table_configuration.scd_type`, or `(root)`. */
  path: string
  /** What was expected and what arrived. */
  message: string
}

/**
 * A pipeline spec (or connections file) is malformed. `issues` lists every problem, each with
 * the path inside the document; the message names the file and the first few.
 */
export class PipelineSpecError extends LakeflowError {
  readonly [PIPELINE_SPEC_ERROR] = true
  /** Every problem found, in document order. */
  readonly issues: readonly SpecIssue[]
  /** The file (or `<inline>`) the spec came from. */
  readonly source: string

  constructor(source: string, issues: readonly SpecIssue[], what = 'pipeline spec') {
    const shown = issues.slice(0, 3).map((issue) => `${issue.path}: ${issue.message}`)
    const more = issues.length > 3 ? `; and ${issues.length - 3} more` : ''
    super(`Invalid ${what} ${source}: ${shown.join('; ')}${more}`, { category: 'config' })
    this.name = 'PipelineSpecError'
    this.issues = [...issues]
    this.source = source
  }

  static override isInstance(value: unknown): value is PipelineSpecError {
    return hasMarker(value, PIPELINE_SPEC_ERROR)
  }
}

/** The issues of core's `documentIssues` as spec issues: the document itself is `(root)`. */
export function specIssues(issues: readonly DocumentIssue[]): SpecIssue[] {
  return issues.map((issue) => ({ path: issue.path === '' ? '(root)' : issue.path, message: issue.message }))
}
