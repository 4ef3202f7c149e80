import type { ResponseMeta } from './types.ts'

/**
 * Where a value is in a body: a dotted path (`data.items`, `''` for the body itself), an
 * array of exact keys (`['@odata.nextLink']`), or a function of the body and response.
 * A dotted path prefers the longest literal key at each level, so `@odata.nextLink` and
 * `meta.@odata.count` find keys that contain a dot.
 */
export type Selector<Body = unknown, Value = unknown> =
  | string
  | readonly string[]
  | ((body: Body, response: ResponseMeta) => Value)

/**
 * Follows a path into a value. A string is split on dots, but at each level the longest
 * run of segments that is itself a key wins (`a.b.c` finds `{"a.b": {"c": 1}}`); an array
 * names exact keys. `''` and `[]` return the value itself; a missing key gives `undefined`.
 * @example selectPath({ '@odata.nextLink': 'https://...' }, '@odata.nextLink') // 'https://...'
 */
export function selectPath(value: unknown, path: string | readonly string[]): unknown {
  if (typeof path !== 'string') {
    let current = value
    for (const key of path) current = child(current, key)
    return current
  }
  if (path === '') return value
  if (!path.includes('.')) return child(value, path)
  const segments = path.split('.')
  let current = value
  let start = 0
  while (start < segments.length) {
    if (typeof current !== 'object' || current === null) return undefined
    let end = segments.length
    while (end > start + 1 && !Object.hasOwn(current, segments.slice(start, end).join('.'))) end--
    current = (current as Record<string, unknown>)[segments.slice(start, end).join('.')]
    start = end
  }
  return current
}

function child(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined
}

/** Applies a {@link Selector} to a body. */
export function select<Body, Value>(selector: Selector<Body, Value>, body: Body, response: ResponseMeta): unknown {
  return typeof selector === 'function' ? selector(body, response) : selectPath(body, selector)
}

/** A selector as text for messages: ` at "data.items"`, or `''` for a function. */
export function describeSelector(selector: Selector<never, unknown>): string {
  if (typeof selector === 'function') return ''
  return typeof selector === 'string' ? ` at "${selector}"` : ` at ${JSON.stringify(selector)}`
}
