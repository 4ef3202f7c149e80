import { isPlainObject } from '@lakeflow/core/internal'
import { Type } from '@lakeflow/core/options'
import { documentIssues, formatDocumentPath } from '@lakeflow/core/validate'
import type { TSchema } from 'typebox'
import type { SpecIssue } from '../errors.ts'
import type { EndpointSpec, ParamSpec, SourceSpec } from '../types.ts'
import { CorpusSchema, ParamSchema, ResponseSchema, SourceSpecSchema } from './spec-schema.ts'

const PLACEHOLDER = /\{([^}]*)\}/g
const PLACEHOLDER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const SORT_SPEC = /^\s*(\S+)(?:\s+(asc|desc))?\s*$/i
/** Roles an endpoint declares at most once, counting its query and body params together. */
const SINGLE_ROLES = new Set(['since', 'sort_by', 'sort_order', 'page', 'per_page', 'offset', 'limit', 'cursor'])
/** Styles that put the next page in the body, so they need a wrapper. */
const BODY_STYLES = new Set(['page_number_in_body', 'cursor_token', 'next_url', 'incremental_export'])
/** Styles whose next page is a URL, which cannot carry a request body. */
const URL_STYLES = new Set(['page_number_with_link_header', 'next_url', 'link_header_cursor', 'incremental_export'])
const PAGING_ROLES = new Set(['page', 'per_page', 'offset', 'limit', 'cursor'])

/** A checked spec, every problem found, and what only lenient loading accepts. */
export interface CheckedSpec {
  spec: SourceSpec
  issues: SpecIssue[]
  /** Problems `lenient` loading tolerates (shadowed endpoints); errors otherwise. */
  tolerable: SpecIssue[]
}

/** Path placeholders of an endpoint path, in order. */
export function placeholders(path: string): string[] {
  return [...path.matchAll(PLACEHOLDER)].map((match) => match[1]!)
}

/** `METHOD path` of a raw endpoint entry, with `?` for a missing part. */
function labelOf(entry: unknown): string | undefined {
  if (!isPlainObject(entry)) return undefined
  const method = typeof entry.method === 'string' ? entry.method : '?'
  const path = typeof entry.path === 'string' ? entry.path : '?'
  return `${method} ${path}`
}

/**
 * Checks a parsed spec: its shape against the spec schema (every key, type and choice), then
 * the rules that tie keys together (placeholders, one param per role, what each pagination
 * style needs, duplicates). Methods are upper-cased first. Issues name the endpoint.
 */
export function checkSpec(raw: unknown): CheckedSpec {
  const document = normalise(raw)
  const endpoints = isPlainObject(document) && Array.isArray(document.endpoints) ? document.endpoints : []
  const issues: SpecIssue[] = documentIssues(SourceSpecSchema, document).map((issue) => {
    const [first, index] = issue.segments
    const label = first === 'endpoints' && typeof index === 'number' ? labelOf(endpoints[index]) : undefined
    return label
      ? { path: issue.path, endpoint: label, message: issue.message }
      : { path: issue.path, message: issue.message }
  })
  const tolerable: SpecIssue[] = []
  const spec = document as SourceSpec
  const seen = new Map<string, number>()
  endpoints.forEach((entry, index) => {
    // The rules below read an endpoint's keys as the schema types them: skip what is too broken.
    const endpoint = wellFormed(entry)
    if (!endpoint) return
    const label = `${endpoint.method} ${endpoint.path}`
    const issue: Report = (key, message) =>
      issues.push({ path: formatDocumentPath(['endpoints', index, ...key]), endpoint: label, message })
    checkEndpoint(endpoint, issue)
    const first = seen.get(label)
    if (first === undefined) seen.set(label, index)
    else
      tolerable.push({
        path: `endpoints[${index}]`,
        endpoint: label,
        message: `duplicate of endpoints[${first}]; the first matching endpoint always wins, so this one is never used`,
      })
  })
  if (isPlainObject(document) && isPlainObject(document.corpora) && fits(CorporaSchema, document.corpora))
    checkTouches(spec, issues)
  return { spec, issues, tolerable }
}

const CorporaSchema = Type.Record(Type.String(), CorpusSchema)
const fits = (schema: TSchema, value: unknown) => documentIssues(schema, value).length === 0

/**
 * The endpoint with its valid params only, when its path, method and containers are
 * well formed (so the rules between keys can run beside the schema's own issues).
 */
function wellFormed(entry: unknown): EndpointSpec | undefined {
  if (!isPlainObject(entry) || typeof entry.path !== 'string' || typeof entry.method !== 'string') return undefined
  if (entry.response !== undefined && !fits(ResponseSchema, entry.response)) return undefined
  for (const key of ['params', 'body', 'path_filters'] as const)
    if (entry[key] !== undefined && !isPlainObject(entry[key])) return undefined
  const valid = (params: unknown) =>
    params === undefined
      ? undefined
      : Object.fromEntries(
          Object.entries(params as Record<string, unknown>).filter(([, param]) => fits(ParamSchema, param)),
        )
  return { ...entry, params: valid(entry.params), body: valid(entry.body) } as EndpointSpec
}

/** Upper-cases methods, so `get` and `GET` are one method. */
function normalise(raw: unknown): unknown {
  if (!isPlainObject(raw) || !Array.isArray(raw.endpoints)) return raw
  return {
    ...raw,
    endpoints: raw.endpoints.map((entry) =>
      isPlainObject(entry) && typeof entry.method === 'string'
        ? { ...entry, method: entry.method.toUpperCase() }
        : entry,
    ),
  }
}

/** Reports an issue at key segments under the endpoint. */
type Report = (key: readonly string[], message: string) => void

