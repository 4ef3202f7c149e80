import { isPlainObject } from '@lakeflow/core/internal'
import type { FilterClause } from '../corpus/filter.ts'
import type { SortSpec } from '../corpus/view.ts'
import type { ParamSpec } from '../types.ts'
import { BadRequest } from './bad-request.ts'

type SearchParam = Extract<ParamSpec, { role: 'filter_groups' | 'sorts' }>

const COMPARISONS: Record<string, FilterClause['op']> = {
  EQ: 'eq',
  NEQ: 'ne',
  GT: 'gt',
  GTE: 'gte',
  LT: 'lt',
  LTE: 'lte',
  IN: 'in',
  CONTAINS_TOKEN: 'contains',
  HAS_PROPERTY: 'exists',
  NOT_HAS_PROPERTY: 'missing',
}
const OPERATORS = [...Object.keys(COMPARISONS), 'BETWEEN']

/** The record field a property name stands for: `fields[name]`, else `field_prefix + name` (dots in the name kept). */
function fieldOf(param: SearchParam, name: string): string {
  return param.fields?.[name] ?? `${param.field_prefix ?? ''}${name.replaceAll('.', '\\.')}`
}

function text(value: unknown, where: string): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  throw new BadRequest(
    `${where}: expected a string, number or boolean value, got ${JSON.stringify(value) ?? 'nothing'}`,
  )
}

/**
 * Reads a search body's filter groups (`[{filters: [{propertyName, operator, value}]}]`, as
 * HubSpot's CRM search takes them): groups are alternatives, the filters of a group all
 * apply. Numbers compare with ISO date fields as epoch milliseconds. `IN` takes `values`,
 * `BETWEEN` takes `value` and `highValue`. Anything malformed is a 400.
 */
export function filterGroups(param: SearchParam, name: string, value: unknown): FilterClause[][] {
  if (!Array.isArray(value)) throw new BadRequest(`${name}: expected a list of {filters: [...]}`)
  return value.map((group, groupIndex) => {
    const filters = isPlainObject(group) ? group.filters : undefined
    if (!Array.isArray(filters)) throw new BadRequest(`${name}[${groupIndex}]: expected {filters: [...]}`)
    return filters.flatMap((filter, index): FilterClause[] => {
      const where = `${name}[${groupIndex}].filters[${index}]`
      if (!isPlainObject(filter) || typeof filter.propertyName !== 'string' || typeof filter.operator !== 'string')
        throw new BadRequest(`${where}: expected {propertyName, operator, value}`)
      const field = fieldOf(param, filter.propertyName)
      const operator = filter.operator.toUpperCase()
      if (operator === 'BETWEEN')
        return [
          { field, op: 'gte', value: text(filter.value, `${where}.value`), format: 'millis' },
          { field, op: 'lte', value: text(filter.highValue, `${where}.highValue`), format: 'millis' },
        ]
      const op = COMPARISONS[operator]
      if (op === undefined)
        throw new BadRequest(
          `${where}.operator: unknown operator "${filter.operator}"; expected one of ${OPERATORS.join(', ')}`,
        )
      if (op === 'exists' || op === 'missing') return [{ field, op, value: '' }]
      const raw =
        op === 'in' && Array.isArray(filter.values)
          ? filter.values.map((item, position) => text(item, `${where}.values[${position}]`)).join(',')
          : text(filter.value, `${where}.value`)
      return [{ field, op, value: raw, format: 'millis' }]
    })
  })
}

/**
 * Reads a search body's sorts: `[{propertyName, direction: ASCENDING|DESCENDING}]` or plain
 * property names. The first entry sorts (ties are broken by the primary key, as always).
 */
export function searchSort(param: SearchParam, name: string, value: unknown): SortSpec | undefined {
  if (!Array.isArray(value)) throw new BadRequest(`${name}: expected a list of {propertyName, direction}`)
  const first: unknown = value[0]
  if (first === undefined) return undefined
  if (typeof first === 'string') return { field: fieldOf(param, first), direction: 1 }
  if (!isPlainObject(first) || typeof first.propertyName !== 'string')
    throw new BadRequest(`${name}[0]: expected {propertyName, direction} or a property name`)
  const direction = String(first.direction ?? 'ASCENDING').toUpperCase()
  if (direction !== 'ASCENDING' && direction !== 'DESCENDING')
    throw new BadRequest(
      `${name}[0].direction: expected ASCENDING or DESCENDING, got ${JSON.stringify(first.direction)}`,
    )
  return { field: fieldOf(param, first.propertyName), direction: direction === 'DESCENDING' ? -1 : 1 }
}
