import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { assertConnectorDefinition } from '../connector/define-connector.ts'
import type { ConnectorDefinition } from '../connector/types.ts'
import { debugLog } from '../errors/debug-log.ts'
import { closestMatch } from '../errors/did-you-mean.ts'
import { LakeflowError } from '../errors/lakeflow-error.ts'
import {
  CONNECTOR_PACKAGE_PREFIX,
  connectorPackageNames,
  connectorShortName,
  looksLikePath,
} from './connector-names.ts'
import { ConnectorNotFoundError } from './connector-not-found.ts'
import { packageEntry, readManifest } from './package-entry.ts'
import { workspacePackages } from './workspace.ts'

/** Where {@link resolveConnector} looks. */
export interface ResolveConnectorSettings {
  /** The user's project: relative paths and installed packages resolve from here. @default process.cwd() */
  cwd?: string
  /**
   * Module files of the runner (the CLI's or the bridge's own `import.meta.filename`): packages
   * installed next to the runner resolve too, after the project and its workspace.
   */
  searchFrom?: readonly string[]
  /** Appended to the not-found message, e.g. `or name a connection from lakeflow.connections.yaml`. */
  hint?: string
}

/** A connector module found by {@link resolveConnector}. */
export interface ResolvedConnector {
  /** The module file to import (absolute). */
  readonly file: string
  /** The package it belongs to, when it was found as a package or package directory. */
  readonly packageName?: string
  /** How it was found. */
  readonly via: 'module file' | 'package directory' | 'installed package' | 'workspace package'
}

/** The package directory `name` is installed at, seen from `directory` (Node's `node_modules` walk). */
function installedPackage(name: string, directory: string): string | undefined {
  for (let dir = directory; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name)
    if (existsSync(path.join(candidate, 'package.json'))) return realpathSync(candidate)
    if (path.dirname(dir) === dir) return undefined
  }
}

function fromPackageDirectory(directory: string, via: ResolvedConnector['via']): ResolvedConnector {
  const manifest = readManifest(directory)
  if (!manifest) {
    throw new LakeflowError(`${directory} is a directory without a readable package.json; name a module file instead`, {
      category: 'config',
    })
  }
  const file = packageEntry(directory, manifest)
  if (!existsSync(file)) {
    throw new LakeflowError(
      `The entry of package ${manifest.name ?? directory} (${file}) does not exist; build the package first`,
      { category: 'config' },
    )
  }
  return { file, via, ...(typeof manifest.name === 'string' ? { packageName: manifest.name } : {}) }
}

function fromPath(connector: string, cwd: string, settings: ResolveConnectorSettings): ResolvedConnector {
  const target = connector.startsWith('file:') ? fileURLToPath(connector) : path.resolve(cwd, connector)
  let isDirectory: boolean
  try {
    isDirectory = statSync(target).isDirectory()
  } catch {
    throw new ConnectorNotFoundError({ connector, cwd, missingPath: target, hint: settings.hint })
  }
  return isDirectory ? fromPackageDirectory(target, 'package directory') : { file: target, via: 'module file' }
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile()
  } catch {
    return false
  }
}

/**
 * Finds a connector module from what a user typed, the same way for every runner:
 * - a module file: `./my-connector.ts`, `/abs/connector.js`, `file:///...`, or a bare file name in `cwd`;
 * - a package directory: `./connectors/github` (its `package.json` exports; in a checkout the
 *   `@lakeflow/source` entry, so no build is needed);
 * - a name: `github`, `connector-github`, `@lakeflow/connector-github`, the Python connectors'
 *   `azure_devops` for `azure-devops`, or any package name (`@acme/connector-x`), looked up as a
 *   package installed in the project (`cwd` and its parents), then among the packages of the
 *   workspace `cwd` is in (so inside this repository `github` is `connectors/github`), then next
 *   to the runner (`searchFrom`).
 * @throws ConnectorNotFoundError naming what was looked for and the closest known connector
 * @example
 * resolveConnector('github', { cwd: process.cwd(), searchFrom: [import.meta.filename] }).file
 */
export function resolveConnector(connector: string, settings: ResolveConnectorSettings = {}): ResolvedConnector {
  const cwd = path.resolve(settings.cwd ?? process.cwd())
  const resolved = resolveOnce(connector, cwd, settings)
  debugLog(
    `connector "${connector}" is ${resolved.file} (${resolved.via}${resolved.packageName ? ` ${resolved.packageName}` : ''})`,
  )
  return resolved
}

