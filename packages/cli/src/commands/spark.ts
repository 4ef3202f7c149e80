import { readFileSync } from 'node:fs'
import path from 'node:path'
import { LakeflowError } from '@lakeflow/core/errors'
import { loadConnections, loadPipelineSpec, resolveConnection } from '@lakeflow/pipeline'
import { type ParsedArgs, parseCommandArgs } from '../args.ts'
import { loadCliConnector } from '../connector-setup.ts'
import { EXIT, UsageError } from '../errors.ts'
import type { Output } from '../output.ts'
import { RELEASE_FLAGS, releasePlan, runRelease } from './pack-release.ts'

type SparkBridge = typeof import('@lakeflow/spark')

/**
 * Loads `@lakeflow/spark` on demand: it is an optional peer dependency (it brings esbuild and
 * apache-arrow), so only `serve` and `pack` pay for it, and a missing install is a one-line
 * usage error instead of a stack trace.
 */
export async function loadSparkBridge(command: string, specifier = '@lakeflow/spark'): Promise<SparkBridge> {
  try {
    return (await import(specifier)) as SparkBridge
  } catch (error) {
    const code = (error as { code?: string }).code
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String(error).includes(specifier)) {
      throw new UsageError(
        `install ${specifier} to use lakeflow ${command} (pnpm add -D ${specifier}, next to @lakeflow/cli)`,
      )
    }
    throw error
  }
}

/**
 * The connector module for `serve`/`pack`: `--connector`/the positional (a connection from the
 * connections file, a connector name, a package name or a path), or the package in `cwd`.
 * Resolved like `sync` does (the project, then next to the CLI), so an unknown name is a usage
 * error naming the package to install. Returns the module file.
 */
async function connectorFile(name: string | undefined, args: ParsedArgs, cwd: string): Promise<string> {
  let connector = name
  if (connector === undefined) {
    const manifest = path.join(cwd, 'package.json')
    let packageName: string | undefined
    try {
      packageName = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name
    } catch {}
    if (!packageName)
      throw new UsageError(
        'serve: no --connector given and no package.json with a name in the current directory; pass --connector <name>',
      )
    connector = packageName
  }
  const connections = await loadConnections(args.values.connections as string | undefined, cwd)
  const resolved = resolveConnection(connector, connections ? { connections } : {})
  const { file } = await loadCliConnector(resolved.connector, cwd)
  return file
}

/**
 * `lakeflow serve --stdio [--connector <name>]`: serves the Spark bridge protocol on
 * stdin/stdout (what the Python data source `lakeflow_connect` talks to) until stdin closes.
 */
export async function serveCommand(argv: string[], _out: Output, cwd = process.cwd()): Promise<number> {
  const args = parseCommandArgs('serve', argv, {
    stdio: { type: 'boolean' },
    connector: { type: 'string' },
    connections: { type: 'string' },
  })
  if (args.positionals.length > 0)
    throw new UsageError(`serve takes no arguments, got ${JSON.stringify(args.positionals[0])}; use --connector <name>`)
  if (!args.values.stdio)
    throw new UsageError('serve needs --stdio (the only transport): lakeflow serve --stdio --connector <name>')
  const file = await connectorFile(args.values.connector as string | undefined, args, cwd)
  const spark = await loadSparkBridge('serve')
  await spark.serveStdio({ connector: file, cwd })
  return EXIT.ok
}

/** `--bundle-node` alone means "this Node": give it the running binary as its value. */
export function expandBundleNode(argv: string[]): string[] {
  return argv.flatMap((arg, index) =>
    arg === '--bundle-node' && (argv[index + 1] === undefined || argv[index + 1]!.startsWith('-'))
      ? [`--bundle-node=${process.execPath}`]
      : [arg],
  )
}

/** File-system errors writing the wheel: the output directory cannot be used. */
function outputError(error: unknown, outDir: string, flag = '--out'): unknown {
  const code = (error as { code?: string }).code
  if (code && ['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST', 'ENOSPC'].includes(code)) {
    return new LakeflowError(`Cannot write to ${outDir} (${code}); choose another ${flag} directory`, {
      category: 'config',
      cause: error,
    })
  }
  return error
}

/**
 * `lakeflow pack <connector> [--out dir | --to volume-dir [--force]] [--publish index-url]
 * [--bundle-node [path]] [--platform-tag t] [--pipeline spec.yaml [--bundle dir]]`: builds the
 * connector's Python wheel for Spark, releases it to a versioned directory or a package index,
 * and writes a Spark Declarative Pipelines file or bundle for a spec. Prints the wheel's path
 * (and the pipeline file's or the bundle settings').
 */
export async function packCommand(argv: string[], out: Output, cwd = process.cwd()): Promise<number> {
  const args = parseCommandArgs('pack', expandBundleNode(argv), {
    out: { type: 'string' },
    'bundle-node': { type: 'string' },
    'platform-tag': { type: 'string' },
    pipeline: { type: 'string' },
    connections: { type: 'string' },
    ...RELEASE_FLAGS,
  })
  if (args.positionals.length !== 1)
    throw new UsageError('expected lakeflow pack <connector>; see lakeflow pack --help')
  const release = releasePlan(args, cwd)
  const file = await connectorFile(args.positionals[0], args, cwd)
  // A malformed spec is found before anything is written.
  if (args.values.pipeline) await loadPipelineSpec(path.resolve(cwd, args.values.pipeline as string))
  const spark = await loadSparkBridge('pack')
  if (release.publish !== undefined) spark.assertPublishable(release.publish)
  const outDir = path.resolve(cwd, (args.values.out as string | undefined) ?? '.')
  let result: Awaited<ReturnType<SparkBridge['packConnector']>>
  try {
    result = await spark.packConnector({
      connector: file,
      cwd,
      outDir,
      bundleNode: (args.values['bundle-node'] as string | undefined) ?? false,
      ...(args.values['platform-tag'] ? { platformTag: args.values['platform-tag'] as string } : {}),
      ...release.pack,
    })
  } catch (error) {
    throw release.pack.to ? outputError(error, release.pack.to, '--to') : outputError(error, outDir)
  }
  if (args.values.json) {
    out.stdout(JSON.stringify(result))
  } else {
    const { connector, pythonPackage } = result
    out.stdout(result.wheel)
    out.stderr(
      `lakeflow: packed ${connector.packageName} ${connector.version} as ${pythonPackage} (bundle ${(result.bundleBytes / 1024).toFixed(0)} KiB, wheel ${(result.wheelBytes / 1024).toFixed(0)} KiB)`,
    )
  }
  const spec = args.values.pipeline as string | undefined
  await runRelease(spark, release, result, { connector: file, spec, cwd, json: Boolean(args.values.json), out })
  if (spec && !release.bundle) {
    const pipeline = await spark.packPipeline({
      spec,
      connector: result.connector.name,
      connectorModule: file,
      ...(args.values.connections ? { connections: args.values.connections as string } : {}),
      cwd,
      outDir,
    })
    out.stdout(args.values.json ? JSON.stringify({ pipeline: pipeline.file }) : pipeline.file)
  }
  return EXIT.ok
}
