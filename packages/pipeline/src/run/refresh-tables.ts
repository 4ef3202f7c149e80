import { didYouMean, LakeflowError } from '@lakeflow/core/errors'
import { qualifiedName } from '../destinations/types.ts'
import type { PlannedTable } from './plan.ts'

/**
 * The tables a full refresh rebuilds: all of them (`true`), none (`false`), or those named by
 * source table or destination table (qualified or not). A name that matches no table of the
 * spec is a configuration error naming the closest one, found before anything is written.
 */
export function refreshedTables(
  planned: readonly PlannedTable[],
  fullRefresh: boolean | readonly string[],
): Set<PlannedTable> {
  if (fullRefresh === true) return new Set(planned)
  if (fullRefresh === false) return new Set()
  const namesOf = (table: PlannedTable) => [
    table.plan.sourceTable,
    table.plan.destination.table,
    qualifiedName(table.plan.destination),
  ]
  const selected = new Set<PlannedTable>()
  for (const name of fullRefresh) {
    const matches = planned.filter((table) => namesOf(table).includes(name))
    if (matches.length === 0) {
      const known = planned.map((table) => table.plan.sourceTable)
      throw new LakeflowError(
        `Cannot refresh table "${name}": the pipeline has no such table${didYouMean(name, known) || '.'} Its tables: ${known.join(', ')}`,
        { category: 'config' },
      )
    }
    for (const table of matches) selected.add(table)
  }
  return selected
}
