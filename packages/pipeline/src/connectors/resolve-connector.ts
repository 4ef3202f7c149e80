import { createRequire } from 'node:module'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { assertConnectorDefinition, type ConnectorDefinition } from '@lakeflow/core/connector'
import { hasMarker, LakeflowError } from '@lakeflow/core/errors'

const CONNECTOR_NOT_FOUND = Symbol.for('lakeflow.error.ConnectorNotFoundError')

/** No connector package could be found for a name. */
export class ConnectorNotFoundError extends LakeflowError {
  readonly [CONNECTOR_NOT_FOUND] = true
  readonly connector: string
  readonly packageName: string

  constructor(connector: string, packageName: string, cwd: string) {
    super(
      `Unknown connector "${connector}": package ${packageName} is not installed in ${cwd} (nor next to the lakeflow CLI); install it with \`pnpm add ${packageName}\`, or name a connection from lakeflow.connections.yaml`,
      { category: 'config' },
    )
    this.name = 'ConnectorNotFoundError'
    this.connector = connector
    this.packageName = packageName
  }

  static override isInstance(value: unknown): value is ConnectorNotFoundError {
    return hasMarker(value, CONNECTOR_NOT_FOUND)
  }
}

/** The package a connector name stands for: `github` → `@lakeflow/connector-github`; package names and paths unchanged. */
export function connectorPackageName(connector: string): string {
  if (connector.startsWith('@') || connector.includes('/') || connector.startsWith('.')) return connector
  if (connector.startsWith('connector-')) return `@lakeflow/${connector}`
  return `@lakeflow/connector-${connector}`
}

function isPath(connector: string): boolean {
  return connector.startsWith('.') || path.isAbsolute(connector)
}

function resolveFrom(base: string, specifier: string): string | undefined {
  try {
    return createRequire(base).resolve(specifier)
  } catch {
    return undefined
  }
}

/** A resolved connector definition and where it was loaded from. */
export interface LoadedConnector {
  readonly definition: ConnectorDefinition
  /** The resolved module file. */
  readonly file: string
}

/**
 * Loads a connector definition by name, package name or file path. Packages resolve from
 * the user's project (`cwd`) first, then from this package's own location (so connectors
 * installed next to a global CLI work). The module must export `connector` (or a default
 * export) made with `defineConnector`; its `specificationVersion` is checked.
 * @throws ConnectorNotFoundError when nothing is installed under that name
 * @throws SpecVersionError when the connector targets an unsupported interface version
 */
export async function loadConnector(
  connector: string,
  cwd = process.cwd(),
  /** More files to resolve packages from, after the project (the CLI passes its own). */
  searchFrom: readonly string[] = [],
): Promise<LoadedConnector> {
  const specifier = connectorPackageName(connector)
  let file: string | undefined
  if (isPath(connector)) {
    file = path.resolve(cwd, connector)
  } else {
    for (const base of [path.join(cwd, 'package.json'), ...searchFrom, import.meta.filename]) {
      file ??= resolveFrom(base, specifier)
    }
  }
  if (file === undefined) throw new ConnectorNotFoundError(connector, specifier, cwd)
  let module: Record<string, unknown>
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>
  } catch (error) {
    throw new LakeflowError(`Cannot load connector "${connector}" from ${file}: ${(error as Error).message}`, {
      category: 'config',
      cause: error,
    })
  }
  const definition = module.connector ?? module.default
  assertConnectorDefinition(definition, `${specifier} (${file})`)
  return { definition, file }
}
