import type { FilterClause } from '../corpus/filter.ts'
import type { Corpus } from '../corpus/load-corpus.ts'
import type { Rec, SortSpec } from '../corpus/view.ts'
import { parseSort } from '../spec/validate-spec.ts'
import type { EndpointSpec, FilterOp } from '../types.ts'
import { nestUnder, setPath } from '../util/dotted.ts'
import { BadRequest, type PageRequest, paginate } from './paginate.ts'

/** A response ready to write. */
export interface Served {
  status: number
  headers: Record<string, string>
  body: string
}

/** A JSON response; the body is serialised once. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Served {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  }
}

export interface EndpointRequest {
  endpoint: EndpointSpec
  pathParams: Record<string, string>
  query: Record<string, string>
  url: URL
  corpus: Corpus
  takeDuplicate: () => boolean
}

/** Upstream §5.4 steps 2–8: single entity, or filter, sort, paginate and wrap a corpus table. */
export function serveEndpoint(request: EndpointRequest): Served {
  const { endpoint, corpus } = request
  const response = endpoint.response ?? {}
  const extraHeaders = response.headers ?? {}
  const filters = filterClauses(request)
  if (response.single_entity) {
    const single = corpus.singles.get(endpoint.corpus!)
    if (single) return json(200, single, extraHeaders)
    const table = corpus.tables.get(endpoint.corpus!)
    const view = table?.view({ filters }, 'live')
    if (!view || view.length === 0) return json(404, { error: 'not found', status: 404, path: request.url.pathname })
    return json(200, view.at(0), extraHeaders)
  }
  const table = endpoint.corpus ? corpus.tables.get(endpoint.corpus) : undefined
  const style = response.pagination_style ?? 'none'
  const declared = chooseSort(request)
  const needsOrder = style === 'cursor_token' || style === 'next_url'
  const sort: SortSpec | undefined = declared ?? (needsOrder ? { direction: 1 } : undefined)
  const view = table
    ? table.view({ filters, sort }, endpoint.deleted ? 'tombstones' : 'live')
    : { length: 0, at: () => ({}) }
  const pageRequest: PageRequest = {
    endpoint,
    query: request.query,
    url: request.url,
    sort: sort ?? { direction: 1 },
    primaryKey: table?.settings.primaryKey ?? [],
    takeDuplicate: request.takeDuplicate,
  }
  try {
    const page = paginate(style, view, pageRequest)
    return json(200, wrap(endpoint, page.records, page.bodyFields), { ...extraHeaders, ...page.headers })
  } catch (error) {
    if (error instanceof BadRequest) return json(400, { error: error.message, status: 400 })
    throw error
  }
}

function filterClauses(request: EndpointRequest): FilterClause[] {
  const clauses: FilterClause[] = []
  for (const [name, param] of Object.entries(request.endpoint.params ?? {})) {
    if (param.role !== 'filter') continue
    const value = request.query[name] ?? param.default
    if (value === undefined || param.match_all?.includes(value)) continue
    clauses.push({ field: param.field, op: param.op, value })
  }
  for (const [name, field] of Object.entries(request.endpoint.path_filters ?? {})) {
    const value = request.pathParams[name]
    if (value !== undefined) clauses.push({ field, op: 'eq' satisfies FilterOp, value })
  }
  return clauses
}

/** default_sort, overridden by an allowed (or mapped) `sort_by` value and an allowed `sort_order` value. */
function chooseSort(request: EndpointRequest): SortSpec | undefined {
  const base = parseSort(request.endpoint.response?.default_sort)
  let field = base?.field
  let direction: 1 | -1 = base?.direction ?? 1
  for (const [name, param] of Object.entries(request.endpoint.params ?? {})) {
    const value = request.query[name]
    if (value === undefined) continue
    if (param.role === 'sort_by') field = sortField(param.options, value) ?? field
    if (param.role === 'sort_order' && (param.options ?? ['asc', 'desc']).includes(value.toLowerCase()))
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

/** Step 7: `{<last key>: records, ...extras}` nested under the earlier dotted segments, plus pagination fields. */
function wrap(endpoint: EndpointSpec, records: Rec[], bodyFields: Record<string, unknown>): unknown {
  const wrapper = endpoint.response?.wrapper
  if (!wrapper) return records
  const steps = wrapper.records_key.split('.')
  const body = nestUnder(wrapper.records_key, { [steps[steps.length - 1]!]: records, ...(wrapper.extras ?? {}) })
  for (const [key, value] of Object.entries(bodyFields)) setPath(body, key, value)
  return body
}
