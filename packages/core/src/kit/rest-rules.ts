import type { TObject } from 'typebox'
import type { OffsetDeclaration, OffsetOrder } from '../connector/offset-declaration.ts'
import type { RequestDescription, TableMetadata } from '../connector/types.ts'
import { LakeflowError } from '../errors/lakeflow-error.ts'
import { createPaginator } from '../http/paginators.ts'
import type { ParentTable, RestTableDeclaration } from './declaration.ts'
import { PENDING_PASS_KEYS } from './descending.ts'
import { type OffsetFieldKind, offsetShape } from './offset-shape.ts'

/*
 * What a declaration implies beyond its reads: the contradictions refused when it is made,
 * its offset's schema and ordered fields, and the requests it describes to the contract suite.
 */

/** What the reads use of a declaration (a table's, or a fan-out parent's). */
export type AnyDeclaration = ParentTable & Pick<Partial<RestTableDeclaration<TObject>>, 'snapshot' | 'migrate'>
/** Table options as the reads see them (each table parsed its own). */
export type Options = Record<string, unknown>

/** A declaration's contradiction: a bug in the connector. */
export function declarationError(table: string, problem: string): LakeflowError {
  return new LakeflowError(`Table "${table}" is declared wrongly: ${problem}`, { category: 'internal' })
}

/** The metadata when it is fixed (not computed from options). */
export function staticMetadata(declaration: AnyDeclaration): TableMetadata | undefined {
  return typeof declaration.metadata === 'object' ? (declaration.metadata as TableMetadata) : undefined
}

/** Refuses declarations whose settings contradict each other, naming the table. */
export function checkDeclaration(declaration: AnyDeclaration): void {
  const incremental = declaration.incremental
  if (!incremental) return
  const remember = incremental.ties !== undefined && incremental.ties !== 'finish-group'
  const problem =
    incremental.keyset && (!remember || !incremental.since)
      ? 'keyset paging needs a since parameter and remembered ties (ids tell restarted pages apart)'
      : incremental.window && (!incremental.until || !incremental.since)
        ? 'windows need since and until parameters'
        : incremental.window && remember !== (incremental.window.mode === 'tile')
          ? 'jumping windows need finished tie groups, tiled windows remembered ids'
          : incremental.order === 'descending' && (incremental.since || incremental.keyset)
            ? 'a descending listing is walked without since or keyset'
            : undefined
  if (problem) throw declarationError(declaration.name, problem)
}

/** The offset fields and ordered fields a declaration implies. */
export function offsetOf(declaration: AnyDeclaration): OffsetDeclaration {
  const incremental = declaration.incremental
  if (!incremental) {
    const marker = declaration.snapshot?.marker
    return offsetShape(
      marker ? { [marker]: 'iso-ms' } : {},
      marker ? { [marker]: 'ascending' } : {},
      declaration.migrate,
    )
  }
  const format = incremental.format ?? 'iso'
  const key = incremental.offsetKey ?? 'cursor'
  const fields: Record<string, OffsetFieldKind> = { [key]: format }
  const ordered: Record<string, OffsetOrder> = { [key]: 'ascending' }
  if (incremental.ties !== undefined && incremental.ties !== 'finish-group') fields.seen = 'ids'
  if (incremental.order === 'descending' || declaration.parent?.table.incremental?.order === 'descending') {
    const pass = PENDING_PASS_KEYS
    Object.assign(fields, { [pass.high]: format, [pass.highSeen]: 'ids', [pass.below]: format, [pass.page]: 'page' })
    Object.assign(ordered, { [pass.high]: 'ascending', [pass.below]: 'descending' })
  }
  if (incremental.window?.mode === 'tile') {
    Object.assign(fields, { page: 'page', until: format, until_seen: 'ids' })
    ordered.until = 'ascending'
  }
  return offsetShape(fields, ordered, declaration.migrate)
}

/** The requests a declaration makes (its own, then its parent's), with the options filled in. */
export function describeRequests(declaration: AnyDeclaration, options: Options): RequestDescription[] {
  const incremental = declaration.incremental
  const request = declaration.request
  const values = new Proxy(options, {
    get: (target, name) => (typeof name === 'string' && !(name in target) ? `{${name}}` : target[name as string]),
  })
  const paginator = typeof declaration.paginator === 'function' ? declaration.paginator(options) : declaration.paginator
  const field = incremental?.cursor ?? staticMetadata(declaration)?.cursor_field
  const description: RequestDescription = {
    method: (request.method ?? 'GET').toUpperCase(),
    path:
      typeof request.path === 'function'
        ? request.path(options, undefined)
        : request.path.replace(/\{([^{}]+)\}/g, (_, name: string) =>
            name in options ? encodeURIComponent(String(values[name])) : `{${name}}`,
          ),
    pagination: createPaginator(paginator ?? 'none').description,
    ...(typeof field === 'string' ? { cursorField: field } : {}),
    ...(incremental?.since
      ? { since: { param: incremental.since.param, inclusive: incremental.since.inclusive ?? false } }
      : {}),
    ...(incremental?.until
      ? { until: { param: incremental.until.param, inclusive: incremental.until.inclusive ?? true } }
      : {}),
  }
  return [description, ...(declaration.parent ? describeRequests(declaration.parent.table, options) : [])]
}
