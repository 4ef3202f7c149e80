/**
 * The process's one value under `name`, created on first use. It lives on `globalThis` under
 * `Symbol.for(name)`, so every copy of core loaded in a process (each connector may carry its
 * own) shares it: the secret registry, the HTTP scope storage, the rate budgets.
 */
export function processWide<T>(name: string, create: () => T): T {
  const holder = globalThis as unknown as Record<symbol, T | undefined>
  const key = Symbol.for(name)
  let value = holder[key]
  if (value === undefined) {
    value = create()
    holder[key] = value
  }
  return value
}
