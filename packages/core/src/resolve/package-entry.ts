import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'

/**
 * The export condition that points a workspace package at its TypeScript sources. Published
 * manifests drop it (`publishConfig.exports`), so it only ever resolves inside a checkout.
 */
export const SOURCE_CONDITION = '@lakeflow/source'

/** Conditions an import of a connector matches, besides {@link SOURCE_CONDITION}. */
const IMPORT_CONDITIONS = new Set(['node', 'import', 'module-sync', 'default'])

/** A package's `package.json`, as far as resolution needs it. */
export interface PackageManifest {
  readonly name?: string
  readonly main?: string
  readonly exports?: unknown
}

/** The manifest of the package in `directory`, or `undefined` when it has none (or an unreadable one). */
export function readManifest(directory: string): PackageManifest | undefined {
  try {
    const value = JSON.parse(readFileSync(path.join(directory, 'package.json'), 'utf8')) as unknown
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as PackageManifest) : undefined
  } catch {
    return undefined
  }
}

function isConditionMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Node's conditional-exports rule (keys in order, first match wins), with the source entry taken only when its file exists. */
function exportTarget(directory: string, target: unknown): string | undefined {
  if (typeof target === 'string') return target
  if (Array.isArray(target)) {
    for (const item of target) {
      const found = exportTarget(directory, item)
      if (found !== undefined) return found
    }
    return undefined
  }
  if (!isConditionMap(target)) return undefined
  for (const [condition, value] of Object.entries(target)) {
    if (condition === SOURCE_CONDITION) {
      const source = exportTarget(directory, value)
      if (source !== undefined && existsSync(path.resolve(directory, source))) return source
    } else if (IMPORT_CONDITIONS.has(condition)) {
      const found = exportTarget(directory, value)
      if (found !== undefined) return found
    }
  }
  return undefined
}

/**
 * The module file an import of the package in `directory` loads: its `exports` entry for `.`
 * (the `@lakeflow/source` entry first when its file exists, so a workspace package runs from
 * its sources without a build), else `main`, else `index.js`. The file may not exist (a
 * package that was never built); callers check.
 */
export function packageEntry(directory: string, manifest: PackageManifest): string {
  const exportsField = manifest.exports
  let main: unknown = exportsField
  if (isConditionMap(exportsField) && Object.keys(exportsField).some((key) => key.startsWith('.'))) {
    main = exportsField['.']
  }
  const target = exportsField === undefined ? undefined : exportTarget(directory, main)
  return path.resolve(directory, target ?? manifest.main ?? 'index.js')
}
