import { getPath } from '../util/dotted.ts'
import { compareKeys, type SortKey, sortKeyOf } from '../util/compare.ts'
import type { FilterClause } from './filter.ts'

export type Rec = Record<string, unknown>

/** A filtered, ordered, random-access sequence of records: what pagination slices. */
export interface RecordView {
  readonly length: number
  at(index: number): Rec
}

/** Sort order; `field` undefined means primary-key order. Ties are always broken by the primary key. */
export interface SortSpec {
  field?: string
  direction: 1 | -1
}

/** What a request asks of a table. `sort` undefined means storage (file) order. */
export interface Query {
  filters: FilterClause[]
  /** Besides `filters`: records matching every clause of at least one group (a search body's filter groups). */
  anyOf?: FilterClause[][]
  sort?: SortSpec
}

export function arrayView(records: readonly Rec[]): RecordView {
  return { length: records.length, at: (index) => records[index]! }
}

/** A record's position under a sort: the sort field value (if any) then the primary key values. */
export function positionOf(record: Rec, sort: SortSpec, primaryKey: readonly string[]): unknown[] {
  const position: unknown[] = sort.field === undefined ? [] : [getPath(record, sort.field) ?? null]
  for (const field of primaryKey) position.push(getPath(record, field) ?? null)
  return position
}

export function positionKeys(record: Rec, sort: SortSpec, primaryKey: readonly string[]): SortKey[] {
  return positionOf(record, sort, primaryKey).map(sortKeyOf)
}

export function comparePositionKeys(left: readonly SortKey[], right: readonly SortKey[], direction: 1 | -1): number {
  const length = Math.min(left.length, right.length)
  for (let index = 0; index < length; index++) {
    const order = compareKeys(left[index]!, right[index]!)
    if (order !== 0) return order * direction
  }
  return 0
}

/** Sorts records by `sort` then primary key (stable; nulls last ascending, first descending). */
export function sortRecords(records: readonly Rec[], sort: SortSpec, primaryKey: readonly string[]): Rec[] {
  const decorated = records.map((record) => ({ record, keys: positionKeys(record, sort, primaryKey) }))
  decorated.sort((left, right) => comparePositionKeys(left.keys, right.keys, sort.direction))
  return decorated.map((entry) => entry.record)
}

/**
 * Index of the first record strictly after `position` (with `atOrAfter`, at or after it) in a
 * view sorted by `sort` + primary key. Cursor tokens resume here, so inserts and deletes
 * before the position never shift a page.
 */
export function indexAfter(
  view: RecordView,
  position: unknown[],
  sort: SortSpec,
  primaryKey: readonly string[],
  atOrAfter = false,
): number {
  const target = position.map(sortKeyOf)
  let low = 0
  let high = view.length
  while (low < high) {
    const middle = (low + high) >>> 1
    const keys = positionKeys(view.at(middle), sort, primaryKey)
    const order = comparePositionKeys(keys, target, sort.direction)
    if (order < 0 || (order === 0 && !atOrAfter)) low = middle + 1
    else high = middle
  }
  return low
}

/** A tiny least-recently-used cache for computed views. */
export class ViewCache {
  readonly #entries = new Map<string, RecordView>()
  readonly #limit: number

  constructor(limit = 16) {
    this.#limit = limit
  }

  get(key: string, compute: () => RecordView): RecordView {
    const hit = this.#entries.get(key)
    if (hit) {
      this.#entries.delete(key)
      this.#entries.set(key, hit)
      return hit
    }
    const view = compute()
    this.#entries.set(key, view)
    if (this.#entries.size > this.#limit) this.#entries.delete(this.#entries.keys().next().value!)
    return view
  }

  clear(): void {
    this.#entries.clear()
  }
}
