import { hasMarker, LakeflowError } from '../errors/lakeflow-error.ts'

const CONNECTOR_NOT_FOUND = Symbol.for('lakeflow.error.ConnectorNotFoundError')

/** What {@link ConnectorNotFoundError} reports. */
export interface ConnectorNotFoundDetails {
  /** What the user typed. */
  connector: string
  /** Where it was resolved from. */
  cwd: string
  /** The package the name stands for (names only). */
  packageName?: string
  /** The path that does not exist (paths only). */
  missingPath?: string
  /** Connectors that can be found by name. */
  known?: readonly string[]
  /** The closest of `known`. */
  suggestion?: string
  /** How else the caller could have named one, appended to the message. */
  hint?: string | undefined
}

/** No connector could be found for a name or path. Names the package looked for and the closest known connector. */
export class ConnectorNotFoundError extends LakeflowError {
  readonly [CONNECTOR_NOT_FOUND] = true
  /** What the user typed. */
  readonly connector: string
  /** The package the name stands for, or the path that does not exist. */
  readonly packageName: string
  /** The closest known connector, when one is close. */
  readonly suggestion: string | undefined
  /** Connectors that can be found by name. */
  readonly known: readonly string[]

  constructor(details: ConnectorNotFoundDetails) {
    const hint = details.hint ? `, ${details.hint}` : ''
    const message =
      details.missingPath !== undefined
        ? `Unknown connector "${details.connector}": there is no file or directory ${details.missingPath}${hint}`
        : `Unknown connector "${details.connector}": package ${details.packageName} is not installed in ${details.cwd}, its workspace or next to the runner` +
          (details.suggestion ? `; did you mean "${details.suggestion}"?` : '.') +
          ` Known connectors: ${details.known?.length ? details.known.join(', ') : '(none)'}.` +
          ` Install it with \`pnpm add ${details.packageName}\`${hint}`
    super(message, { category: 'config' })
    this.name = 'ConnectorNotFoundError'
    this.connector = details.connector
    this.packageName = details.packageName ?? details.missingPath ?? details.connector
    this.suggestion = details.suggestion
    this.known = details.known ?? []
  }

  static override isInstance(value: unknown): value is ConnectorNotFoundError {
    return hasMarker(value, CONNECTOR_NOT_FOUND)
  }
}
