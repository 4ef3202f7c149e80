import type { RawRecord, TableMetadata } from '@lakeflow/core/connector'
import { Spark, type TableSchema } from '@lakeflow/core/schema'
import type { Hl7ErrorKind } from '../hl7-error.ts'

/** What an error row records: an `Hl7Error`, or the same facts carried another way. */
export interface ErrorFacts {
  readonly kind: Hl7ErrorKind
  readonly message: string
  readonly messageIndex?: number | undefined
  readonly excerpt?: string | undefined
}

/** Where a file came from, for its error rows. */
export interface FileContext {
  readonly sourceFile: string | null
  readonly createTime: string | null
}

/**
 * `errors`: one row per problem found in a file (a message that could not be read, or an
 * envelope that does not add up), naming the file and the message index. The other messages
 * of the file still load, unless the reader is strict.
 */
export const errorsTable: {
  readonly name: 'errors'
  readonly schema: TableSchema
  readonly metadata: TableMetadata
  row(error: ErrorFacts, errorIndex: number, context: FileContext): RawRecord
} = {
  name: 'errors',
  schema: Spark.table({
    source_file: Spark.string({ nullable: false }),
    error_index: Spark.long({ nullable: false }),
    message_index: Spark.long(),
    error_kind: Spark.string({ nullable: false }),
    error_message: Spark.string({ nullable: false }),
    excerpt: Spark.string(),
    create_time: Spark.string(),
  }),
  metadata: { primary_keys: ['source_file', 'error_index'], cursor_field: 'create_time', ingestion_type: 'append' },
  row: (error, errorIndex, context) => ({
    source_file: context.sourceFile ?? '',
    error_index: errorIndex,
    message_index: error.messageIndex ?? null,
    error_kind: error.kind,
    error_message: error.message,
    excerpt: error.excerpt ?? null,
    create_time: context.createTime,
  }),
}
