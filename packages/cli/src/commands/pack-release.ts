import path from 'node:path'
import type { FlagSpec, ParsedArgs } from '../args.ts'
import { UsageError } from '../errors.ts'
import type { Output } from '../output.ts'

type SparkBridge = typeof import('@lakeflow/spark')
type PackResult = Awaited<ReturnType<SparkBridge['packConnector']>>

/** The flags of `lakeflow pack` that release a wheel (volume, index) and bundle a pipeline. */
export const RELEASE_FLAGS: Record<string, FlagSpec> = {
  to: { type: 'string' },
  force: { type: 'boolean' },
  'latest-pointer': { type: 'string' },
  publish: { type: 'string' },
  bundle: { type: 'string' },
  volume: { type: 'string' },
  'workspace-path': { type: 'string' },
  catalog: { type: 'string' },
  schema: { type: 'string' },
}

const POINTER_KINDS = ['auto', 'symlink', 'file'] as const

/** What the release flags ask for, checked for combinations that make no sense. */
export interface ReleasePlan {
  /** For `packConnector`: the versioned volume directory and how to treat it. */
  pack: { to?: string; force?: boolean; latestPointer?: (typeof POINTER_KINDS)[number] }
  publish?: string
  bundle?: { directory: string; volume: string; workspacePath?: string; catalog?: string; schema?: string }
}

const text = (args: ParsedArgs, flag: string) => args.values[flag] as string | undefined

/** Reads and checks the release flags; every mistake is a usage error before anything is built. */
export function releasePlan(args: ParsedArgs, cwd: string): ReleasePlan {
  const to = text(args, 'to')
  const pointer = text(args, 'latest-pointer')
  if (to !== undefined && args.values.out !== undefined)
    throw new UsageError('pack: give --out (a plain directory) or --to (a versioned volume directory), not both')
  if (to === undefined && (args.values.force || pointer !== undefined))
    throw new UsageError('pack: --force and --latest-pointer only apply with --to <volume directory>')
  if (pointer !== undefined && !(POINTER_KINDS as readonly string[]).includes(pointer))
    throw new UsageError(
      `pack: --latest-pointer expects one of ${POINTER_KINDS.join(', ')}, got ${JSON.stringify(pointer)}`,
    )
  const plan: ReleasePlan = { pack: {} }
  if (to !== undefined) {
    plan.pack.to = path.resolve(cwd, to)
    if (args.values.force) plan.pack.force = true
    if (pointer !== undefined) plan.pack.latestPointer = pointer as ReleasePlan['pack']['latestPointer']
  }
  const publish = text(args, 'publish')
  if (publish !== undefined) plan.publish = publish
  const bundle = text(args, 'bundle')
  const bundleOnly = ['volume', 'workspace-path', 'catalog', 'schema'].filter((flag) => args.values[flag] !== undefined)
  if (bundle === undefined) {
    if (bundleOnly.length > 0) throw new UsageError(`pack: --${bundleOnly[0]} only applies with --bundle <dir>`)
    return plan
  }
  if (args.values.pipeline === undefined) throw new UsageError('pack: --bundle <dir> needs --pipeline <spec.yaml>')
  // The pipeline installs the wheel from the volume: the bundle must know that path.
  const volume = text(args, 'volume') ?? (to?.startsWith('/Volumes/') ? to : undefined)
  if (volume === undefined)
    throw new UsageError(
      'pack: --bundle needs the volume the wheel is uploaded to: --volume /Volumes/<catalog>/<schema>/<volume> (or --to a path under /Volumes)',
    )
  if (!volume.startsWith('/Volumes/'))
    throw new UsageError(
      `pack: --volume expects a Unity Catalog volume path /Volumes/<catalog>/<schema>/<volume>, got ${JSON.stringify(volume)}`,
    )
  plan.bundle = { directory: path.resolve(cwd, bundle), volume }
  for (const [flag, key] of [
    ['workspace-path', 'workspacePath'],
    ['catalog', 'catalog'],
    ['schema', 'schema'],
  ] as const) {
    const value = text(args, flag)
    if (value !== undefined) plan.bundle[key] = value
  }
  return plan
}

/** Publishes the wheel and writes the pipeline bundle, as the plan says; reports each on `out`. */
export async function runRelease(
  spark: SparkBridge,
  plan: ReleasePlan,
  result: PackResult,
  options: { connector: string; spec?: string; cwd: string; json: boolean; out: Output },
): Promise<void> {
  const { out, json } = options
  // With --json the release is in the pack result's `volume`.
  if (result.volume && !json) {
    const { directory, latest, replaced } = result.volume
    out.stderr(
      `lakeflow: ${replaced ? 'replaced' : 'released'} ${path.basename(result.wheel)} in ${directory}; latest → ${latest.fileName} (${latest.kind})`,
    )
  }
  if (plan.publish !== undefined) {
    const published = await spark.publishWheel({ wheel: result.wheel, indexUrl: plan.publish })
    if (json) out.stdout(JSON.stringify({ published }))
    else out.stderr(`lakeflow: published ${published.file} to ${published.indexUrl}`)
  }
  if (plan.bundle && options.spec !== undefined) {
    const { directory, volume, ...settings } = plan.bundle
    const bundle = await spark.writePipelineBundle({
      spec: options.spec,
      connector: options.connector,
      cwd: options.cwd,
      directory,
      wheel: spark.volumeWheelPath(volume, path.basename(result.wheel)),
      ...settings,
    })
    out.stdout(json ? JSON.stringify({ bundle }) : bundle.settings)
  }
}