function resolveOnce(connector: string, cwd: string, settings: ResolveConnectorSettings): ResolvedConnector {
  if (looksLikePath(connector) || isFile(path.resolve(cwd, connector))) return fromPath(connector, cwd, settings)
  const names = connectorPackageNames(connector)
  let workspace: Map<string, string> | undefined
  for (const name of names) {
    const installed = installedPackage(name, cwd)
    if (installed) return fromPackageDirectory(installed, 'installed package')
    workspace ??= workspacePackages(cwd)
    const member = workspace.get(name)
    if (member) return fromPackageDirectory(member, 'workspace package')
    for (const base of settings.searchFrom ?? []) {
      const beside = installedPackage(name, path.dirname(base))
      if (beside) return fromPackageDirectory(beside, 'installed package')
    }
  }
  const known = knownConnectors(settings)
  const typed = connectorShortName(names[0]!)
  const suggestion = closestMatch(typed, known) ?? closestMatch(connector, known)
  throw new ConnectorNotFoundError({
    connector,
    cwd,
    packageName: names[0]!,
    known,
    ...(suggestion === undefined ? {} : { suggestion }),
    ...(settings.hint === undefined ? {} : { hint: settings.hint }),
  })
}

/** Connector package names installed in `node_modules/@lakeflow` directories above `directory`. */
function installedConnectorPackages(directory: string): string[] {
  const out: string[] = []
  for (let dir = directory; ; dir = path.dirname(dir)) {
    const scope = path.join(dir, 'node_modules', '@lakeflow')
    try {
      for (const entry of readdirSync(scope)) {
        if (`@lakeflow/${entry}`.startsWith(CONNECTOR_PACKAGE_PREFIX)) out.push(`@lakeflow/${entry}`)
      }
    } catch {}
    if (path.dirname(dir) === dir) return out
  }
}

/**
 * The connectors {@link resolveConnector} can find by name, as the shortest name that
 * resolves to each (`github`, `@acme/connector-x`), sorted: packages named
 * `@lakeflow/connector-*` installed in the project or next to the runner, and workspace
 * packages whose name contains `connector-`.
 */
export function knownConnectors(settings: Omit<ResolveConnectorSettings, 'hint'> = {}): string[] {
  const cwd = path.resolve(settings.cwd ?? process.cwd())
  const packages = [
    ...installedConnectorPackages(cwd),
    ...(settings.searchFrom ?? []).flatMap((base) => installedConnectorPackages(path.dirname(base))),
    ...[...workspacePackages(cwd).keys()].filter((name) => /(^|\/)([\w.-]*-)?connector-/.test(name)),
  ]
  return [...new Set(packages.map(connectorShortName))].sort()
}

/** A connector definition and where it was loaded from. */
export interface LoadedConnector {
  readonly definition: ConnectorDefinition
  /** The module file it came from. */
  readonly file: string
}

/**
 * Resolves a connector (see {@link resolveConnector}), imports it and checks its export: the
 * module exports the definition as `connector` (or as its default export) made with
 * `defineConnector`, with a `specificationVersion` this core supports.
 * @param cwd the user's project. @default process.cwd()
 * @param searchFrom module files of the runner, to find connectors installed next to it
 * @throws ConnectorNotFoundError when nothing by that name or path exists
 * @throws SpecVersionError when the connector targets an unsupported interface version
 * @example
 * const { definition } = await loadConnector('github', process.cwd(), [import.meta.filename])
 */
export async function loadConnector(
  connector: string,
  cwd: string = process.cwd(),
  searchFrom: readonly string[] = [],
  settings: Pick<ResolveConnectorSettings, 'hint'> = {},
): Promise<LoadedConnector> {
  const { file, packageName } = resolveConnector(connector, { cwd, searchFrom, ...settings })
  let module: Record<string, unknown>
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>
  } catch (error) {
    throw new LakeflowError(`Cannot load connector "${connector}" from ${file}: ${(error as Error).message}`, {
      category: 'config',
      cause: error,
    })
  }
  const definition =
    module.connector ?? (module.default as { connector?: unknown } | undefined)?.connector ?? module.default
  assertConnectorDefinition(definition, packageName ? `${packageName} (${file})` : file)
  return { definition, file }
}
