import Type, { type TSchema } from 'typebox'
import type { OffsetDeclaration, OffsetOrder } from '../connector/offset-declaration.ts'
import type { Offset } from '../connector/types.ts'
import { EXPECTED } from '../validate/document-issues.ts'
import { type CursorFormat, isTimeFormat } from './cursor-values.ts'

/**
 * The kinds of offset field: a cursor value in a {@link CursorFormat}, `ids` (a comma list
 * of ids read at a value), `page` (a page number), or free `text`.
 */
export type OffsetFieldKind = CursorFormat | 'ids' | 'page' | 'text'

function fieldSchema(kind: OffsetFieldKind): TSchema {
  if (kind === 'ids') return Type.String({ [EXPECTED]: 'a comma-separated list of ids' })
  if (kind === 'text') return Type.String()
  if (kind === 'page') return Type.Integer({ minimum: 1 })
  if (kind === 'date') return Type.String({ format: 'date', [EXPECTED]: 'a date such as "2024-01-01"' })
  if (isTimeFormat(kind) && !kind.startsWith('epoch')) {
    return Type.String({ format: 'date-time', [EXPECTED]: 'an ISO 8601 date-time such as "2024-01-01T00:00:00Z"' })
  }
  return Type.Number()
}

/**
 * A strict offset declaration from field kinds: every field optional (`{}` starts a
 * stream), unknown keys rejected.
 * @example offsetShape({ cursor: 'iso', seen: 'ids', page: 'page' }, { cursor: 'ascending' })
 */
export function offsetShape(
  fields: Readonly<Record<string, OffsetFieldKind>>,
  ordered: Readonly<Record<string, OffsetOrder>> = {},
  migrate?: (offset: Offset) => Offset,
): OffsetDeclaration {
  const properties = Object.fromEntries(
    Object.entries(fields).map(([key, kind]) => [key, Type.Optional(fieldSchema(kind))]),
  )
  return {
    schema: Type.Object(properties, { additionalProperties: false }),
    ordered,
    ...(migrate ? { migrate } : {}),
  }
}
