import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { git, tagCommit } from './git.ts'
import { publishedVersions } from './registry.ts'
import {
  findPackage,
  listWorkspacePackages,
  publishedPackages,
  topologicalOrder,
  type WorkspacePackage,
  withWorkspaceDependencies,
} from './workspace.ts'

/** What {@link releasePackages} takes. */
export interface ReleaseOptions {
  readonly root: string
  /** Environment for child processes (registry configuration included). */
  readonly env: NodeJS.ProcessEnv
  /** Release only these packages and the workspace packages they need; all when empty. */
  readonly filter?: readonly string[]
  /** Ask the registry and report, publish nothing. */
  readonly dryRun?: boolean
  /** Pass `--no-git-checks` to `pnpm publish` (branch and clean-tree checks). */
  readonly noGitChecks?: boolean
  /** Skip the build (already built). */
  readonly noBuild?: boolean
  /** Do not create `<name>@<version>` git tags for what was published. */
  readonly noTag?: boolean
  /** Progress output. */
  readonly log?: (line: string) => void
}

/** What {@link releasePackages} did. */
export interface ReleaseResult {
  /** `name@version` of every package published by this run, in publish order. */
  readonly published: readonly string[]
  /** `name@version` of selected packages whose version was already in the registry. */
  readonly alreadyPublished: readonly string[]
}

/** The published packages a release covers: all, or the filtered ones plus their runtime workspace dependencies. */
export function releaseSelection(root: string, filter: readonly string[] = []): WorkspacePackage[] {
  const packages = publishedPackages(root)
  if (filter.length === 0) return topologicalOrder(packages)
  for (const name of filter) {
    if (findPackage(listWorkspacePackages(root), name).private)
      throw new Error(`${name} is private and never published`)
  }
  const names = withWorkspaceDependencies(packages, filter)
  return topologicalOrder(packages.filter((workspacePackage) => names.has(workspacePackage.name)))
}

function run(command: string, args: readonly string[], options: ReleaseOptions): void {
  const result = spawnSync(command, args, { cwd: options.root, env: options.env, stdio: 'inherit' })
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed with exit code ${result.status}`)
}

/**
 * Builds and publishes every selected package whose current version is not in the registry,
 * dependencies first, then tags each published `<name>@<version>` (the tag is what the release
 * policy check compares against). `pnpm publish -r` skips versions the registry already has, so
 * re-running after a partial failure is safe. Publishing uses `--access restricted` and never
 * provenance (see docs/publishing.md).
 */
export function releasePackages(options: ReleaseOptions): ReleaseResult {
  const log = options.log ?? console.log
  const selection = releaseSelection(options.root, options.filter)
  const pending: WorkspacePackage[] = []
  const alreadyPublished: string[] = []
  for (const workspacePackage of selection) {
    const id = `${workspacePackage.name}@${workspacePackage.version}`
    if (
      publishedVersions(workspacePackage.name, { cwd: options.root, env: options.env }).includes(
        workspacePackage.version,
      )
    ) {
      alreadyPublished.push(id)
    } else pending.push(workspacePackage)
  }
  for (const id of alreadyPublished) log(`already in the registry: ${id}`)
  if (pending.length === 0) {
    log('Nothing to publish.')
    return { published: [], alreadyPublished }
  }
  log(`${options.dryRun ? 'Would publish' : 'Publishing'}: ${pending.map((p) => `${p.name}@${p.version}`).join(', ')}`)
  if (options.dryRun) return { published: [], alreadyPublished }
  const filters = pending.flatMap((workspacePackage) => ['--filter', workspacePackage.name])
  if (!options.noBuild) run('turbo', ['run', 'build', ...pending.map((p) => `--filter=${p.name}`)], options)
  const summaryFile = join(options.root, 'pnpm-publish-summary.json')
  rmSync(summaryFile, { force: true })
  const publishArgs = ['publish', '-r', ...filters, '--access', 'restricted', '--report-summary']
  if (options.noGitChecks) publishArgs.push('--no-git-checks')
  let published: string[]
  try {
    run('pnpm', publishArgs, options)
    published = readSummary(summaryFile)
  } catch (error) {
    published = existsSync(summaryFile) ? readSummary(summaryFile) : []
    // Another pipeline may have published the same dependency version meanwhile: fine if all are there now.
    const missing = pending.filter(
      (p) => !publishedVersions(p.name, { cwd: options.root, env: options.env }).includes(p.version),
    )
    if (missing.length > 0) throw error
    log('pnpm publish failed, but every selected version is in the registry now (published concurrently)')
  } finally {
    rmSync(summaryFile, { force: true })
  }
  if (!options.noTag) {
    for (const id of published) if (!tagCommit(options.root, id)) git(options.root, ['tag', id])
  }
  for (const id of published) log(`published ${id}`)
  return { published, alreadyPublished }
}

function readSummary(file: string): string[] {
  const summary = JSON.parse(readFileSync(file, 'utf8')) as { publishedPackages?: { name: string; version: string }[] }
  return (summary.publishedPackages ?? []).map((entry) => `${entry.name}@${entry.version}`)
}
