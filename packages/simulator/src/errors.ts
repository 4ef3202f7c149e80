import { hasMarker, LakeflowError } from '@lakeflow/core/errors'

const SPEC_ERROR = Symbol.for('lakeflow.error.SimulatorSpecError')
const SIMULATOR_ERROR = Symbol.for('lakeflow.error.SimulatorError')

/** One problem found in a spec or corpus: where (a key path) and what. */
export interface SpecIssue {
  /** Key path inside the spec, e.g. `endpoints[3].params.since.op`. */
  path: string
  /** The endpoint the key belongs to, as `METHOD path`, when there is one. */
  endpoint?: string
  /** What was expected and what arrived. */
  message: string
}

/** Renders one issue as `endpoints[3].params.since.op (GET /issues): unknown op "gtt"; …`. */
export function formatIssue(issue: SpecIssue): string {
  const where = issue.endpoint ? `${issue.path} (${issue.endpoint})` : issue.path
  return where ? `${where}: ${issue.message}` : issue.message
}

/**
 * A spec or corpus could not be loaded. The message names the file, then each issue on its
 * own line with the endpoint (index and `METHOD path`) and the key; `issues` has them as data.
 */
export class SimulatorSpecError extends LakeflowError {
  readonly [SPEC_ERROR] = true
  /** The spec file (or `<inline spec>`). */
  readonly file: string
  readonly issues: readonly SpecIssue[]

  constructor(file: string, issues: SpecIssue[]) {
    const lines = issues.map((issue) => `${file}: ${formatIssue(issue)}`)
    const heading = issues.length === 1 ? '' : `${file}: ${issues.length} problems\n`
    super(`${heading}${lines.join('\n')}`, { category: 'config' })
    this.name = 'SimulatorSpecError'
    this.file = file
    this.issues = issues
  }

  static override isInstance(value: unknown): value is SimulatorSpecError {
    return hasMarker(value, SPEC_ERROR)
  }
}

/** The simulator was used wrongly at run time (unknown corpus, missing key, duplicate insert, ...). */
export class SimulatorError extends LakeflowError {
  readonly [SIMULATOR_ERROR] = true

  constructor(message: string) {
    super(message, { category: 'config' })
    this.name = 'SimulatorError'
  }

  static override isInstance(value: unknown): value is SimulatorError {
    return hasMarker(value, SIMULATOR_ERROR)
  }
}
