import type { LakeflowConnector, Offset, OffsetValue, TableDescription, TableOptions } from '@lakeflow/core/connector'

/** A table's declared offset (schema and ordered fields), or undefined when the connector declares none. */
export async function declaredOffset(
  connector: LakeflowConnector,
  table: string,
  options: TableOptions,
): Promise<TableDescription['offset']> {
  if (typeof connector.describeTable !== 'function') return undefined
  return (await connector.describeTable(table, options)).offset
}

/** How a declared field's values compare: instants for date/date-time strings, numbers, else text. */
function orderKey(schema: unknown, value: OffsetValue): number | string | undefined {
  if (value === null || typeof value === 'boolean') return undefined
  if (typeof value === 'number') return value
  const format = (schema as { format?: unknown } | undefined)?.format
  if (format === 'date-time' || format === 'date') {
    const time = Date.parse(value)
    return Number.isNaN(time) ? undefined : time
  }
  return value
}

/**
 * The declared ordered fields that moved against their direction between two offsets of
 * one stream (`ascending` fields that decreased, `descending` ones that increased). Fields
 * absent from either offset are not compared.
 */
export function declaredFieldsMovedBack(
  declared: NonNullable<TableDescription['offset']>,
  before: Offset,
  after: Offset,
): string[] {
  const properties = (declared.schema as { properties?: Record<string, unknown> }).properties ?? {}
  const moved: string[] = []
  for (const [key, order] of Object.entries(declared.ordered)) {
    const left = before[key] === undefined ? undefined : orderKey(properties[key], before[key]!)
    const right = after[key] === undefined ? undefined : orderKey(properties[key], after[key]!)
    if (left === undefined || right === undefined || typeof left !== typeof right) continue
    if (order === 'ascending' ? right < left : right > left) moved.push(`${key} (${order})`)
  }
  return moved
}
