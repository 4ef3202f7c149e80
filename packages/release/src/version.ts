import { spawnSync } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type BumpType, readChangesets, renderChangeset, writeChangeset } from './changesets.ts'
import { git } from './git.ts'
import { findPackage, listWorkspacePackages, type WorkspacePackage, withWorkspaceDependencies } from './workspace.ts'

/** What {@link versionPackages} did. */
export interface VersionResult {
  /** Packages whose version changed: name → [before, after]. */
  readonly bumped: ReadonlyMap<string, readonly [string, string]>
  /** Packages outside the scope that now need a release because a dependency left their range. */
  readonly followUps: readonly string[]
  /** The version commit, when one was made. */
  readonly commit: string | null
}

const parseVersion = (version: string) => version.split('-')[0]!.split('.').map(Number) as [number, number, number]

/**
 * Whether `version` is inside the range pnpm publishes for a `workspace:` specifier written
 * when the dependency was at `previous` (`workspace:^` → `^previous`, `~` → `~previous`,
 * `*` → exactly `previous`). Non-workspace specifiers are not ours to judge: `true`.
 */
export function workspaceRangeAllows(specifier: string, previous: string, version: string): boolean {
  if (!specifier.startsWith('workspace:')) return true
  const range = specifier.slice('workspace:'.length)
  const [major, minor, patch] = parseVersion(previous)
  const [nextMajor, nextMinor, nextPatch] = parseVersion(version)
  if (range === '^') {
    if (major > 0) return nextMajor === major
    if (minor > 0) return nextMajor === 0 && nextMinor === minor
    return nextMajor === 0 && nextMinor === 0 && nextPatch === patch
  }
  if (range === '~') return nextMajor === major && nextMinor === minor
  return version === previous
}

/**
 * Scoped `changeset version`: applies the pending changesets of `scope` only, so one package's
 * release pipeline never versions another's. Changesets (or the parts of them) that name packages
 * outside the scope are set aside while `changeset version` runs and put back afterwards; packages
 * that neither are in the scope nor are its dependencies are passed to `--ignore`, so they are not
 * bumped either. Such a package whose workspace dependency was bumped out of its range gets a patch
 * changeset, and its own pipeline releases it against the new version (that is how "a core release
 * bumps dependents' ranges as needed").
 */
export function versionPackages(
  root: string,
  scope: readonly string[],
  options: { commit?: boolean } = {},
): VersionResult {
  const packages = listWorkspacePackages(root)
  for (const name of scope) findPackage(packages, name)
  const inScope = new Set(scope)
  const needed = withWorkspaceDependencies(packages, scope)
  const ignored = packages.filter((workspacePackage) => !needed.has(workspacePackage.name))
  const args = ['version', ...ignored.flatMap((workspacePackage) => ['--ignore', workspacePackage.name])]
  const stash = mkdtempSync(join(tmpdir(), 'lakeflow-changesets-'))
  try {
    setAsideOutOfScope(root, inScope, stash)
    // changesets exits 1 on "No unreleased changesets found": nothing to do is not a failure here.
    const result =
      readChangesets(root).length === 0
        ? { status: 0, stderr: '', stdout: '' }
        : spawnSync(process.execPath, [changesetsBin(), ...args], { cwd: root, encoding: 'utf8' })
    if (result.status !== 0) throw new Error(`changeset version failed: ${(result.stderr || result.stdout).trim()}`)
  } finally {
    for (const file of readdirSync(stash)) renameOrCopy(join(stash, file), join(root, '.changeset', file))
    rmSync(stash, { recursive: true, force: true })
  }
  const after = listWorkspacePackages(root)
  const bumped = new Map<string, readonly [string, string]>()
  for (const before of packages) {
    const now = findPackage(after, before.name)
    if (now.version !== before.version) bumped.set(before.name, [before.version, now.version])
  }
  const followUps = writeFollowUpChangesets(root, ignored, bumped)
  let commit: string | null = null
  if (options.commit && (bumped.size > 0 || followUps.length > 0)) {
    git(root, ['add', '--all', '--', '.changeset', ...new Set(packages.map((p) => p.relativeDir))])
    const released = [...bumped].map(([name, [, version]]) => `${name}@${version}`)
    git(root, ['commit', '-q', '-m', `Version ${released.join(', ') || 'follow-up changesets'}`])
    commit = git(root, ['rev-parse', 'HEAD'])
  }
  return { bumped, followUps, commit }
}

/** Moves the out-of-scope part of every changeset into `stash` (same file name), leaving the in-scope part. */
function setAsideOutOfScope(root: string, inScope: ReadonlySet<string>, stash: string): void {
  for (const changeset of readChangesets(root)) {
    const mine = new Map([...changeset.releases].filter(([name]) => inScope.has(name)))
    const others = new Map([...changeset.releases].filter(([name]) => !inScope.has(name)))
    if (others.size === 0 && mine.size > 0) continue
    writeFileSync(join(stash, changeset.file), renderChangeset(others, changeset.summary))
    if (mine.size > 0) writeChangeset(root, changeset.file, mine, changeset.summary)
    else rmSync(join(root, '.changeset', changeset.file))
  }
}

function renameOrCopy(from: string, to: string): void {
  try {
    renameSync(from, to)
  } catch {
    copyFileSync(from, to) // the temp dir may sit on another file system
  }
}

/** The changesets CLI entry point (this package depends on `@changesets/cli`), so temp repos need no install. */
function changesetsBin(): string {
  const manifestPath = fileURLToPath(import.meta.resolve('@changesets/cli/package.json'))
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin: string | Record<string, string> }
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin.changeset!
  return join(dirname(manifestPath), bin)
}

function writeFollowUpChangesets(
  root: string,
  ignored: readonly WorkspacePackage[],
  bumped: ReadonlyMap<string, readonly [string, string]>,
): string[] {
  const followUps: string[] = []
  for (const dependent of ignored) {
    if (dependent.private) continue
    const reasons: string[] = []
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies'] as const) {
      const specifiers = (dependent.manifest[field] ?? {}) as Record<string, string>
      for (const [name, specifier] of Object.entries(specifiers)) {
        const change = bumped.get(name)
        if (change && !workspaceRangeAllows(specifier, change[0], change[1])) reasons.push(`${name}@${change[1]}`)
      }
    }
    if (reasons.length === 0) continue
    const file = `deps-${dependent.name.replace(/^@lakeflow\//, '').replace(/[^a-z0-9-]/gi, '-')}-${reasons.join('-').replace(/[^a-z0-9]+/gi, '-')}.md`
    if (!existsSync(join(root, '.changeset', file))) {
      writeChangeset(
        root,
        file,
        new Map<string, BumpType>([[dependent.name, 'patch']]),
        `Depend on ${reasons.join(', ')}.`,
      )
    }
    followUps.push(dependent.name)
  }
  return followUps
}
