import type { SpecIssue } from '../errors.ts'
import type { CorpusSpec, EndpointSpec, FilterOp, PaginationStyle, ParamSpec, SourceSpec } from '../types.ts'

const FILTER_OPS: readonly FilterOp[] = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'contains', 'starts_with']
const PAGINATION_STYLES: readonly PaginationStyle[] = [
  'none',
  'page_number',
  'page_number_with_link_header',
  'page_number_in_body',
  'offset_limit',
  'cursor_token',
  'next_url',
]
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']
const TOP_KEYS = ['endpoints', 'corpora']
const ENDPOINT_KEYS = [
  'path',
  'method',
  'corpus',
  'response',
  'params',
  'path_filters',
  'deleted',
  'auth',
  'strict_params',
  'synthesize_future_records',
]
const RESPONSE_KEYS = [
  'pagination_style',
  'default_sort',
  'single_entity',
  'wrapper',
  'headers',
  'expected_status_codes',
]
const WRAPPER_KEYS = ['records_key', 'extras', 'ignore_extra_keys', 'next_page_key', 'next_cursor_key', 'next_url_key']
const ROLE_KEYS: Record<ParamSpec['role'], string[]> = {
  filter: ['role', 'field', 'op', 'match_all', 'default'],
  sort_by: ['role', 'options'],
  sort_order: ['role', 'options'],
  page: ['role'],
  per_page: ['role', 'default', 'max'],
  offset: ['role'],
  limit: ['role', 'default', 'max'],
  cursor: ['role'],
  ignore: ['role'],
}
const SINGLE_ROLES = new Set(['sort_by', 'sort_order', 'page', 'per_page', 'offset', 'limit', 'cursor'])
const CORPUS_KEYS = ['primary_key', 'cursor_field', 'cursor_format', 'tombstone_fields', 'touches']
const CURSOR_FORMATS = ['iso', 'iso_millis', 'seconds', 'millis']
const PLACEHOLDER = /\{([^}]*)\}/g
const PLACEHOLDER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const SORT_SPEC = /^\s*([^\s]+)(?:\s+(asc|desc))?\s*$/i

/** Shortened JSON for messages. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing'
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)

/** Path placeholders of an endpoint path, in order. */
function placeholders(path: string): string[] {
  return [...path.matchAll(PLACEHOLDER)].map((match) => match[1]!)
}

/** Validates a parsed spec, returning a normalised copy (methods upper-cased) and every issue found. */
export function validateSpec(raw: unknown): { spec: SourceSpec; issues: SpecIssue[] } {
  const issues: SpecIssue[] = []
  if (!isObject(raw)) {
    issues.push({
      path: '',
      message: `expected a mapping with an "endpoints" list at the top level, got ${describe(raw)}`,
    })
    return { spec: { endpoints: [] }, issues }
  }
  checkKeys(raw, TOP_KEYS, '', undefined, issues)
  const endpoints: EndpointSpec[] = []
  if (!Array.isArray(raw.endpoints)) {
    issues.push({ path: 'endpoints', message: `expected a list of endpoints, got ${describe(raw.endpoints)}` })
  } else {
    const seen = new Map<string, number>()
    raw.endpoints.forEach((entry, index) => {
      const endpoint = validateEndpoint(entry, index, issues)
      if (!endpoint) return
      const label = `${endpoint.method} ${endpoint.path}`
      const first = seen.get(label)
      if (first !== undefined) {
        issues.push({
          path: `endpoints[${index}]`,
          endpoint: label,
          message: `duplicate of endpoints[${first}]; the first matching endpoint always wins, so this one is never used`,
        })
      } else seen.set(label, index)
      endpoints.push(endpoint)
    })
  }
  const corpora: Record<string, CorpusSpec> = {}
  if (raw.corpora !== undefined) {
    if (!isObject(raw.corpora))
      issues.push({ path: 'corpora', message: `expected a mapping, got ${describe(raw.corpora)}` })
    else for (const [name, entry] of Object.entries(raw.corpora)) validateCorpus(name, entry, corpora, issues)
    validateTouches(corpora, issues)
  }
  return { spec: { endpoints, corpora }, issues }
}

