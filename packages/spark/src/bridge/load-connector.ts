import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { isAbsolute, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { assertConnectorDefinition, type ConnectorDefinition } from '@lakeflow/core/connector'

/**
 * Loads a connector definition from a module: a file path (absolute, or relative to `cwd`),
 * a `file:` URL, or a package name resolved from `cwd` (the user's project), e.g.
 * `@lakeflow/connector-github`. The module exports the definition as `connector` (or as its
 * default export). A short name such as `github` means `@lakeflow/connector-github`.
 */
export async function loadConnector(specifier: string, cwd = process.cwd()): Promise<ConnectorDefinition> {
  const url = resolveSpecifier(specifier, cwd)
  const module = (await import(url)) as { connector?: unknown; default?: unknown }
  const candidate =
    module.connector ?? (module.default as { connector?: unknown } | undefined)?.connector ?? module.default
  assertConnectorDefinition(candidate, specifier)
  return candidate
}

/** The import URL for a connector specifier (see {@link loadConnector}). */
export function resolveSpecifier(specifier: string, cwd: string): string {
  if (specifier.startsWith('file:')) return specifier
  if (specifier.startsWith('.') || isAbsolute(specifier) || existsSync(resolve(cwd, specifier))) {
    return pathToFileURL(resolve(cwd, specifier)).href
  }
  const name = /^[a-z0-9][a-z0-9._-]*$/.test(specifier) ? `@lakeflow/connector-${specifier}` : specifier
  try {
    return pathToFileURL(createRequire(join(cwd, 'package.json')).resolve(name)).href
  } catch {
    // Not installed in the project: let Node resolve it from the bridge's own location.
    return name
  }
}
