import type { RawRecord, TableMetadata } from '@lakeflow/core/connector'
import { type AnySparkNode, Spark, type TableSchema } from '@lakeflow/core/schema'
import type { Hl7Message } from '../message.ts'
import type { Hl7Segment } from '../segment.ts'
import type { Column } from './columns.ts'

/** Where a message came from: what the metadata columns of its rows say. */
export interface MessageContext {
  /** The file (or other resource) holding the message: the `source_file` column. */
  readonly sourceFile: string | null
  /** When the message became available (a file's modification time, RFC 3339): `create_time`. */
  readonly createTime: string | null
  /** When it was sent, if the source knows better than MSH-7: `send_time` (defaults to `createTime`). */
  readonly sendTime?: string | null
  /** 1-based position of the message in its file. */
  readonly messageIndex: number
}

/** A table of HL7 v2 rows: its Spark schema, its metadata and how a message becomes rows. */
export interface Hl7Table {
  readonly name: string
  readonly schema: TableSchema
  readonly metadata: TableMetadata
  /** The table's rows for one message (none when the message has no such segment). */
  rows(message: Hl7Message, context: MessageContext): RawRecord[]
}

/**
 * Columns every segment table starts with: the message's MSH-10, MSH-7 and MSH-12, where
 * the message came from, the segment's position in its message (the key with
 * `message_id`), and the segment as sent.
 */
export const METADATA_COLUMNS = {
  message_id: Spark.string({ nullable: false }),
  segment_index: Spark.long({ nullable: false }),
  message_timestamp: Spark.string(),
  hl7_version: Spark.string(),
  source_file: Spark.string(),
  send_time: Spark.string(),
  create_time: Spark.string(),
  raw_segment: Spark.string(),
} as const

/** Keys and cursor of every segment table: append-only, keyed by message and position. */
export const SEGMENT_METADATA: TableMetadata = {
  primary_keys: ['message_id', 'segment_index'],
  cursor_field: 'create_time',
  ingestion_type: 'append',
}

/** The message-level part of the metadata columns, computed once per message. */
export function messageMetadata(message: Hl7Message, context: MessageContext) {
  const header = message.header
  return {
    message_id: message.controlId ?? null,
    message_timestamp: header.whole(7) ?? null,
    hl7_version: header.whole(12) ?? null,
    source_file: context.sourceFile,
    send_time: context.sendTime === undefined ? context.createTime : context.sendTime,
    create_time: context.createTime,
  }
}

/** A table with one row per segment of the types `matches` accepts, its columns after the metadata ones. */
export function segmentRowsTable(settings: {
  name: string
  columns: readonly Column[]
  matches: (segment: Hl7Segment) => boolean
}): Hl7Table {
  const fields: Record<string, AnySparkNode> = { ...METADATA_COLUMNS }
  for (const column of settings.columns) fields[column.name] = column.type
  const columns = settings.columns
  return {
    name: settings.name,
    schema: Spark.table(fields),
    metadata: SEGMENT_METADATA,
    rows(message, context) {
      let meta: ReturnType<typeof messageMetadata> | undefined
      const out: RawRecord[] = []
      const ordinals = new Map<string, number>()
      for (const segment of message.segments) {
        if (!settings.matches(segment)) continue
        const ordinal = (ordinals.get(segment.type) ?? 0) + 1
        ordinals.set(segment.type, ordinal)
        meta ??= messageMetadata(message, context)
        const row: RawRecord = {
          message_id: meta.message_id,
          segment_index: segment.position,
          message_timestamp: meta.message_timestamp,
          hl7_version: meta.hl7_version,
          source_file: meta.source_file,
          send_time: meta.send_time,
          create_time: meta.create_time,
          raw_segment: segment.text,
        }
        for (const column of columns) row[column.name] = column.read(segment, ordinal)
        out.push(row)
      }
      return out
    },
  }
}

/** A table of one segment type (`PID`), named `name`. */
export function segmentTable(name: string, segmentType: string, columns: readonly Column[]): Hl7Table {
  const type = segmentType.toUpperCase()
  return segmentRowsTable({ name, columns, matches: (segment) => segment.type === type })
}