function checkKeys(
  value: Record<string, unknown>,
  allowed: string[],
  path: string,
  endpoint: string | undefined,
  issues: SpecIssue[],
): void {
  for (const key of Object.keys(value)) {
    if (allowed.includes(key)) continue
    const hint =
      key === 'handler'
        ? 'custom handlers are not supported; describe the endpoint with params and response instead'
        : `expected one of ${allowed.join(', ')}`
    issues.push({ path: path ? `${path}.${key}` : key, endpoint, message: `unknown key "${key}"; ${hint}` })
  }
}

function validateEndpoint(entry: unknown, index: number, issues: SpecIssue[]): EndpointSpec | undefined {
  const base = `endpoints[${index}]`
  if (!isObject(entry)) {
    issues.push({ path: base, message: `expected a mapping with path and method, got ${describe(entry)}` })
    return undefined
  }
  const method = typeof entry.method === 'string' ? entry.method.toUpperCase() : undefined
  const path = typeof entry.path === 'string' ? entry.path : undefined
  const label = `${method ?? '?'} ${path ?? '?'}`
  const issue = (key: string, message: string) => issues.push({ path: `${base}.${key}`, endpoint: label, message })
  checkKeys(entry, ENDPOINT_KEYS, base, label, issues)

  if (path === undefined) issue('path', `expected a URL path such as "/v1/items", got ${describe(entry.path)}`)
  else validatePath(path, issue)
  if (method === undefined) issue('method', `expected an HTTP method such as "GET", got ${describe(entry.method)}`)
  else if (!METHODS.includes(method))
    issue('method', `unknown method "${entry.method}"; expected one of ${METHODS.join(', ')}`)
  if (entry.corpus !== undefined && (typeof entry.corpus !== 'string' || entry.corpus === ''))
    issue('corpus', `expected a corpus table name, got ${describe(entry.corpus)}`)
  for (const key of ['deleted', 'strict_params'] as const) {
    if (entry[key] !== undefined && typeof entry[key] !== 'boolean')
      issue(key, `expected true or false, got ${describe(entry[key])}`)
  }

  const response = validateResponse(entry.response, issue)
  const params = validateParams(entry.params, issue)
  const style = response.pagination_style ?? 'none'
  if (style === 'cursor_token' && !Object.values(params).some((param) => param.role === 'cursor'))
    issue(
      'params',
      'pagination_style cursor_token needs a query param with role "cursor" (the token the client sends back)',
    )
  if (['page_number_in_body', 'cursor_token', 'next_url'].includes(style) && !response.wrapper)
    issue(
      'response.wrapper',
      `pagination_style ${style} puts the next page in the body, so it needs a wrapper with records_key`,
    )
  if (response.single_entity && style !== 'none')
    issue('response.pagination_style', `a single_entity endpoint cannot paginate; got ${style}`)
  if ((entry.deleted === true || response.single_entity) && entry.corpus === undefined)
    issue('corpus', `${entry.deleted === true ? 'a deleted' : 'a single_entity'} endpoint needs a corpus`)
  if (entry.deleted === true && response.single_entity) issue('deleted', 'a deleted endpoint cannot be single_entity')

  const endpoint: EndpointSpec = { path: path ?? '', method: method ?? 'GET', response, params }
  if (typeof entry.corpus === 'string') endpoint.corpus = entry.corpus
  if (entry.deleted === true) endpoint.deleted = true
  if (entry.strict_params === true) endpoint.strict_params = true
  if (entry.path_filters !== undefined) {
    const names = path ? placeholders(path) : []
    const filters = stringMap(entry.path_filters, 'path_filters', issue)
    for (const name of Object.keys(filters)) {
      if (!names.includes(name))
        issue(
          `path_filters.${name}`,
          `"${name}" is not a placeholder of the path; placeholders: ${names.join(', ') || '(none)'}`,
        )
    }
    endpoint.path_filters = filters
  }
  if (entry.auth !== undefined) {
    if (!isObject(entry.auth))
      issue('auth', `expected a mapping with header (and optional prefix, value), got ${describe(entry.auth)}`)
    else {
      checkKeys(entry.auth, ['header', 'value', 'prefix'], `${base}.auth`, label, issues)
      if (typeof entry.auth.header !== 'string' || entry.auth.header === '')
        issue('auth.header', `expected a header name such as "Authorization", got ${describe(entry.auth.header)}`)
      for (const key of ['value', 'prefix'] as const) {
        if (entry.auth[key] !== undefined && typeof entry.auth[key] !== 'string')
          issue(`auth.${key}`, `expected a string, got ${describe(entry.auth[key])}`)
      }
      endpoint.auth = entry.auth as EndpointSpec['auth']
    }
  }
  const synthesis = entry.synthesize_future_records
  if (synthesis !== undefined) {
    if (!isObject(synthesis))
      issue('synthesize_future_records', `expected {cursor_field, count}, got ${describe(synthesis)}`)
    else {
      checkKeys(synthesis, ['cursor_field', 'count'], `${base}.synthesize_future_records`, label, issues)
      if (typeof synthesis.cursor_field !== 'string' || synthesis.cursor_field === '')
        issue(
          'synthesize_future_records.cursor_field',
          `expected a dotted field name, got ${describe(synthesis.cursor_field)}`,
        )
      if (synthesis.count !== undefined && !isPositiveInteger(synthesis.count))
        issue('synthesize_future_records.count', `expected a positive integer, got ${describe(synthesis.count)}`)
      endpoint.synthesize_future_records = synthesis as EndpointSpec['synthesize_future_records']
    }
    if (entry.corpus === undefined) issue('synthesize_future_records', 'needs a corpus to synthesize records into')
  }
  return endpoint
}

