/**
 * Dotted paths (`user.login`, `data.items`). A key that itself contains a dot is written with
 * the dot escaped: `@odata\.nextLink` is the one key `@odata.nextLink` (in YAML, inside single
 * quotes or unquoted).
 */

const split = new Map<string, readonly string[]>()

/** The keys of a dotted path, `\.` read as a literal dot. Cached: specs use few distinct paths. */
export function pathKeys(path: string): readonly string[] {
  let keys = split.get(path)
  if (keys === undefined) {
    keys = path.includes('\\') ? path.split(/(?<!\\)\./).map((key) => key.replaceAll('\\.', '.')) : path.split('.')
    if (split.size < 10_000) split.set(path, keys)
  }
  return keys
}

/** Reads a dotted path (`user.login`); a missing step gives `undefined`. */
export function getPath(record: unknown, path: string): unknown {
  if (!path.includes('.')) {
    return record !== null && typeof record === 'object' ? (record as Record<string, unknown>)[path] : undefined
  }
  let current: unknown = record
  for (const step of pathKeys(path)) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string, unknown>)[step]
  }
  return current
}

/** Writes a dotted path, creating (or replacing non-object) intermediate steps. Mutates `record`. */
export function setPath(record: Record<string, unknown>, path: string, value: unknown): void {
  const steps = pathKeys(path)
  let current = record
  for (const step of steps.slice(0, -1)) {
    const next = current[step]
    if (next === null || typeof next !== 'object' || Array.isArray(next)) {
      const created: Record<string, unknown> = {}
      current[step] = created
      current = created
    } else {
      current = next as Record<string, unknown>
    }
  }
  current[steps[steps.length - 1]!] = value
}

/** The last key of a dotted path (`items` for `data.items`, `@odata.count` for `@odata\.count`). */
export function lastKey(path: string): string {
  const keys = pathKeys(path)
  return keys[keys.length - 1]!
}

/** Builds `{a: {b: value}}` for `a.b`. */
export function nestUnder(path: string, value: Record<string, unknown>): Record<string, unknown> {
  const steps = pathKeys(path)
  let result = value
  for (let index = steps.length - 2; index >= 0; index--) result = { [steps[index]!]: result }
  return result
}
