/**
 * The endpoint spec (`endpoints.yaml`) as typebox schemas: the one description of the format,
 * from which the spec types (`types.ts`) are derived and against which `loadSpec` checks every
 * file. Rules that tie several keys together live in `check-spec.ts`.
 */
import { Type } from '@lakeflow/core/options'
import { EXPECTED } from '@lakeflow/core/validate'

const strict = { additionalProperties: false } as const

const field = (expected = 'a dotted field name') => Type.String({ minLength: 1, [EXPECTED]: expected })
const positive = () => Type.Integer({ minimum: 1, [EXPECTED]: 'a positive integer' })
const flag = () => Type.Boolean({ [EXPECTED]: 'true or false' })
const strings = (expected: string) => Type.Record(Type.String(), Type.String({ [EXPECTED]: expected }))

/** Comparisons of a `filter` param. */
export const FILTER_OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'contains', 'starts_with'] as const

/** Pagination styles. */
export const PAGINATION_STYLES = [
  'none',
  'page_number',
  'page_number_with_link_header',
  'page_number_in_body',
  'offset_limit',
  'cursor_token',
  'next_url',
  'link_header_cursor',
  'incremental_export',
] as const

/** HTTP methods an endpoint may declare. */
export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const

/** How an instant is written in a parameter: epoch seconds or epoch milliseconds. */
const InstantFormat = Type.Enum(['seconds', 'millis'])

const FilterParam = Type.Object(
  {
    role: Type.Literal('filter'),
    field: field('the dotted record field to filter on'),
    op: Type.Enum(FILTER_OPS),
    match_all: Type.Optional(
      Type.Array(Type.String(), { minItems: 1, [EXPECTED]: 'a non-empty list of strings such as [all]' }),
    ),
    default: Type.Optional(Type.String({ [EXPECTED]: 'a string (the value used when the param is absent)' })),
    format: Type.Optional(InstantFormat),
  },
  {
    ...strict,
    description:
      'Serves the records whose field compares with the value. `format: seconds|millis` reads the value as an epoch instant and compares it with ISO-8601 or epoch record fields as instants.',
  },
)

const SinceParam = Type.Object(
  {
    role: Type.Literal('since'),
    field: field('the dotted record field the export walks'),
    format: Type.Optional(InstantFormat),
  },
  {
    ...strict,
    description:
      'The position of an `incremental_export`: records whose field is at or after the instant (`format`, default `seconds`).',
  },
)

const SortByParam = Type.Object(
  {
    role: Type.Literal('sort_by'),
    options: Type.Optional(
      Type.Union([Type.Array(Type.String()), strings('the dotted record field the value sorts by')], {
        [EXPECTED]: 'a list of strings or a mapping of value to record field',
      }),
    ),
  },
  strict,
)

const SortOrderParam = Type.Object(
  {
    role: Type.Literal('sort_order'),
    options: Type.Optional(Type.Array(Type.Enum(['asc', 'desc']), { [EXPECTED]: 'a list of strings' })),
  },
  strict,
)

const sized = (role: 'per_page' | 'limit') =>
  Type.Object({ role: Type.Literal(role), default: Type.Optional(positive()), max: Type.Optional(positive()) }, strict)

const searchFields = {
  field_prefix: Type.Optional(Type.String({ [EXPECTED]: 'a dotted prefix such as "properties."' })),
  fields: Type.Optional(strings('the dotted record field the property name stands for')),
}

const FilterGroupsParam = Type.Object(
  { role: Type.Literal('filter_groups'), ...searchFields },
  {
    ...strict,
    description:
      'A search body list `[{filters: [{propertyName, operator, value}]}]`: groups are OR-ed, filters inside a group AND-ed. A property is the record field `field_prefix + name`, or `fields[name]`.',
  },
)

const SortsParam = Type.Object(
  { role: Type.Literal('sorts'), ...searchFields },
  { ...strict, description: 'A search body list of `{propertyName, direction: ASCENDING|DESCENDING}` (or names).' },
)

/** Every param role, told apart by `role`. */
export const ParamSchema = Type.Union([
  FilterParam,
  SinceParam,
  SortByParam,
  SortOrderParam,
  Type.Object({ role: Type.Literal('page') }, strict),
  sized('per_page'),
  Type.Object({ role: Type.Literal('offset') }, strict),
  sized('limit'),
  Type.Object({ role: Type.Literal('cursor') }, strict),
  FilterGroupsParam,
  SortsParam,
  Type.Object({ role: Type.Literal('ignore') }, strict),
])

const Params = Type.Record(Type.String(), ParamSchema, {
  [EXPECTED]: 'a mapping of query param name to {role, ...}',
})

const Wrapper = Type.Object(
  {
    records_key: field('a dotted key such as "data.items"'),
    extras: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { [EXPECTED]: 'a mapping' })),
    ignore_extra_keys: Type.Optional(flag()),
    next_page_key: Type.Optional(field('a dotted key')),
    next_cursor_key: Type.Optional(field('a dotted key')),
    next_url_key: Type.Optional(field('a dotted key')),
    total_key: Type.Optional(field('a dotted key')),
    count_key: Type.Optional(field('a dotted key')),
    end_of_stream_key: Type.Optional(field('a dotted key')),
    end_time_key: Type.Optional(field('a dotted key')),
  },
  { ...strict, [EXPECTED]: 'a mapping with records_key' },
)

