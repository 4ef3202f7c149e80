/**
 * How connector names map to package names. Every runner (the CLI, the pipeline, the Spark
 * bridge and `lakeflow pack`) goes through these, so one name means one package everywhere.
 */

/** The npm scope and prefix of the project's own connector packages. */
export const CONNECTOR_PACKAGE_PREFIX = '@lakeflow/connector-'

/**
 * True when `text` names a file or directory rather than a package: `./x`, `../x`, `/abs/x`,
 * `C:\x`, a `file:` URL, or a relative path with a separator that is not a scoped package
 * name (`connectors/github`).
 */
export function looksLikePath(text: string): boolean {
  if (text.startsWith('.') || text.startsWith('/') || text.startsWith('file:')) return true
  if (/^[A-Za-z]:[\\/]/.test(text) || text.includes('\\')) return true
  return text.includes('/') && !text.startsWith('@')
}

/**
 * The package names a connector name may stand for, most likely first:
 * - `github`, `connector-github` and `@lakeflow/connector-github` → `@lakeflow/connector-github`;
 * - the Python connectors' underscore form, `azure_devops` → `@lakeflow/connector-azure-devops`;
 * - any other scoped name (`@acme/connector-x`) is itself;
 * - a bare name is also tried as an unscoped package of that name, last.
 * @example
 * connectorPackageNames('azure_devops') // ['@lakeflow/connector-azure-devops', 'azure_devops']
 */
export function connectorPackageNames(name: string): string[] {
  if (name.startsWith('@')) return [name]
  const short = name.replaceAll('_', '-')
  const scoped = short.startsWith('connector-') ? `@lakeflow/${short}` : `${CONNECTOR_PACKAGE_PREFIX}${short}`
  return [...new Set([scoped, name])]
}

/** The package a connector name stands for (the first of {@link connectorPackageNames}); paths unchanged. */
export function connectorPackageName(name: string): string {
  return looksLikePath(name) ? name : connectorPackageNames(name)[0]!
}

/**
 * The shortest name that resolves to a package: `github` for `@lakeflow/connector-github`,
 * the package name itself for anything else.
 */
export function connectorShortName(packageName: string): string {
  return packageName.startsWith(CONNECTOR_PACKAGE_PREFIX)
    ? packageName.slice(CONNECTOR_PACKAGE_PREFIX.length)
    : packageName
}
