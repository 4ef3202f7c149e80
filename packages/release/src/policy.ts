import { globSync, readFileSync } from 'node:fs'
import { join, matchesGlob } from 'node:path'
import { type Changeset, pendingBump, readChangesets } from './changesets.ts'
import { changedFilesSince, fileAt, git } from './git.ts'
import { describeLastRelease, type LastRelease, lastRelease, type PublishedVersionsLookup } from './last-release.ts'
import { breakingChanges, formatBreakingChange, parseSnapshotFile, type TableSnapshot } from './schema-diff.ts'
import { packFileList, tarballProblems } from './tarball.ts'
import { publishedPackages, type WorkspacePackage } from './workspace.ts'

/** Where connectors keep their table schema snapshots, relative to the package directory. */
export const DEFAULT_SNAPSHOT_GLOBS: readonly string[] = ['test/__snapshots__/**/*.json', 'schemas/**/*.json']

/**
 * Changed files (relative to the package) that do not change what a release ships or how it
 * behaves, so they need no changeset: tests, benchmarks, the simulator corpus, docs.
 */
export const DEFAULT_IGNORED_CHANGE_GLOBS: readonly string[] = [
  'test/**',
  'tests/**',
  'bench/**',
  'simulator/**',
  '**/*.test.ts',
  'CHANGELOG.md',
  'README.md',
  'tsconfig.json',
  'vitest.config.*',
]

/** What {@link checkReleasePolicy} takes. */
export interface ReleasePolicyOptions {
  /** Repository and workspace root. */
  readonly root: string
  /** Registry lookup used when a version has no tag; `null` to consult only tags. */
  readonly lookup: PublishedVersionsLookup
  /** @default DEFAULT_SNAPSHOT_GLOBS */
  readonly snapshotGlobs?: readonly string[]
  /** @default DEFAULT_IGNORED_CHANGE_GLOBS */
  readonly ignoredChangeGlobs?: readonly string[]
  /** Check each package's tarball contents (needs a build). @default true */
  readonly checkTarballs?: boolean
  /** Environment for `pnpm pack`. @default process.env */
  readonly env?: NodeJS.ProcessEnv
}

/** The verdict for one published package. */
export interface PackageVerdict {
  readonly name: string
  /** How the last release was found (tag, registry, or not released). */
  readonly basis: string
  /** Rule violations; empty when the package complies. */
  readonly violations: readonly string[]
}

/**
 * Checks every published package of the workspace against the release policy:
 * 1. changed since its last release (see {@link lastRelease}) ⇒ a pending changeset names it;
 * 2. a table schema snapshot lost or retyped a column, or its primary keys, cursor field or
 *    ingestion type changed, since the last release ⇒ a pending **major** changeset names it;
 * 3. its tarball ships no tests, fixtures, corpora, snapshots, or source maps into unpublished sources.
 */
export function checkReleasePolicy(options: ReleasePolicyOptions): PackageVerdict[] {
  const changesets = readChangesets(options.root)
  return publishedPackages(options.root).map((workspacePackage) => {
    const violations: string[] = []
    let release: LastRelease
    try {
      release = lastRelease(options.root, workspacePackage, options.lookup)
    } catch (error) {
      return { name: workspacePackage.name, basis: 'unknown', violations: [(error as Error).message] }
    }
    if (release.kind !== 'unreleased') {
      violations.push(...changesetViolations(options, workspacePackage, release.commit, changesets))
      violations.push(...schemaViolations(options, workspacePackage, release.commit, changesets))
    }
    if (options.checkTarballs ?? true) {
      violations.push(...tarballProblems(workspacePackage.dir, packFileList(workspacePackage.dir, options.env)))
    }
    return { name: workspacePackage.name, basis: describeLastRelease(release), violations }
  })
}

function changesetViolations(
  options: ReleasePolicyOptions,
  workspacePackage: WorkspacePackage,
  since: string,
  changesets: readonly Changeset[],
): string[] {
  const ignored = options.ignoredChangeGlobs ?? DEFAULT_IGNORED_CHANGE_GLOBS
  const prefix = `${workspacePackage.relativeDir}/`
  const changed = changedFilesSince(options.root, since, workspacePackage.relativeDir)
    .map((file) => file.slice(prefix.length))
    .filter((file) => !ignored.some((glob) => matchesGlob(file, glob)))
  if (changed.length === 0 || pendingBump(changesets, workspacePackage.name) !== null) return []
  const listed = changed.slice(0, 5).map((file) => prefix + file)
  return [
    `changed since its last release without a changeset: ${listed.join(', ')}${changed.length > 5 ? `, and ${changed.length - 5} more` : ''}. ` +
      `Add one: pnpm changeset (or pnpm exec changeset --patch ${workspacePackage.name} -m "...")`,
  ]
}

/** Table snapshots of a package as they are in the working tree. */
function currentSnapshots(workspacePackage: WorkspacePackage, globs: readonly string[]): TableSnapshot[] {
  const files = [...new Set(globs.flatMap((glob) => globSync(glob, { cwd: workspacePackage.dir })))].sort()
  return files.flatMap((file) => parseSnapshotFile(file, readFileSync(join(workspacePackage.dir, file), 'utf8')))
}

/** Table snapshots of a package as they were at `commit`. */
function snapshotsAt(
  root: string,
  commit: string,
  workspacePackage: WorkspacePackage,
  globs: readonly string[],
): TableSnapshot[] {
  const prefix = `${workspacePackage.relativeDir}/`
  const listing = git(root, ['ls-tree', '-r', '--name-only', commit, '--', workspacePackage.relativeDir])
  const files = listing
    .split('\n')
    .filter((file) => file.startsWith(prefix))
    .map((file) => file.slice(prefix.length))
    .filter((file) => globs.some((glob) => matchesGlob(file, glob)))
    .sort()
  return files.flatMap((file) => parseSnapshotFile(file, fileAt(root, commit, prefix + file) ?? ''))
}

function schemaViolations(
  options: ReleasePolicyOptions,
  workspacePackage: WorkspacePackage,
  since: string,
  changesets: readonly Changeset[],
): string[] {
  const globs = options.snapshotGlobs ?? DEFAULT_SNAPSHOT_GLOBS
  const before = snapshotsAt(options.root, since, workspacePackage, globs)
  if (before.length === 0) return []
  const changes = breakingChanges(before, currentSnapshots(workspacePackage, globs))
  if (changes.length === 0 || pendingBump(changesets, workspacePackage.name) === 'major') return []
  return [
    `breaking table changes since its last release need a major changeset (found ${pendingBump(changesets, workspacePackage.name) ?? 'none'}):\n` +
      changes.map((change) => `      - ${formatBreakingChange(change)}`).join('\n'),
  ]
}
