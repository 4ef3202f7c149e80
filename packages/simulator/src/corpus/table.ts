import type { CorpusSpec } from '../types.ts'
import type { Query, Rec, RecordView } from './view.ts'

/** How a table identifies records and stamps cursors (from `corpora.<name>` in the spec). */
export interface TableSettings {
  name: string
  /** Empty when neither declared nor inferable (`id`): mutations then need a declaration. */
  primaryKey: string[]
  cursorField?: string
  cursorFormat: NonNullable<CorpusSpec['cursor_format']>
  tombstoneFields: string[]
}

/** A corpus table the server reads through views and tests mutate. */
export interface Table {
  readonly settings: TableSettings
  /** Whether it can be mutated (generated tables cannot). */
  readonly mutable: boolean
  view(query: Query, source: 'live' | 'tombstones'): RecordView
  insert(records: Rec[], nowMs: number): void
  update(key: Record<string, unknown>, changes: Record<string, unknown>, nowMs: number): void
  delete(key: Record<string, unknown>, nowMs: number): void
  records(): Rec[]
  tombstones(): Rec[]
}

/** Writes a clock instant in a corpus's cursor format. */
export function formatCursor(ms: number, format: TableSettings['cursorFormat']): string | number {
  switch (format) {
    case 'seconds':
      return Math.floor(ms / 1000)
    case 'millis':
      return ms
    case 'iso_millis':
      return new Date(ms).toISOString()
    default:
      return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
  }
}