function validatePath(path: string, issue: (key: string, message: string) => void): void {
  if (!path.startsWith('/')) issue('path', `expected a path starting with "/", got ${describe(path)}`)
  const names = placeholders(path)
  for (const name of names) {
    if (!PLACEHOLDER_NAME.test(name)) issue('path', `placeholder "{${name}}" is not a name (letters, digits, _)`)
  }
  if (path.replace(PLACEHOLDER, '').match(/[{}]/)) issue('path', `unbalanced "{" or "}" in ${describe(path)}`)
  const duplicates = names.filter((name, index) => names.indexOf(name) !== index)
  if (duplicates.length > 0) issue('path', `placeholder "{${duplicates[0]}}" appears twice`)
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0
}

function stringMap(value: unknown, key: string, issue: (key: string, message: string) => void): Record<string, string> {
  if (!isObject(value)) {
    issue(key, `expected a mapping of strings, got ${describe(value)}`)
    return {}
  }
  const result: Record<string, string> = {}
  for (const [name, entry] of Object.entries(value)) {
    if (typeof entry === 'string' && entry !== '') result[name] = entry
    else issue(`${key}.${name}`, `expected a non-empty string, got ${describe(entry)}`)
  }
  return result
}

function validateResponse(
  raw: unknown,
  issue: (key: string, message: string) => void,
): NonNullable<EndpointSpec['response']> {
  if (raw === undefined) return {}
  if (!isObject(raw)) {
    issue('response', `expected a mapping, got ${describe(raw)}`)
    return {}
  }
  for (const key of Object.keys(raw)) {
    if (!RESPONSE_KEYS.includes(key))
      issue(`response.${key}`, `unknown key "${key}"; expected one of ${RESPONSE_KEYS.join(', ')}`)
  }
  const style = raw.pagination_style
  if (style !== undefined && !PAGINATION_STYLES.includes(style as PaginationStyle))
    issue(
      'response.pagination_style',
      `unknown pagination_style ${describe(style)}; expected one of ${PAGINATION_STYLES.join(', ')}`,
    )
  if (raw.default_sort !== undefined && (typeof raw.default_sort !== 'string' || !SORT_SPEC.test(raw.default_sort)))
    issue('response.default_sort', `expected "field" or "field asc|desc", got ${describe(raw.default_sort)}`)
  if (raw.single_entity !== undefined && typeof raw.single_entity !== 'boolean')
    issue('response.single_entity', `expected true or false, got ${describe(raw.single_entity)}`)
  if (raw.headers !== undefined) stringMap(raw.headers, 'response.headers', issue)
  const codes = raw.expected_status_codes
  if (codes !== undefined && !(Array.isArray(codes) && codes.every((code) => Number.isInteger(code))))
    issue('response.expected_status_codes', `expected a list of status codes, got ${describe(codes)}`)
  const wrapper = raw.wrapper
  if (wrapper !== undefined) {
    if (!isObject(wrapper)) issue('response.wrapper', `expected a mapping with records_key, got ${describe(wrapper)}`)
    else {
      for (const key of Object.keys(wrapper)) {
        if (!WRAPPER_KEYS.includes(key))
          issue(`response.wrapper.${key}`, `unknown key "${key}"; expected one of ${WRAPPER_KEYS.join(', ')}`)
      }
      if (typeof wrapper.records_key !== 'string' || wrapper.records_key === '')
        issue(
          'response.wrapper.records_key',
          `expected a dotted key such as "data.items", got ${describe(wrapper.records_key)}`,
        )
      if (wrapper.extras !== undefined && !isObject(wrapper.extras))
        issue('response.wrapper.extras', `expected a mapping, got ${describe(wrapper.extras)}`)
      if (wrapper.ignore_extra_keys !== undefined && typeof wrapper.ignore_extra_keys !== 'boolean')
        issue(
          'response.wrapper.ignore_extra_keys',
          `expected true or false, got ${describe(wrapper.ignore_extra_keys)}`,
        )
      for (const key of ['next_page_key', 'next_cursor_key', 'next_url_key']) {
        if (wrapper[key] !== undefined && (typeof wrapper[key] !== 'string' || wrapper[key] === ''))
          issue(`response.wrapper.${key}`, `expected a dotted key, got ${describe(wrapper[key])}`)
      }
    }
  }
  return raw as NonNullable<EndpointSpec['response']>
}

