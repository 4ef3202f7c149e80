import { editDistance } from '@lakeflow/core/errors'
import type { EndpointSpec } from '../types.ts'

/** An endpoint compiled for matching. */
export interface CompiledEndpoint {
  index: number
  spec: EndpointSpec
  /** `METHOD path`, the endpoint's name in logs and coverage. */
  label: string
  pattern: RegExp
  names: string[]
}

export function compileEndpoints(endpoints: readonly EndpointSpec[]): CompiledEndpoint[] {
  return endpoints.map((spec, index) => {
    const names: string[] = []
    const source = spec.path
      .split(/(\{[^}]+\})/)
      .map((part) => {
        if (part.startsWith('{') && part.endsWith('}')) {
          names.push(part.slice(1, -1))
          return '([^/]+)'
        }
        return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      })
      .join('')
    return { index, spec, label: `${spec.method} ${spec.path}`, pattern: new RegExp(`^${source}$`), names }
  })
}

/** The first endpoint (file order) matching method and path, with its decoded path params. */
export function matchEndpoint(
  endpoints: readonly CompiledEndpoint[],
  method: string,
  path: string,
): { endpoint: CompiledEndpoint; params: Record<string, string> } | undefined {
  for (const endpoint of endpoints) {
    if (endpoint.spec.method !== method) continue
    const match = endpoint.pattern.exec(path)
    if (!match) continue
    const params: Record<string, string> = {}
    endpoint.names.forEach((name, position) => {
      params[name] = safeDecode(match[position + 1]!)
    })
    return { endpoint, params }
  }
  return undefined
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** Up to `count` endpoints closest to a request (edit distance over `METHOD path`), for 404 messages. */
export function closestEndpoints(
  endpoints: readonly CompiledEndpoint[],
  method: string,
  path: string,
  count = 3,
): string[] {
  const wanted = `${method} ${path}`
  return endpoints
    .map((endpoint) => ({ label: endpoint.label, distance: editDistance(wanted, comparable(endpoint, path)) }))
    .sort((left, right) => left.distance - right.distance)
    .slice(0, count)
    .map((entry) => entry.label)
}

/** The endpoint label with placeholders filled from the request where segment counts agree. */
function comparable(endpoint: CompiledEndpoint, path: string): string {
  const template = endpoint.spec.path.split('/')
  const actual = path.split('/')
  if (template.length !== actual.length) return endpoint.label
  const filled = template.map((part, index) => (part.startsWith('{') ? actual[index] : part)).join('/')
  return `${endpoint.spec.method} ${filled}`
}
