/**
 * `@lakeflow/hl7v2/tables`: HL7 v2 messages as tables. The 23 typed segment tables of the
 * Python HL7 v2 connector (same names and columns), `other_segments` for every other
 * segment, `messages` (one row per message) and `errors` (one row per bad message), each
 * with its Spark schema, keys and row extraction.
 */
import { otherSegments } from './generic-tables.ts'
import type { Hl7Table } from './hl7-table.ts'
import { messages } from './message-table.ts'
import { SEGMENT_TABLES } from './segment-tables.ts'

export { type Column, c, compositeType, compositeValue } from './columns.ts'
export type { Composite, LeafField, NestedField } from './composites.ts'
export * as composites from './composites.ts'
export { type ErrorFacts, errorsTable, type FileContext } from './errors-table.ts'
export { GENERIC_COLUMNS, GENERIC_FIELD_COUNT, otherSegments, tableForSegmentType } from './generic-tables.ts'
export {
  type Hl7Table,
  METADATA_COLUMNS,
  type MessageContext,
  messageMetadata,
  SEGMENT_METADATA,
  segmentRowsTable,
  segmentTable,
} from './hl7-table.ts'
export { messages } from './message-table.ts'
export { SEGMENT_TABLES }

/** Every message-derived table: the 23 segment tables, `other_segments` and `messages`. */
export const MESSAGE_TABLES: readonly Hl7Table[] = [...SEGMENT_TABLES, otherSegments, messages]
