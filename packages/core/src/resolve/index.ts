/**
 * `@lakeflow/core/resolve`: the one rule turning what a user typed (`github`,
 * `azure_devops`, `@lakeflow/connector-github`, `./connectors/github`, `./my-connector.ts`)
 * into a connector module, shared by the CLI, the pipeline, the Spark bridge and `lakeflow pack`.
 */

export {
  CONNECTOR_PACKAGE_PREFIX,
  connectorPackageName,
  connectorPackageNames,
  connectorShortName,
  looksLikePath,
} from './connector-names.ts'
export { type ConnectorNotFoundDetails, ConnectorNotFoundError } from './connector-not-found.ts'
export { type PackageManifest, packageEntry, readManifest, SOURCE_CONDITION } from './package-entry.ts'
export {
  knownConnectors,
  type LoadedConnector,
  loadConnector,
  type ResolveConnectorSettings,
  type ResolvedConnector,
  resolveConnector,
} from './resolve-connector.ts'
export { workspacePackages } from './workspace.ts'
