import type { EndpointSpec, SourceSpec } from '@lakeflow/simulator'

/** The endpoint serving a corpus (its records, or with `deleted` its tombstones). */
export function endpointFor(spec: SourceSpec | undefined, corpus: string, deleted = false): EndpointSpec | undefined {
  return spec?.endpoints.find(
    (endpoint) =>
      endpoint.corpus === corpus && Boolean(endpoint.deleted) === deleted && !endpoint.response?.single_entity,
  )
}

/** The default page size an endpoint serves, if it declares one. */
export function pageSizeOf(endpoint: EndpointSpec | undefined): number | undefined {
  for (const param of Object.values(endpoint?.params ?? {})) {
    if ((param.role === 'per_page' || param.role === 'limit') && param.default !== undefined) return param.default
  }
  return undefined
}

/** An anchored regular expression matching an endpoint's path (placeholders match one segment). */
export function pathPattern(endpoint: EndpointSpec): RegExp {
  const source = endpoint.path
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('')
  return new RegExp(`^${source}$`)
}
