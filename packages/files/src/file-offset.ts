import type { Offset } from '@lakeflow/core/connector'
import { InvalidOffsetError } from '@lakeflow/core/errors'

/**
 * Where a file-source read resumes, as a flat offset:
 * - `manifest`: the key of the manifest node listing every file read to its end (the set
 *   lives in the state store; the offset stays a few hundred bytes however many files);
 * - `files`, `units`: files completed and units (messages) delivered so far, both only ever
 *   growing (they make progress visible and comparable);
 * - `partial`: the file a call stopped inside (`<size>:<modifiedMs>:<path>`), with
 *   `partial_from`, the value of `units` when that file began: `units - partial_from`
 *   of its units are delivered.
 */
export interface FileOffset {
  readonly manifest: string | null
  readonly files: number
  readonly units: number
  readonly partial?: {
    readonly path: string
    readonly size: number
    readonly modifiedMs: number
    readonly from: number
  }
}

/** The offset of a source nothing has been read from. */
export const START: FileOffset = { manifest: null, files: 0, units: 0 }

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0

/**
 * Reads an offset written by {@link formatFileOffset}; `null` and `{}` are the start.
 * @throws InvalidOffsetError naming the table and the key at fault
 */
export function parseFileOffset(offset: Offset | null, table: string): FileOffset {
  if (offset === null || Object.keys(offset).length === 0) return START
  const { manifest, files, units, partial, partial_from: partialFrom } = offset
  if (manifest !== null && typeof manifest !== 'string')
    throw new InvalidOffsetError(table, '"manifest" must be a manifest key or null', offset)
  if (!isCount(files) || !isCount(units))
    throw new InvalidOffsetError(table, '"files" and "units" must be counts', offset)
  if (partial === undefined || partial === null) return { manifest, files, units }
  const match = typeof partial === 'string' ? /^(\d+):(\d+(?:\.\d+)?):(.+)$/s.exec(partial) : null
  if (!match || !isCount(partialFrom) || partialFrom > units) {
    throw new InvalidOffsetError(
      table,
      '"partial" must be "<size>:<modifiedMs>:<path>" with "partial_from" at most "units"',
      offset,
    )
  }
  return {
    manifest,
    files,
    units,
    partial: { size: Number(match[1]), modifiedMs: Number(match[2]), path: match[3]!, from: partialFrom },
  }
}

/** The flat offset of a {@link FileOffset}. */
export function formatFileOffset(state: FileOffset): Offset {
  const flat: Record<string, string | number | null> = {
    manifest: state.manifest,
    files: state.files,
    units: state.units,
  }
  if (state.partial) {
    flat.partial = `${state.partial.size}:${state.partial.modifiedMs}:${state.partial.path}`
    flat.partial_from = state.partial.from
  }
  return flat
}