function validateParams(raw: unknown, issue: (key: string, message: string) => void): Record<string, ParamSpec> {
  if (raw === undefined) return {}
  if (!isObject(raw)) {
    issue('params', `expected a mapping of query param name to {role, ...}, got ${describe(raw)}`)
    return {}
  }
  const roles = Object.keys(ROLE_KEYS)
  const firstOfRole = new Map<string, string>()
  const params: Record<string, ParamSpec> = {}
  for (const [name, param] of Object.entries(raw)) {
    const at = `params.${name}`
    if (!isObject(param)) {
      issue(at, `expected a mapping with a role, got ${describe(param)}`)
      continue
    }
    const role = param.role
    if (typeof role !== 'string' || !roles.includes(role)) {
      issue(`${at}.role`, `unknown role ${describe(role)}; expected one of ${roles.join(', ')}`)
      continue
    }
    for (const key of Object.keys(param)) {
      const allowed = ROLE_KEYS[role as ParamSpec['role']]
      if (!allowed.includes(key))
        issue(`${at}.${key}`, `unknown key "${key}" for role ${role}; expected one of ${allowed.join(', ')}`)
    }
    if (SINGLE_ROLES.has(role)) {
      const first = firstOfRole.get(role)
      if (first !== undefined) issue(at, `a second ${role} param (the first is "${first}"); at most one per endpoint`)
      else firstOfRole.set(role, name)
    }
    if (role === 'filter') {
      if (typeof param.field !== 'string' || param.field === '')
        issue(`${at}.field`, `expected the dotted record field to filter on, got ${describe(param.field)}`)
      if (!FILTER_OPS.includes(param.op as FilterOp))
        issue(`${at}.op`, `unknown op ${describe(param.op)}; expected one of ${FILTER_OPS.join(', ')}`)
      const matchAll = param.match_all
      if (
        matchAll !== undefined &&
        !(Array.isArray(matchAll) && matchAll.length > 0 && matchAll.every((value) => typeof value === 'string'))
      )
        issue(`${at}.match_all`, `expected a non-empty list of strings such as [all], got ${describe(matchAll)}`)
      if (param.default !== undefined && typeof param.default !== 'string')
        issue(
          `${at}.default`,
          `expected a string (the value used when the param is absent), got ${describe(param.default)}`,
        )
    }
    if (role === 'per_page' || role === 'limit') {
      for (const key of ['default', 'max'] as const) {
        if (param[key] !== undefined && !isPositiveInteger(param[key]))
          issue(`${at}.${key}`, `expected a positive integer, got ${describe(param[key])}`)
      }
      if (isPositiveInteger(param.default) && isPositiveInteger(param.max) && param.default > param.max)
        issue(`${at}.default`, `default ${param.default} is larger than max ${param.max}`)
    }
    if (role === 'sort_by' && isObject(param.options)) {
      for (const [value, field] of Object.entries(param.options)) {
        if (typeof field !== 'string' || field === '')
          issue(
            `${at}.options.${value}`,
            `expected the dotted record field "${value}" sorts by, got ${describe(field)}`,
          )
      }
    } else if (role === 'sort_by' || role === 'sort_order') {
      const options = param.options
      const map = role === 'sort_by' ? ' or a mapping of value to record field' : ''
      if (options !== undefined && !(Array.isArray(options) && options.every((option) => typeof option === 'string')))
        issue(`${at}.options`, `expected a list of strings${map}, got ${describe(options)}`)
      else if (role === 'sort_order' && Array.isArray(options)) {
        const bad = options.find((option) => option !== 'asc' && option !== 'desc')
        if (bad !== undefined) issue(`${at}.options`, `unknown sort order "${bad}"; expected asc or desc`)
      }
    }
    params[name] = param as unknown as ParamSpec
  }
  return params
}

