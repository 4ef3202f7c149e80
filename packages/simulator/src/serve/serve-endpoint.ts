import type { FilterClause } from '../corpus/filter.ts'
import type { Corpus } from '../corpus/load-corpus.ts'
import type { Table } from '../corpus/table.ts'
import type { Query, SortSpec } from '../corpus/view.ts'
import { parseSort, placeholders } from '../spec/check-spec.ts'
import type { EndpointSpec } from '../types.ts'
import { getPath, lastKey, nestUnder, setPath } from '../util/dotted.ts'
import { BadRequest } from './bad-request.ts'
import { encodePage, json, pack, type Served, text } from './encode.ts'
import { declaredParams, type RequestInputs, rawValue, roleValue, textValue } from './inputs.ts'
import { type LinkToken, type Page, type PageRequest, paginate, readLinkToken } from './paginate.ts'
import { filterGroups, searchSort } from './search-body.ts'

export interface EndpointRequest {
  endpoint: EndpointSpec
  pathParams: Record<string, string>
  inputs: RequestInputs
  url: URL
  corpus: Corpus
  takeDuplicate: () => boolean
}

/** Serves a request: a single entity, or a corpus table filtered, sorted, paged, wrapped and encoded. */
export function serveEndpoint(request: EndpointRequest): Served {
  try {
    return request.endpoint.response?.single_entity ? serveSingle(request) : serveList(request)
  } catch (error) {
    if (error instanceof BadRequest) return json(400, { error: error.message, status: 400 })
    throw error
  }
}

function serveSingle(request: EndpointRequest): Served {
  const { endpoint, corpus } = request
  const headers = endpoint.response?.headers ?? {}
  if (endpoint.corpus === undefined) return pack(endpoint, json(200, {}, headers))
  const single = corpus.singles.get(endpoint.corpus)
  if (typeof single === 'object') return pack(endpoint, json(200, single, headers))
  if (single !== undefined) return pack(endpoint, text(single, headers))
  const table = corpus.tables.get(endpoint.corpus)
  if (!table) return pack(endpoint, json(200, {}, headers))
  const pick = recordPicker(endpoint, table, request.pathParams)
  // Without a way to pick one record, the list is served as it is (upstream behaviour).
  if (!pick) {
    const all = table.view({ filters: [] }, 'live')
    return pack(
      endpoint,
      json(
        200,
        Array.from({ length: all.length }, (_, index) => all.at(index)),
        headers,
      ),
    )
  }
  const view = table.view({ filters: [...pick, ...queryFilters(request)] }, 'live')
  if (view.length === 0) return json(404, { error: 'not found', status: 404, path: request.url.pathname })
  return pack(endpoint, json(200, view.at(0), headers))
}

/**
 * How a single-entity endpoint over a list corpus picks its record: `path_filters`, else
 * the path placeholder's name. A placeholder named like a record field (`{survey_id}` and a
 * `survey_id` field) matches that field; one named after the corpus (`/surveys/{survey_id}`
 * over `surveys`: the name less `_id` begins the corpus name) matches the primary key.
 */
function recordPicker(
  endpoint: EndpointSpec,
  table: Table,
  pathParams: Record<string, string>,
): FilterClause[] | undefined {
  if (endpoint.path_filters && Object.keys(endpoint.path_filters).length > 0) return pathClauses(endpoint, pathParams)
  const sample = table.view({ filters: [] }, 'live')
  const first = sample.length > 0 ? sample.at(0) : undefined
  const key = table.settings.primaryKey
  for (const name of placeholders(endpoint.path).reverse()) {
    const value = pathParams[name]
    if (value === undefined) continue
    if (first && getPath(first, name) !== undefined) return [{ field: name, op: 'eq', value }]
    const stem = name.replace(/_?(id|uid|key)$/i, '').toLowerCase()
    if (
      stem !== '' &&
      stem !== name.toLowerCase() &&
      key.length === 1 &&
      table.settings.name.toLowerCase().startsWith(stem)
    )
      return [{ field: key[0]!, op: 'eq', value }]
  }
  return undefined
}

function pathClauses(endpoint: EndpointSpec, pathParams: Record<string, string>): FilterClause[] {
  const clauses: FilterClause[] = []
  for (const [name, field] of Object.entries(endpoint.path_filters ?? {})) {
    const value = pathParams[name]
    if (value !== undefined) clauses.push({ field, op: 'eq', value })
  }
  return clauses
}

/** Filter params read from the query and the JSON body (a value, else the param's default; none for `match_all`). */
function queryFilters(request: EndpointRequest): FilterClause[] {
  const clauses: FilterClause[] = []
  for (const declared of declaredParams(request.endpoint)) {
    const param = declared.param
    if (param.role !== 'filter') continue
    const value = textValue(declared, request.inputs) ?? param.default
    if (value === undefined || param.match_all?.includes(value)) continue
    clauses.push({ field: param.field, op: param.op, value, ...(param.format ? { format: param.format } : {}) })
  }
  return clauses
}

