/** Reads a dotted path (`user.login`); a missing step gives `undefined`. */
export function getPath(record: unknown, path: string): unknown {
  if (!path.includes('.')) {
    return record !== null && typeof record === 'object' ? (record as Record<string, unknown>)[path] : undefined
  }
  let current: unknown = record
  for (const step of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string, unknown>)[step]
  }
  return current
}

/** Writes a dotted path, creating (or replacing non-object) intermediate steps. Mutates `record`. */
export function setPath(record: Record<string, unknown>, path: string, value: unknown): void {
  const steps = path.split('.')
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

/** Builds `{a: {b: value}}` for `a.b`. */
export function nestUnder(path: string, value: Record<string, unknown>): Record<string, unknown> {
  const steps = path.split('.')
  let result = value
  for (let index = steps.length - 2; index >= 0; index--) result = { [steps[index]!]: result }
  return result
}
