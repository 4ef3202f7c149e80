import type { RawRecord } from '@lakeflow/core/connector'
import { Spark } from '@lakeflow/core/schema'
import type { Hl7Message } from '../message.ts'
import { type Hl7Table, type MessageContext, messageMetadata } from './hl7-table.ts'

/** `messages`: one row per message, keyed by MSH-10, with its routing fields and text. */
export const messages: Hl7Table = {
  name: 'messages',
  schema: Spark.table({
    message_id: Spark.string({ nullable: false }),
    message_index: Spark.long({ nullable: false }),
    message_timestamp: Spark.string(),
    hl7_version: Spark.string(),
    source_file: Spark.string(),
    send_time: Spark.string(),
    create_time: Spark.string(),
    message_code: Spark.string(),
    trigger_event: Spark.string(),
    message_structure: Spark.string(),
    sending_application: Spark.string(),
    sending_facility: Spark.string(),
    receiving_application: Spark.string(),
    receiving_facility: Spark.string(),
    processing_id: Spark.string(),
    character_set: Spark.string(),
    segment_count: Spark.long({ nullable: false }),
    segment_types: Spark.array(Spark.string({ nullable: false })),
    raw_message: Spark.string(),
  }),
  metadata: { primary_keys: ['message_id'], cursor_field: 'create_time', ingestion_type: 'append' },
  rows(message: Hl7Message, context: MessageContext): RawRecord[] {
    const meta = messageMetadata(message, context)
    const header = message.header
    return [
      {
        message_id: meta.message_id,
        message_index: context.messageIndex,
        message_timestamp: meta.message_timestamp,
        hl7_version: meta.hl7_version,
        source_file: meta.source_file,
        send_time: meta.send_time,
        create_time: meta.create_time,
        message_code: header.value(9, 1, 1) ?? null,
        trigger_event: header.value(9, 1, 2) ?? null,
        message_structure: header.value(9, 1, 3) ?? null,
        sending_application: header.value(3, 1, 1) ?? null,
        sending_facility: header.value(4, 1, 1) ?? null,
        receiving_application: header.value(5, 1, 1) ?? null,
        receiving_facility: header.value(6, 1, 1) ?? null,
        processing_id: header.value(11, 1, 1) ?? null,
        character_set: message.charset.name,
        segment_count: message.segments.length,
        segment_types: message.segments.map((segment) => segment.type),
        raw_message: message.text,
      },
    ]
  },
}
