import type { ConnectorDefinition, LakeflowConnector } from '@lakeflow/core/connector'
import { type LoadedConnector, loadConnector } from '@lakeflow/core/resolve'
import { createConnector, loadConnections, resolveConnection } from '@lakeflow/pipeline'
import { keyValues, type ParsedArgs } from './args.ts'

/** A connector ready for a command, from a connection or connector name plus flags. */
export interface ConnectorSetup {
  readonly definition: ConnectorDefinition
  readonly connector: LakeflowConnector
  readonly options: Record<string, unknown>
}

/**
 * Loads a connector by what the user typed (a name, package, package directory or module
 * file), from the project in `cwd`, its workspace, then next to the CLI.
 */
export function loadCliConnector(connector: string, cwd: string): Promise<LoadedConnector> {
  return loadConnector(connector, cwd, [import.meta.filename], {
    hint: 'or name a connection from lakeflow.connections.yaml',
  })
}

/**
 * Resolves `name` (a connection in the connections file, or a connector name) and creates
 * the connector with options from the file, `LAKEFLOW_OPTION_*` and `--option key=value`.
 */
export async function resolveConnectorSetup(
  name: string,
  args: ParsedArgs,
  cwd = process.cwd(),
): Promise<ConnectorSetup> {
  const connections = await loadConnections(args.values.connections as string | undefined, cwd)
  const resolved = resolveConnection(name, {
    ...(connections ? { connections } : {}),
    options: keyValues('option', args.values.option as string[] | undefined),
  })
  const { definition } = await loadCliConnector(resolved.connector, cwd)
  return { definition, connector: createConnector(definition, resolved.options), options: resolved.options }
}

/** Table options from `--table-option key=value`. */
export function tableOptionsOf(args: ParsedArgs): Record<string, string> {
  return keyValues('table-option', args.values['table-option'] as string[] | undefined)
}
