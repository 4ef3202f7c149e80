import { Spark } from '@lakeflow/core/schema'
import { type Column, c } from './columns.ts'
import { type Hl7Table, segmentRowsTable, segmentTable } from './hl7-table.ts'
import { SEGMENT_TABLES } from './segment-tables.ts'

/** Fields the generic tables spell out (`field_1` … `field_25`); the rest stays in `raw_segment`. */
export const GENERIC_FIELD_COUNT = 25

/** The segment type, then fields 1 to 25 of any segment, each whole (see `Hl7Segment.whole`). */
export const GENERIC_COLUMNS: readonly Column[] = [
  { name: 'segment_type', type: Spark.string(), read: (segment) => segment.type },
  ...Array.from({ length: GENERIC_FIELD_COUNT }, (_, index) => c.text(`field_${index + 1}`, index + 1)),
]

const TYPED = new Set(SEGMENT_TABLES.map((table) => table.name.toUpperCase()))

/**
 * `other_segments`: every segment that has no typed table (Z-segments, ROL, ACC, …), with
 * positional columns: one row per segment, keyed like the segment tables.
 */
export const otherSegments: Hl7Table = segmentRowsTable({
  name: 'other_segments',
  columns: GENERIC_COLUMNS,
  matches: (segment) => !TYPED.has(segment.type),
})

/**
 * A table named `name` holding the segments of one type: the typed table's columns when the
 * type has one (`PID`), the generic positional columns otherwise (`ZPD`).
 */
export function tableForSegmentType(name: string, segmentType: string): Hl7Table {
  const type = segmentType.trim().toUpperCase()
  const typed = SEGMENT_TABLES.find((table) => table.name.toUpperCase() === type)
  if (typed) return { ...typed, name }
  return segmentTable(name, type, GENERIC_COLUMNS)
}
