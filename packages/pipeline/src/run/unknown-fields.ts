import type { RawRecord } from '@lakeflow/core/connector'
import type { TableSchema } from '@lakeflow/core/schema'

/** Distinct unknown names remembered per table (a source with data in its keys cannot grow this). */
const MAX_NAMES = 1000
/** Names a warning lists. */
const LISTED = 5
/** Records checked one by one before sampling starts. */
const CHECK_ALL = 1000
/** After that, one record in this many (a power of two) is checked. */
const SAMPLE_EVERY = 32

/**
 * Counts top-level fields of raw records that the table's schema does not have: the converter
 * drops them, so they never reach the destination. Checking a record costs one set lookup per
 * field, about a fifth of converting it, so after the first {@link CHECK_ALL} records one in
 * {@link SAMPLE_EVERY} is checked (a field the source sends systematically is still seen at once).
 */
export class UnknownFields {
  private readonly known: Set<string>
  /** Unknown field name → checked records that had it. */
  private readonly names = new Map<string, number>()
  /** Checked records with at least one unknown field. */
  private records = 0
  /** Records seen, and records checked. */
  private seen = 0
  private checked = 0

  constructor(schema: TableSchema) {
    this.known = new Set(Object.keys(schema.fields))
  }

  check(record: RawRecord): void {
    if (++this.seen > CHECK_ALL && (this.seen & (SAMPLE_EVERY - 1)) !== 0) return
    this.checked++
    let unknown = false
    for (const key in record) {
      if (this.known.has(key)) continue
      unknown = true
      const count = this.names.get(key)
      if (count !== undefined) this.names.set(key, count + 1)
      else if (this.names.size < MAX_NAMES) this.names.set(key, 1)
    }
    if (unknown) this.records++
  }

  /** The warning for the run report, or undefined when every field was known. */
  warning(): string | undefined {
    if (this.records === 0) return undefined
    const names = [...this.names.entries()].sort((left, right) => right[1] - left[1]).map(([name]) => name)
    const more =
      names.length > LISTED ? ` and ${names.length - LISTED}${names.length === MAX_NAMES ? '+' : ''} more` : ''
    const count = `${names.length}${names.length === MAX_NAMES ? '+' : ''}`
    return `${count} source field${names.length === 1 ? '' : 's'} not in the schema ${names.length === 1 ? 'was' : 'were'} dropped: ${names.slice(0, LISTED).join(', ')}${more} (in ${this.records} of ${this.checked} records checked)`
  }
}
