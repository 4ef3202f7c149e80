import type { RawRecord } from '@lakeflow/core/connector'
import { compileConverter } from '@lakeflow/core/convert'
import type { TableSchema } from '@lakeflow/core/schema'
import type { Row } from '../destinations/types.ts'

/** Compiles core's record converter for a table schema (once per table and run). */
export function compileRowConverter(schema: TableSchema, table: string): (record: RawRecord) => Row {
  return compileConverter(schema, { table }) as (record: RawRecord) => Row
}
