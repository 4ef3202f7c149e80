import type { RawRecord } from '@lakeflow/core/connector'
import type { TableSchema } from '@lakeflow/core/schema'

/** Distinct unknown names remembered per table (a source with data in its keys cannot grow this). */
const MAX_NAMES = 1000
/** Names a warning lists. */
const LISTED = 5
/**
 * Counts top-level fields of raw records that the table's schema does not have: the converter
 * drops them, so they never reach the destination. Every record is checked. Records of one
 * source nearly always share their keys in the same order (JSON.parse gives them the same
 * interned key strings), so a record whose keys are identical to the previous record's costs
 * one pointer comparison per key and no set lookups; only a new key shape is looked up.
 */
export class UnknownFields {
  private readonly known: Set<string>
  /** Unknown field name → records that had it. */
  private readonly names = new Map<string, number>()
  /** Records with at least one unknown field, and records checked. */
  private records = 0
  private checked = 0
  /** The previous record's keys, and its unknown ones (empty when it had none). */
  private lastKeys: string[] = []
  private lastUnknown: string[] = []

  constructor(schema: TableSchema) {
    this.known = new Set(Object.keys(schema.fields))
  }

  check(record: RawRecord): void {
    this.checked++
    const keys = this.lastKeys
    let index = 0
    let same = true
    for (const key in record) {
      if (index >= keys.length || keys[index] !== key) {
        same = false
        break
      }
      index++
    }
    if (!same || index !== keys.length) this.learnShape(record)
    const unknown = this.lastUnknown
    if (unknown.length === 0) return
    this.records++
    for (const key of unknown) {
      const count = this.names.get(key)
      if (count !== undefined) this.names.set(key, count + 1)
      else if (this.names.size < MAX_NAMES) this.names.set(key, 1)
    }
  }

  private learnShape(record: RawRecord): void {
    const keys: string[] = []
    const unknown: string[] = []
    for (const key in record) {
      keys.push(key)
      if (!this.known.has(key)) unknown.push(key)
    }
    this.lastKeys = keys
    this.lastUnknown = unknown
  }

  /** The warning for the run report, or undefined when every field was known. */
  warning(): string | undefined {
    if (this.records === 0) return undefined
    const names = [...this.names.entries()].sort((left, right) => right[1] - left[1]).map(([name]) => name)
    const more =
      names.length > LISTED ? ` and ${names.length - LISTED}${names.length === MAX_NAMES ? '+' : ''} more` : ''
    const count = `${names.length}${names.length === MAX_NAMES ? '+' : ''}`
    return `${count} source field${names.length === 1 ? '' : 's'} not in the schema ${names.length === 1 ? 'was' : 'were'} dropped: ${names.slice(0, LISTED).join(', ')}${more} (in ${this.records} of ${this.checked} records)`
  }
}