function serveList(request: EndpointRequest): Served {
  const { endpoint, corpus } = request
  const response = endpoint.response ?? {}
  const style = response.pagination_style ?? 'none'
  let linkToken: LinkToken | undefined
  let inputs = request.inputs
  if (style === 'link_header_cursor') {
    linkToken = readLinkToken(endpoint, inputs)
    // A token replays the filters and sort of the request that started the listing.
    if (linkToken) inputs = { ...inputs, query: { ...inputs.query, ...linkToken.query } }
  }
  const listing = { ...request, inputs }
  const query: Query = { filters: [...queryFilters(listing), ...pathClauses(endpoint, request.pathParams)] }
  let sort = chooseSort(listing)
  for (const declared of declaredParams(endpoint)) {
    const param = declared.param
    if (param.role !== 'filter_groups' && param.role !== 'sorts') continue
    const value = rawValue(declared, inputs)
    if (value === undefined || value === null) continue
    if (param.role === 'filter_groups') {
      const groups = filterGroups(param, declared.name, value)
      if (groups.length > 0) query.anyOf = groups
    } else sort = searchSort(param, declared.name, value) ?? sort
  }
  if (style === 'incremental_export') sort = exportStart(listing, query)
  const needsOrder = style === 'cursor_token' || style === 'next_url' || style === 'link_header_cursor'
  query.sort = sort ?? (needsOrder ? { direction: 1 } : undefined)
  const table = endpoint.corpus ? corpus.tables.get(endpoint.corpus) : undefined
  const view = table ? table.view(query, endpoint.deleted ? 'tombstones' : 'live') : { length: 0, at: () => ({}) }
  const pageRequest: PageRequest = {
    endpoint,
    inputs,
    url: request.url,
    sort: query.sort ?? { direction: 1 },
    primaryKey: table?.settings.primaryKey ?? [],
    takeDuplicate: request.takeDuplicate,
    linkToken,
  }
  const page = paginate(style, view, pageRequest)
  const headers = { ...(response.headers ?? {}), ...page.headers }
  return encodePage(endpoint, 200, wrap(endpoint, page, view.length), page.records, headers)
}

/** `incremental_export`: the `since` param is required; it filters from its instant and sorts by its field. */
function exportStart(request: EndpointRequest, query: Query): SortSpec {
  const { declared, value } = roleValue(request.endpoint, request.inputs, 'since')!
  const since = declared.param as { field: string; format?: 'seconds' | 'millis' }
  if (value === undefined) throw new BadRequest(`${declared.name} is required: the export starts at that time`)
  if (!/^\d+$/.test(value.trim()))
    throw new BadRequest(
      `${declared.name} must be an epoch time in ${since.format ?? 'seconds'}, got ${JSON.stringify(value)}`,
    )
  query.filters.push({ field: since.field, op: 'gte', value, format: since.format ?? 'seconds' })
  return { field: since.field, direction: 1 }
}

/** default_sort, overridden by an allowed (or mapped) `sort_by` value and an allowed `sort_order` value. */
function chooseSort(request: EndpointRequest): SortSpec | undefined {
  const base = parseSort(request.endpoint.response?.default_sort)
  let field = base?.field
  let direction: 1 | -1 = base?.direction ?? 1
  for (const declared of declaredParams(request.endpoint)) {
    const param = declared.param
    if (param.role !== 'sort_by' && param.role !== 'sort_order') continue
    const value = textValue(declared, request.inputs)
    if (value === undefined) continue
    if (param.role === 'sort_by') field = sortField(param.options, value) ?? field
    else if ((param.options ?? ['asc', 'desc']).includes(value.toLowerCase() as 'asc' | 'desc'))
      direction = value.toLowerCase() === 'desc' ? -1 : 1
  }
  return field === undefined ? undefined : { field, direction }
}

/** The record field a `sort_by` value selects: any value without options, a listed one, or a mapped one. */
function sortField(options: string[] | Record<string, string> | undefined, value: string): string | undefined {
  if (options === undefined) return value
  if (Array.isArray(options)) return options.length === 0 || options.includes(value) ? value : undefined
  return Object.hasOwn(options, value) ? options[value] : undefined
}

/**
 * Step 7: `{<last key>: records, ...extras}` nested under the earlier dotted segments, plus
 * pagination fields, the total, the page's count and whether the stream ended.
 */
function wrap(endpoint: EndpointSpec, page: Page, total: number): unknown {
  const wrapper = endpoint.response?.wrapper
  if (!wrapper) return page.records
  const body = nestUnder(wrapper.records_key, {
    [lastKey(wrapper.records_key)]: page.records,
    ...(wrapper.extras ?? {}),
  })
  for (const [key, value] of Object.entries(page.bodyFields)) setPath(body, key, value)
  if (wrapper.total_key) setPath(body, wrapper.total_key, total)
  if (wrapper.count_key) setPath(body, wrapper.count_key, page.records.length)
  const endKey =
    wrapper.end_of_stream_key ??
    (endpoint.response?.pagination_style === 'incremental_export' ? 'end_of_stream' : undefined)
  if (endKey) setPath(body, endKey, !page.more)
  return body
}
