import { didYouMean, LakeflowError } from '@lakeflow/core/errors'
import type { StateEntry } from './types.ts'

/** `; did you mean "x"?` when a known name is close to the given one, else `.`. */
function hint(given: string, known: readonly string[]): string {
  return didYouMean(given, known) || '.'
}

/** A table's name without the default schema: `main.users` → `users`. */
export function bareName(qualified: string): string {
  return qualified.startsWith('main.') ? qualified.slice('main.'.length) : qualified
}

/**
 * The state entries of `pipeline` (and of `table`, given as its destination name, qualified or
 * not, or its source table). An unknown pipeline or table is a configuration error with a
 * did-you-mean, so a typo never reports "nothing to reset".
 */
export function selectStateEntries(
  entries: readonly StateEntry[],
  pipeline: string,
  table: string | undefined,
  location: string,
): StateEntry[] {
  const pipelines = [...new Set(entries.map((entry) => entry.pipeline))]
  if (!pipelines.includes(pipeline)) {
    throw new LakeflowError(
      `No pipeline named "${pipeline}" in ${location}${hint(pipeline, pipelines)} Pipelines there: ${pipelines.join(', ') || '(none)'} (see lakeflow state show)`,
      { category: 'config' },
    )
  }
  const ofPipeline = entries.filter((entry) => entry.pipeline === pipeline)
  if (table === undefined) return ofPipeline
  const selected = ofPipeline.filter(
    (entry) => entry.table === table || bareName(entry.table) === table || entry.sourceTable === table,
  )
  if (selected.length === 0) {
    const tables = [...new Set(ofPipeline.map((entry) => bareName(entry.table)))]
    throw new LakeflowError(
      `Pipeline ${pipeline} has no table "${table}" in ${location}${hint(bareName(table), tables)} Its tables: ${tables.join(', ')}`,
      { category: 'config' },
    )
  }
  return selected
}