function checkEndpoint(endpoint: EndpointSpec, issue: Report): void {
  const names = placeholders(endpoint.path)
  for (const name of names) {
    if (!PLACEHOLDER_NAME.test(name)) issue(['path'], `placeholder "{${name}}" is not a name (letters, digits, _)`)
  }
  if (/[{}]/.test(endpoint.path.replace(PLACEHOLDER, '')))
    issue(['path'], `unbalanced "{" or "}" in "${endpoint.path}"`)
  const twice = names.find((name, index) => names.indexOf(name) !== index)
  if (twice !== undefined) issue(['path'], `placeholder "{${twice}}" appears twice`)
  for (const name of Object.keys(endpoint.path_filters ?? {})) {
    if (!names.includes(name))
      issue(
        ['path_filters', name],
        `"${name}" is not a placeholder of the path; placeholders: ${names.join(', ') || '(none)'}`,
      )
  }
  const declared = [
    ...Object.entries(endpoint.params ?? {}).map(([name, param]) => ({
      key: ['params', name],
      name,
      param,
      body: false,
    })),
    ...Object.entries(endpoint.body ?? {}).map(([name, param]) => ({ key: ['body', name], name, param, body: true })),
  ]
  const firstOfRole = new Map<string, string>()
  for (const { key, name, param, body } of declared) {
    if (SINGLE_ROLES.has(param.role)) {
      const first = firstOfRole.get(param.role)
      if (first !== undefined)
        issue(key, `a second ${param.role} param (the first is "${first}"); at most one per endpoint`)
      else firstOfRole.set(param.role, name)
    }
    checkParam(endpoint, param, body, (inner, message) => issue([...key, ...inner], message))
  }
  checkResponse(endpoint, (role) => firstOfRole.has(role), issue)
}

function checkParam(endpoint: EndpointSpec, param: ParamSpec, body: boolean, issue: Report): void {
  const style = endpoint.response?.pagination_style ?? 'none'
  if ((param.role === 'per_page' || param.role === 'limit') && param.default !== undefined && param.max !== undefined)
    if (param.default > param.max) issue(['default'], `default ${param.default} is larger than max ${param.max}`)
  if (!body && (param.role === 'filter_groups' || param.role === 'sorts'))
    issue(['role'], `role ${param.role} reads a JSON request body; declare it under body instead of params`)
  if (body && param.role === 'since')
    issue(['role'], 'role since is the position of an incremental export, sent in the query; declare it under params')
  if (param.role === 'since' && style !== 'incremental_export')
    issue(['role'], `role since drives pagination_style incremental_export, not ${style}`)
  if (body && PAGING_ROLES.has(param.role) && URL_STYLES.has(style))
    issue(
      [],
      `pagination_style ${style} hands out next-page URLs, which cannot carry a request body; declare the ${param.role} param under params`,
    )
}

function checkResponse(endpoint: EndpointSpec, hasRole: (role: string) => boolean, issue: Report): void {
  const response = endpoint.response ?? {}
  const style = response.pagination_style ?? 'none'
  const format = response.format ?? 'json'
  if ((style === 'cursor_token' || style === 'link_header_cursor') && !hasRole('cursor'))
    issue(['params'], `pagination_style ${style} needs a param with role "cursor" (the token the client sends back)`)
  if (style === 'incremental_export' && !hasRole('since'))
    issue(['params'], 'pagination_style incremental_export needs a query param with role "since" (the export position)')
  if (BODY_STYLES.has(style) && !response.wrapper)
    issue(
      ['response', 'wrapper'],
      `pagination_style ${style} puts the next page in the body, so it needs a wrapper with records_key`,
    )
  if (response.single_entity && style !== 'none')
    issue(['response', 'pagination_style'], `a single_entity endpoint cannot paginate; got ${style}`)
  if (endpoint.deleted && endpoint.corpus === undefined) issue(['corpus'], 'a deleted endpoint needs a corpus')
  if (endpoint.deleted && response.single_entity) issue(['deleted'], 'a deleted endpoint cannot be single_entity')
  if (endpoint.synthesize_future_records && endpoint.corpus === undefined)
    issue(['synthesize_future_records'], 'needs a corpus to synthesize records into')
  if (format !== 'json' && response.wrapper)
    issue(
      ['response', 'wrapper'],
      `a ${format} body is the records themselves, one per ${format === 'csv' ? 'row' : 'line'}; a wrapper needs format json`,
    )
  if (response.csv && format !== 'csv') issue(['response', 'csv'], `csv settings need format csv, got ${format}`)
  if (response.archive?.data_descriptor !== undefined && response.archive.type !== 'zip')
    issue(['response', 'archive', 'data_descriptor'], 'data descriptors exist only in zip archives')
}

/** `touches` rules name a declared corpus that has a cursor field. */
function checkTouches(spec: SourceSpec, issues: SpecIssue[]): void {
  const corpora = spec.corpora ?? {}
  for (const [name, corpus] of Object.entries(corpora)) {
    corpus.touches?.forEach((rule, index) => {
      const path = `corpora.${name}.touches[${index}].corpus`
      const target = corpora[rule.corpus]
      if (!target)
        issues.push({
          path,
          message: `"${rule.corpus}" is not declared under corpora; declared: ${Object.keys(corpora).join(', ')}`,
        })
      else if (!target.cursor_field)
        issues.push({
          path,
          message: `corpora.${rule.corpus} has no cursor_field, so touching its records changes nothing`,
        })
    })
  }
}

/** Parses `default_sort`: `"field"` or `"field asc|desc"`. */
export function parseSort(text: string | undefined): { field: string; direction: 1 | -1 } | undefined {
  if (!text) return undefined
  const match = SORT_SPEC.exec(text)
  if (!match) return undefined
  return { field: match[1]!, direction: match[2]?.toLowerCase() === 'desc' ? -1 : 1 }
}
