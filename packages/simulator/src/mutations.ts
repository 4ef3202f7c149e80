import type { Clock } from './clock.ts'
import type { Corpus } from './corpus/load-corpus.ts'
import type { Table } from './corpus/table.ts'
import { SimulatorError } from './errors.ts'
import type { SimulatorMutations } from './types.ts'

/**
 * The test-side mutation API. Every change takes effect for the next request; a request in
 * flight already has its page. What a paginating client can observe is what a real API
 * would show: offset and page-number pagination recompute the ordering per request, so a
 * row that moves (an update re-sorting it, an insert or delete before the current
 * position) can make a later page skip or repeat a row; cursor tokens resume after the last
 * served record's sort position, so rows before it never shift the next page.
 */
export function createMutations(corpus: () => Corpus, clock: Clock): SimulatorMutations {
  const table = (name: string): Table => {
    const found = corpus().tables.get(name)
    if (found) return found
    const single = corpus().singles.has(name) ? ` ("${name}" is a single object, not a table)` : ''
    const known = [...corpus().tables.keys()].join(', ') || '(none)'
    throw new SimulatorError(`unknown corpus table "${name}"${single}; tables: ${known}`)
  }
  return {
    insert: (name, record) => table(name).insert([record], clock.ms),
    insertMany: (name, records) => table(name).insert(records, clock.ms),
    update: (name, key, changes) => table(name).update(key, changes, clock.ms),
    delete: (name, key) => table(name).delete(key, clock.ms),
    records: (name) => table(name).records(),
    tombstones: (name) => table(name).tombstones(),
  }
}
