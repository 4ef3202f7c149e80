/**
 * What the GitHub table declarations share: GitHub's paging, record identity, the
 * repository columns, `updated_at` positions, and the migration of offsets written before
 * the connector kit.
 */
import type { Offset, OffsetValue, RawRecord } from '@lakeflow/core/connector'
import type { PaginatorSpec } from '@lakeflow/core/http'
import { formatCursor, type IncrementalDeclaration, parseCursor } from '@lakeflow/core/kit'

/** GitHub's listings: `per_page` records a page, the next page named by the `Link` header. */
export const githubPages = (options: { per_page: number }): PaginatorSpec => ({
  type: 'link_header',
  size: options.per_page,
  sizeParam: 'per_page',
})

/** A record's identity for the boundary bookkeeping: `id`, else `node_id`, else `sha`, as text. */
export function recordId(record: RawRecord): string {
  return String(record.id ?? record.node_id ?? record.sha)
}

/** Adds the repository columns to a record (in place: the record is ours). */
export function withRepository(record: RawRecord, { options }: { options: { owner?: string; repo?: string } }) {
  record.repository_owner = options.owner
  record.repository_name = options.repo
  return record
}

/**
 * Positions on `updated_at`: GitHub's times have whole seconds and a record can be written
 * in the same second as a read, after it, so an offset is the second plus the ids already
 * read in it (`{cursor, seen}`); a capped read still ends only where the second changes.
 */
export const byUpdatedAt = {
  cursor: 'updated_at',
  format: 'iso',
  ties: { remember: recordId, finishGroup: true },
} as const satisfies IncrementalDeclaration<unknown>

/**
 * Offsets of a pending newest-first pass written before the kit held `{high, depth, page}`
 * (`depth` below `high`, so every field grew while a guessing monotonic check looked);
 * now they hold `below`, the value the pass resumes under. `drop` lists keys no longer kept.
 */
export function migrateDepth(top: string, drop: readonly string[] = []): (offset: Offset) => Offset {
  return (offset) => {
    if (typeof offset.depth !== 'number' && drop.every((key) => !(key in offset))) return offset
    const { depth, ...kept } = offset
    const rest: Record<string, OffsetValue> = kept
    for (const key of drop) delete rest[key]
    if (typeof depth !== 'number') return rest
    const high = offset[top]
    const below = typeof high === 'number' ? high - depth : formatCursor((parseCursor(high, 'iso') ?? 0) - depth, 'iso')
    return { ...rest, below }
  }
}
