import { SimulatorError } from '../errors.ts'
import { excerpt } from '@lakeflow/core/errors'
import { getPath, setPath } from '../util/dotted.ts'
import { compareValues } from '../util/compare.ts'
import { compileFilter, compileGroups } from './filter.ts'
import { formatCursor, type Table, type TableSettings } from './table.ts'
import { arrayView, type Query, type Rec, type RecordView, sortRecords, ViewCache } from './view.ts'

/**
 * A corpus table held in memory: live records in storage order (file order, inserts
 * appended, updates in place) and tombstones in deletion order. Record objects are never
 * mutated: an update replaces the object, so a view computed for one request is a
 * consistent snapshot even if the table changes before the next page is asked for.
 */
export class MemoryTable implements Table {
  readonly settings: TableSettings
  readonly mutable = true
  readonly #live = new Map<string, Rec>()
  readonly #dead = new Map<string, Rec>()
  readonly #cache = new ViewCache()
  #version = 0
  #sequence = 0

  constructor(settings: TableSettings, records: readonly Rec[], tombstones: readonly Rec[] = []) {
    this.settings = settings
    for (const record of records) this.#live.set(this.#identity(record), record)
    for (const record of tombstones) this.#dead.set(this.#identity(record), record)
  }

  view(query: Query, source: 'live' | 'tombstones'): RecordView {
    const key = `${source}|${this.#version}|${JSON.stringify(query)}`
    return this.#cache.get(key, () => {
      let records = [...(source === 'live' ? this.#live : this.#dead).values()]
      for (const clause of query.filters) records = records.filter(compileFilter(clause))
      if (query.anyOf) records = records.filter(compileGroups(query.anyOf))
      if (query.sort) records = sortRecords(records, query.sort, this.settings.primaryKey)
      return arrayView(records)
    })
  }

  insert(records: Rec[], nowMs: number): void {
    const prepared = records.map((record) => {
      const copy = structuredClone(record)
      this.#stampCursor(copy, nowMs)
      const key = this.#keyOf(copy, 'insert')
      if (this.#live.has(key)) throw new SimulatorError(`insert into "${this.settings.name}": a record with primary key ${key} already exists; use update`)
      return [key, copy] as const
    })
    for (const [key, record] of prepared) this.#live.set(key, record)
    this.#changed()
  }

  update(key: Record<string, unknown>, changes: Record<string, unknown>, nowMs: number): void {
    const identity = this.#keyOf(key, 'update')
    const current = this.#live.get(identity)
    if (!current) throw new SimulatorError(`update of "${this.settings.name}": no record with primary key ${identity}`)
    const next = structuredClone(current)
    for (const [field, value] of Object.entries(changes)) setPath(next, field, structuredClone(value))
    if (this.#identity(next) !== identity)
      throw new SimulatorError(`update of "${this.settings.name}" ${identity}: primary key fields cannot change; delete and insert instead`)
    const cursor = this.settings.cursorField
    // A change that sets the cursor explicitly is a backdated (late) update: keep its value.
    if (cursor !== undefined && !(cursor in changes)) setPath(next, cursor, formatCursor(nowMs, this.settings.cursorFormat))
    this.#live.set(identity, next)
    this.#changed()
  }

  delete(key: Record<string, unknown>, nowMs: number): void {
    const identity = this.#keyOf(key, 'delete')
    const current = this.#live.get(identity)
    if (!current) throw new SimulatorError(`delete from "${this.settings.name}": no record with primary key ${identity}`)
    const tombstone: Rec = {}
    for (const field of Object.keys(current)) tombstone[field] = null
    for (const field of [...this.settings.primaryKey, ...this.settings.tombstoneFields])
      setPath(tombstone, field, structuredClone(getPath(current, field) ?? null))
    if (this.settings.cursorField) setPath(tombstone, this.settings.cursorField, formatCursor(nowMs, this.settings.cursorFormat))
    this.#live.delete(identity)
    this.#dead.delete(identity)
    this.#dead.set(identity, tombstone)
    this.#changed()
  }

  records(): Rec[] {
    const key = this.settings.primaryKey
    return sortRecords([...this.#live.values()], { direction: 1 }, key).map((record) => structuredClone(record))
  }

  tombstones(): Rec[] {
    return [...this.#dead.values()].map((record) => structuredClone(record))
  }

  /**
   * As the Python simulator does: unless a record already has a future cursor, appends `count` clones of the
   * last record with the cursor at now + 1 h, + 2 h, ... Unlike upstream the clones get fresh
   * primary keys (numeric: max + k; text: `<key>-future-<k>`), so keys stay unique.
   */
  synthesizeFuture(cursorField: string, count: number, nowMs: number): void {
    const records = [...this.#live.values()]
    const last = records.at(-1)
    if (!last) return
    const format = cursorField === this.settings.cursorField ? this.settings.cursorFormat : 'iso'
    const now = formatCursor(nowMs, format)
    const isFuture = (value: unknown) => value !== null && value !== undefined && compareValues(value, now) > 0
    if (records.some((record) => isFuture(getPath(record, cursorField)))) return
    const keyField = this.settings.primaryKey.at(-1)
    const lastKey = keyField === undefined ? undefined : getPath(last, keyField)
    const maxKey =
      typeof lastKey === 'number'
        ? Math.max(...records.map((record) => Number(getPath(record, keyField!)) || 0))
        : undefined
    const clones: Rec[] = []
    for (let step = 1; step <= count; step++) {
      const clone = structuredClone(last)
      setPath(clone, cursorField, formatCursor(nowMs + step * 3_600_000, format))
      if (keyField !== undefined && maxKey !== undefined) setPath(clone, keyField, maxKey + step)
      else if (keyField !== undefined && typeof lastKey === 'string') setPath(clone, keyField, `${lastKey}-future-${step}`)
      clones.push(clone)
    }
    for (const clone of clones) this.#live.set(this.#identity(clone), clone)
    this.#changed()
  }

  #changed(): void {
    this.#version++
    this.#cache.clear()
  }

  #stampCursor(record: Rec, nowMs: number): void {
    if (this.settings.cursorField) setPath(record, this.settings.cursorField, formatCursor(nowMs, this.settings.cursorFormat))
  }

  /** Storage identity: the primary key, or a sequence number when the table has none. */
  #identity(record: Rec): string {
    if (this.settings.primaryKey.length === 0) return `#${this.#sequence++}`
    return JSON.stringify(this.settings.primaryKey.map((field) => getPath(record, field) ?? null))
  }

  #keyOf(key: Record<string, unknown>, action: string): string {
    const fields = this.settings.primaryKey
    if (fields.length === 0)
      throw new SimulatorError(
        `${action} on "${this.settings.name}" needs a primary key: declare corpora.${this.settings.name}.primary_key in the spec`,
      )
    const values = fields.map((field) => (field in key ? key[field] : getPath(key, field)))
    const missing = fields.filter((_, index) => values[index] === undefined || values[index] === null)
    if (missing.length > 0)
      throw new SimulatorError(`${action} on "${this.settings.name}": key ${excerpt(key, 60)} lacks primary key field(s) ${missing.join(', ')}`)
    return JSON.stringify(values)
  }
}