function validateCorpus(name: string, raw: unknown, corpora: Record<string, CorpusSpec>, issues: SpecIssue[]): void {
  const at = `corpora.${name}`
  const issue = (key: string, message: string) => issues.push({ path: `${at}${key ? `.${key}` : ''}`, message })
  if (!isObject(raw)) {
    issue('', `expected a mapping with primary_key, got ${describe(raw)}`)
    return
  }
  checkKeys(raw, CORPUS_KEYS, at, undefined, issues)
  const key = raw.primary_key
  if (!(Array.isArray(key) && key.length > 0 && key.every((field) => typeof field === 'string' && field !== '')))
    issue('primary_key', `expected a non-empty list of dotted field names, got ${describe(key)}`)
  if (raw.cursor_field !== undefined && (typeof raw.cursor_field !== 'string' || raw.cursor_field === ''))
    issue('cursor_field', `expected a dotted field name, got ${describe(raw.cursor_field)}`)
  if (raw.cursor_format !== undefined && !CURSOR_FORMATS.includes(raw.cursor_format as string))
    issue(
      'cursor_format',
      `unknown cursor_format ${describe(raw.cursor_format)}; expected one of ${CURSOR_FORMATS.join(', ')}`,
    )
  const fields = raw.tombstone_fields
  if (fields !== undefined && !(Array.isArray(fields) && fields.every((field) => typeof field === 'string')))
    issue('tombstone_fields', `expected a list of dotted field names, got ${describe(fields)}`)
  corpora[name] = raw as unknown as CorpusSpec
}

/** `touches` rules: a list of `{corpus, match}` naming a declared corpus with a cursor field. */
function validateTouches(corpora: Record<string, CorpusSpec>, issues: SpecIssue[]): void {
  for (const [name, corpus] of Object.entries(corpora)) {
    const rules: unknown = corpus.touches
    if (rules === undefined) continue
    const at = `corpora.${name}.touches`
    if (!Array.isArray(rules)) {
      issues.push({ path: at, message: `expected a list of {corpus, match}, got ${describe(rules)}` })
      continue
    }
    rules.forEach((rule: unknown, index) => {
      const where = `${at}[${index}]`
      if (!isObject(rule)) {
        issues.push({ path: where, message: `expected {corpus, match}, got ${describe(rule)}` })
        return
      }
      checkKeys(rule, ['corpus', 'match'], where, undefined, issues)
      const target = typeof rule.corpus === 'string' ? corpora[rule.corpus] : undefined
      if (typeof rule.corpus !== 'string' || rule.corpus === '')
        issues.push({ path: `${where}.corpus`, message: `expected a corpus name, got ${describe(rule.corpus)}` })
      else if (!target)
        issues.push({
          path: `${where}.corpus`,
          message: `"${rule.corpus}" is not declared under corpora; declared: ${Object.keys(corpora).join(', ')}`,
        })
      else if (!target.cursor_field)
        issues.push({
          path: `${where}.corpus`,
          message: `corpora.${rule.corpus} has no cursor_field, so touching its records changes nothing`,
        })
      const match = rule.match
      if (
        !isObject(match) ||
        Object.keys(match).length === 0 ||
        !Object.values(match).every((field) => typeof field === 'string' && field !== '')
      )
        issues.push({
          path: `${where}.match`,
          message: `expected a mapping of ${rule.corpus ?? 'target'} field to a field of ${name}, such as {number: pull_number}, got ${describe(match)}`,
        })
    })
  }
}

/** Parses `default_sort`. */
export function parseSort(text: string | undefined): { field: string; direction: 1 | -1 } | undefined {
  if (!text) return undefined
  const match = SORT_SPEC.exec(text)
  if (!match) return undefined
  return { field: match[1]!, direction: match[2]?.toLowerCase() === 'desc' ? -1 : 1 }
}
