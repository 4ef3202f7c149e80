import type { Clock } from './clock.ts'
import type { Corpus } from './corpus/load-corpus.ts'
import type { Table } from './corpus/table.ts'
import { SimulatorError } from './errors.ts'
import type { CorpusSpec, SimulatorMutations } from './types.ts'
import { getPath } from './util/dotted.ts'

/**
 * The test-side mutation API. Every change takes effect for the next request; a request in
 * flight already has its page. What a paginating client can observe is what a real API
 * would show: offset and page-number pagination recompute the ordering per request, so a
 * row that moves (an update re-sorting it, an insert or delete before the current
 * position) can make a later page skip or repeat a row; cursor tokens resume after the last
 * served record's sort position, so rows before it never shift the next page.
 */
export function createMutations(
  corpus: () => Corpus,
  clock: Clock,
  corpora: Readonly<Record<string, CorpusSpec>> = {},
): SimulatorMutations {
  const table = (name: string): Table => {
    const found = corpus().tables.get(name)
    if (found) return found
    const single = corpus().singles.has(name) ? ` ("${name}" is a single object, not a table)` : ''
    const known = [...corpus().tables.keys()].join(', ') || '(none)'
    throw new SimulatorError(`unknown corpus table "${name}"${single}; tables: ${known}`)
  }
  /** Moves the cursor of the records that `touches` rules of `name` find for these records. */
  const touch = (name: string, records: readonly Record<string, unknown>[]) => {
    for (const rule of corpora[name]?.touches ?? []) {
      const target = table(rule.corpus)
      const pairs = Object.entries(rule.match)
      const wanted = new Set<string>()
      for (const record of records) {
        const values = pairs.map(([, field]) => getPath(record, field))
        // A record without the fields refers to nothing.
        if (values.every((value) => value !== null && value !== undefined)) wanted.add(matchKey(values))
      }
      if (wanted.size === 0) continue
      for (const candidate of target.records()) {
        if (!wanted.has(matchKey(pairs.map(([field]) => getPath(candidate, field))))) continue
        const key = Object.fromEntries(target.settings.primaryKey.map((field) => [field, getPath(candidate, field)]))
        target.update(key, {}, clock.ms)
      }
    }
  }
  return {
    insert: (name, record) => {
      table(name).insert([record], clock.ms)
      touch(name, [record])
    },
    insertMany: (name, records) => {
      table(name).insert(records, clock.ms)
      touch(name, records)
    },
    update: (name, key, changes) => {
      const updated = table(name)
      updated.update(key, changes, clock.ms)
      const identity = JSON.stringify(updated.settings.primaryKey.map((field) => getPath(key, field) ?? null))
      touch(
        name,
        updated
          .records()
          .filter(
            (record) =>
              JSON.stringify(updated.settings.primaryKey.map((field) => getPath(record, field) ?? null)) === identity,
          ),
      )
    },
    delete: (name, key) => table(name).delete(key, clock.ms),
    records: (name) => table(name).records(),
    tombstones: (name) => table(name).tombstones(),
  }
}

/** Text of a tuple of values for matching (`1` and `"1"` match, as query values do). */
function matchKey(values: unknown[]): string {
  return JSON.stringify(values.map((value) => (value === null || value === undefined ? null : String(value))))
}
