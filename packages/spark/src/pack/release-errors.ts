import { hasMarker, LakeflowError } from '@lakeflow/core/errors'

const VERSION_EXISTS_ERROR = Symbol.for('lakeflow.error.VersionExistsError')

/**
 * A release of a connector version is already where it was to go (a versioned volume
 * directory, a package index). A released version is immutable: bump the version, or
 * replace it on purpose (`--force`, where the destination allows it).
 */
export class VersionExistsError extends LakeflowError {
  readonly [VERSION_EXISTS_ERROR] = true
  /** The wheel's file name. */
  readonly file: string
  /** The version (PEP 440). */
  readonly version: string
  /** Where it already is: a directory or an index URL (redacted). */
  readonly where: string

  constructor(details: { file: string; version: string; where: string; remedy: string; cause?: unknown }) {
    super(
      `Version ${details.version} is already released in ${details.where} (${details.file}); a released version is never changed: ${details.remedy}`,
      { category: 'config', cause: details.cause },
    )
    this.name = 'VersionExistsError'
    this.file = details.file
    this.version = details.version
    this.where = details.where
  }

  static override isInstance(value: unknown): value is VersionExistsError {
    return hasMarker(value, VERSION_EXISTS_ERROR)
  }
}