const Archive = Type.Object(
  {
    type: Type.Enum(['gzip', 'zip']),
    entry: Type.Optional(Type.String({ minLength: 1, [EXPECTED]: 'a file name such as "export.ndjson"' })),
    data_descriptor: Type.Optional(flag()),
  },
  { ...strict, [EXPECTED]: 'a mapping with type (gzip or zip)' },
)

const Csv = Type.Object(
  {
    columns: Type.Optional(Type.Array(field(), { minItems: 1, [EXPECTED]: 'a non-empty list of dotted fields' })),
    bom: Type.Optional(flag()),
    delimiter: Type.Optional(Type.String({ minLength: 1, maxLength: 1, [EXPECTED]: 'one character' })),
  },
  { ...strict, [EXPECTED]: 'a mapping (columns, bom, delimiter)' },
)

/** An endpoint's `response` block. */
export const ResponseSchema = Type.Object(
  {
    pagination_style: Type.Optional(Type.Enum(PAGINATION_STYLES)),
    default_sort: Type.Optional(
      Type.String({ pattern: '^\\s*\\S+(\\s+(asc|desc|ASC|DESC))?\\s*$', [EXPECTED]: '"field" or "field asc|desc"' }),
    ),
    single_entity: Type.Optional(flag()),
    wrapper: Type.Optional(Wrapper),
    headers: Type.Optional(strings('a non-empty string')),
    expected_status_codes: Type.Optional(Type.Array(Type.Integer(), { [EXPECTED]: 'a list of status codes' })),
    format: Type.Optional(Type.Enum(['json', 'ndjson', 'csv'])),
    csv: Type.Optional(Csv),
    encoding: Type.Optional(Type.Enum(['gzip'])),
    archive: Type.Optional(Archive),
  },
  { ...strict, [EXPECTED]: 'a mapping' },
)

const Auth = Type.Union(
  [
    Type.Object(
      {
        header: Type.String({ minLength: 1, [EXPECTED]: 'a header name such as "Authorization"' }),
        value: Type.Optional(Type.String()),
        prefix: Type.Optional(Type.String()),
      },
      strict,
    ),
    Type.Object(
      {
        query: Type.String({ minLength: 1, [EXPECTED]: 'a query parameter name such as "api_key"' }),
        value: Type.Optional(Type.String()),
      },
      strict,
    ),
  ],
  { [EXPECTED]: 'a mapping with header (and optional prefix, value) or query (and optional value)' },
)

/** One endpoint. */
export const EndpointSchema = Type.Object(
  {
    path: Type.String({ pattern: '^/', [EXPECTED]: 'a path starting with "/"' }),
    method: Type.Enum(METHODS),
    corpus: Type.Optional(Type.String({ minLength: 1, [EXPECTED]: 'a corpus table name' })),
    deleted: Type.Optional(flag()),
    strict_params: Type.Optional(flag()),
    response: Type.Optional(ResponseSchema),
    params: Type.Optional(Params),
    body: Type.Optional(
      Type.Record(Type.String(), ParamSchema, { [EXPECTED]: 'a mapping of dotted body field to {role, ...}' }),
    ),
    path_filters: Type.Optional(strings('a non-empty string')),
    auth: Type.Optional(Auth),
    synthesize_future_records: Type.Optional(
      Type.Object(
        { cursor_field: field(), count: Type.Optional(positive()) },
        { ...strict, [EXPECTED]: '{cursor_field, count}' },
      ),
    ),
    handler: Type.Optional(Type.String({ [EXPECTED]: 'a "python.module:function" name' })),
  },
  { ...strict, [EXPECTED]: 'a mapping with path and method' },
)

const Touch = Type.Object(
  {
    corpus: Type.String({ minLength: 1, [EXPECTED]: 'a corpus name' }),
    match: Type.Record(Type.String(), field(), {
      minProperties: 1,
      [EXPECTED]: 'a mapping of target field to a field of this corpus, such as {number: pull_number}',
    }),
  },
  { ...strict, [EXPECTED]: '{corpus, match}' },
)

/** Settings of one corpus table. */
export const CorpusSchema = Type.Object(
  {
    primary_key: Type.Array(field(), { minItems: 1, [EXPECTED]: 'a non-empty list of dotted field names' }),
    cursor_field: Type.Optional(field()),
    cursor_format: Type.Optional(Type.Enum(['iso', 'iso_millis', 'seconds', 'millis'])),
    tombstone_fields: Type.Optional(Type.Array(Type.String(), { [EXPECTED]: 'a list of dotted field names' })),
    touches: Type.Optional(Type.Array(Touch, { [EXPECTED]: 'a list of {corpus, match}' })),
  },
  { ...strict, [EXPECTED]: 'a mapping with primary_key' },
)

/** A whole spec file. */
export const SourceSpecSchema = Type.Object(
  {
    endpoints: Type.Array(EndpointSchema, { [EXPECTED]: 'a list of endpoints' }),
    corpora: Type.Optional(Type.Record(Type.String(), CorpusSchema, { [EXPECTED]: 'a mapping' })),
  },
  { ...strict, [EXPECTED]: 'a mapping with an "endpoints" list at the top level' },
)
