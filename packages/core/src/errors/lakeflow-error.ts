import { redact } from './redact.ts'

/**
 * How an error should be handled:
 * `config` (fix the options or the spec), `auth` (credentials rejected), `transient`
 * (retry later), `source` (the source answered something unexpected), `schema` (a record
 * does not fit the declared schema), `internal` (a bug in a connector or the framework).
 */
export type ErrorCategory = 'config' | 'auth' | 'transient' | 'source' | 'schema' | 'internal'

const LAKEFLOW_ERROR = Symbol.for('lakeflow.error')

/** Options every Lakeflow error accepts. */
export interface LakeflowErrorOptions {
  /** The underlying error. It is kept only in redacted form. */
  cause?: unknown
  /** @default 'internal' */
  category?: ErrorCategory
}

/**
 * Base of every error the framework and connectors raise. Messages are redacted on
 * construction, and so is the cause: the original cause object is replaced by a plain
 * `{ name, message }` so no secret reachable from it (request headers, say) can leak
 * through serialisation.
 */
export class LakeflowError extends Error {
  readonly [LAKEFLOW_ERROR] = true
  /** How the error should be handled. */
  readonly category: ErrorCategory

  constructor(message: string, options: LakeflowErrorOptions = {}) {
    super(redact(message), options.cause === undefined ? undefined : { cause: sanitizeCause(options.cause) })
    this.name = 'LakeflowError'
    this.category = options.category ?? 'internal'
  }

  /** True for any Lakeflow error, from any copy of `@lakeflow/core`. */
  static isInstance(value: unknown): value is LakeflowError {
    return hasMarker(value, LAKEFLOW_ERROR)
  }

  /** A JSON-safe view (for logs and run reports). */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, category: this.category, message: this.message }
    for (const [key, value] of Object.entries(this)) {
      if (value !== undefined && typeof value !== 'function') out[key] = value
    }
    if (this.cause !== undefined) out.cause = this.cause
    return out
  }
}

/** Checks a `Symbol.for` marker, which survives duplicate installs of core. */
export function hasMarker(value: unknown, marker: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true
}

function sanitizeCause(cause: unknown): unknown {
  if (LakeflowError.isInstance(cause)) return cause
  if (cause instanceof Error || isErrorLike(cause)) {
    const source = cause as { name?: unknown; message: string; code?: unknown }
    const plain: { name: string; message: string; code?: string } = {
      name: typeof source.name === 'string' ? source.name : 'Error',
      message: redact(source.message),
    }
    if (typeof source.code === 'string') plain.code = source.code
    return plain
  }
  if (typeof cause === 'string') return redact(cause)
  return undefined
}

/** A plain `{ message }` object (a cause already reduced to data). */
function isErrorLike(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string'
}
