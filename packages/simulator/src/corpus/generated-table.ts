import { SimulatorError } from '../errors.ts'
import type { GeneratedCorpusOptions } from '../types.ts'
import { compileFilter, compileGroups, type FilterClause, type RecordPredicate } from './filter.ts'
import type { Table, TableSettings } from './table.ts'
import { comparePositionKeys, positionKeys, type Query, type Rec, type RecordView, ViewCache } from './view.ts'

const GENERATED = Symbol.for('lakeflow.simulator.generatedCorpus')

/** A corpus value produced by {@link generatedCorpus}. */
export interface GeneratedCorpus extends GeneratedCorpusOptions {
  readonly [GENERATED]: true
}

/**
 * Declares a corpus table whose records are built on demand by index, so a million-record
 * source costs no memory. Filters (`eq`, `gt`, `gte`, `lt`, `lte`) and sorts on the
 * `orderedBy` fields are answered by binary search; anything else scans (calling `template`
 * once per record) and keeps only matching indices. Generated tables are read-only.
 *
 * @example
 * corpus: { issues: generatedCorpus({ count: 1_000_000, template: (i) => ({ id: i + 1, updated_at: ... }) }) }
 */
export function generatedCorpus(options: GeneratedCorpusOptions): GeneratedCorpus {
  if (!Number.isInteger(options.count) || options.count < 0)
    throw new SimulatorError(`generatedCorpus: count must be a non-negative integer, got ${options.count}`)
  if (typeof options.template !== 'function') throw new SimulatorError('generatedCorpus: template must be a function (index) => record')
  return { ...options, [GENERATED]: true }
}

/** True for a value made by {@link generatedCorpus} (from any copy of the simulator). */
export function isGeneratedCorpus(value: unknown): value is GeneratedCorpus {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[GENERATED] === true
}

const RANGE_OPS = new Set(['eq', 'gt', 'gte', 'lt', 'lte'])

/** A read-only corpus table served by index math from a {@link GeneratedCorpus}. */
export class GeneratedTable implements Table {
  readonly settings: TableSettings
  readonly mutable = false
  readonly #count: number
  readonly #template: (index: number) => Rec
  readonly #ordered: Set<string>
  readonly #cache = new ViewCache(8)

  constructor(settings: TableSettings, corpus: GeneratedCorpus) {
    this.settings = settings
    this.#count = corpus.count
    this.#template = corpus.template
    const fallback = [...(settings.cursorField ? [settings.cursorField] : []), ...settings.primaryKey]
    this.#ordered = new Set(corpus.orderedBy ?? fallback)
  }

  view(query: Query, source: 'live' | 'tombstones'): RecordView {
    if (source === 'tombstones') return { length: 0, at: () => ({}) }
    return this.#cache.get(JSON.stringify(query), () => this.#compute(query))
  }

  #compute(query: Query): RecordView {
    let low = 0
    let high = this.#count
    const residual: RecordPredicate[] = []
    for (const clause of query.filters) {
      if (this.#ordered.has(clause.field) && RANGE_OPS.has(clause.op)) [low, high] = this.#narrow(clause, low, high)
      else residual.push(compileFilter(clause))
    }
    if (query.anyOf) residual.push(compileGroups(query.anyOf))
    const template = this.#template
    const sort = query.sort
    const keysOrdered = this.settings.primaryKey.every((field) => this.#ordered.has(field))
    const natural = !sort || (keysOrdered && (sort.field === undefined || this.#ordered.has(sort.field)))
    if (residual.length === 0 && natural) {
      const reverse = sort?.direction === -1
      return { length: Math.max(0, high - low), at: (index) => template(reverse ? high - 1 - index : low + index) }
    }
    let indices: number[] = []
    for (let index = low; index < high; index++) {
      if (residual.length === 0) indices.push(index)
      else {
        const record = template(index)
        if (residual.every((predicate) => predicate(record))) indices.push(index)
      }
    }
    if (sort && !natural) {
      const keys = new Map(indices.map((index) => [index, positionKeys(template(index), sort, this.settings.primaryKey)]))
      indices.sort((left, right) => comparePositionKeys(keys.get(left)!, keys.get(right)!, sort.direction))
    } else if (sort?.direction === -1) indices.reverse()
    const packed = Int32Array.from(indices)
    indices = []
    return { length: packed.length, at: (index) => template(packed[index]!) }
  }

  /** Narrows [low, high) to the records matching a range filter on a non-decreasing field. */
  #narrow(clause: FilterClause, low: number, high: number): [number, number] {
    const lower = (op: 'gt' | 'gte') => this.#firstMatch(compileFilter({ ...clause, op }), low, high)
    switch (clause.op) {
      case 'gt':
      case 'gte':
        return [lower(clause.op), high]
      case 'lt':
        return [low, lower('gte')]
      case 'lte':
        return [low, lower('gt')]
      default:
        return [lower('gte'), lower('gt')]
    }
  }

  /** First index in [low, high) whose record matches a predicate that is false then true. */
  #firstMatch(predicate: RecordPredicate, low: number, high: number): number {
    while (low < high) {
      const middle = (low + high) >>> 1
      if (predicate(this.#template(middle))) high = middle
      else low = middle + 1
    }
    return low
  }

  insert(): void {
    this.#readOnly('insert')
  }
  update(): void {
    this.#readOnly('update')
  }
  delete(): void {
    this.#readOnly('delete')
  }

  records(): Rec[] {
    return Array.from({ length: this.#count }, (_, index) => this.#template(index))
  }

  tombstones(): Rec[] {
    return []
  }

  #readOnly(action: string): never {
    throw new SimulatorError(`${action} on "${this.settings.name}": generated corpora are read-only; use an in-memory corpus to mutate`)
  }
}
