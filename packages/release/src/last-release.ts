import { commitThatSetVersion, gitOrNull, tagCommit } from './git.ts'
import type { WorkspacePackage } from './workspace.ts'

/**
 * Where a package's current version was last released from.
 * - `tag`: the git tag `<name>@<version>` exists; `commit` is what it points at.
 * - `registry`: no tag, but the registry has `<name>@<version>`; `commit` is the commit that set
 *   that version in package.json (a fresh CI clone has no tags, but has the history).
 * - `unreleased`: the current version was never released (a new package, or a version bump that
 *   is waiting for `pnpm release`): nothing to compare against.
 */
export type LastRelease =
  | { readonly kind: 'tag'; readonly version: string; readonly commit: string; readonly tag: string }
  | { readonly kind: 'registry'; readonly version: string; readonly commit: string }
  | { readonly kind: 'unreleased'; readonly version: string; readonly reason: string }

/** How to look a version up in the registry; `null` when no registry is consulted. */
export type PublishedVersionsLookup = ((name: string) => readonly string[]) | null

/** Resolves {@link LastRelease} for `workspacePackage` in the repository at `root`. */
export function lastRelease(
  root: string,
  workspacePackage: WorkspacePackage,
  lookup: PublishedVersionsLookup,
): LastRelease {
  const { name, version, relativeDir } = workspacePackage
  const tag = `${name}@${version}`
  const tagged = tagCommit(root, tag)
  if (tagged) return { kind: 'tag', version, commit: tagged, tag }
  if (!lookup) {
    return { kind: 'unreleased', version, reason: `no tag ${tag} and no registry configured` }
  }
  if (!lookup(name).includes(version)) {
    return { kind: 'unreleased', version, reason: `no tag ${tag} and ${version} is not in the registry` }
  }
  if (gitOrNull(root, ['rev-parse', '--is-shallow-repository']) === 'true') {
    throw new Error(
      `${tag} is published but has no tag, and this clone is shallow: fetch the full history (actions/checkout with fetch-depth: 0) so the release commit can be found`,
    )
  }
  const commit = commitThatSetVersion(root, relativeDir, version)
  if (!commit) {
    throw new Error(`${tag} is published but no commit in this history sets ${relativeDir}/package.json to ${version}`)
  }
  return { kind: 'registry', version, commit }
}

/** One line describing a {@link LastRelease}, for reports. */
export function describeLastRelease(release: LastRelease): string {
  switch (release.kind) {
    case 'tag':
      return `released as tag ${release.tag} (${release.commit.slice(0, 9)})`
    case 'registry':
      return `${release.version} is in the registry; released from ${release.commit.slice(0, 9)}, the commit that set it`
    case 'unreleased':
      return `${release.version} not released yet (${release.reason})`
  }
}
