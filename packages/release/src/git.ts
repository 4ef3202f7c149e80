import { execFileSync } from 'node:child_process'

/** Runs git in `cwd` and returns its trimmed standard output; throws with git's stderr on failure. */
export function git(cwd: string, args: readonly string[]): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim()
    throw new Error(`git ${args.join(' ')} failed in ${cwd}: ${stderr || (error as Error).message}`)
  }
}

/** Like {@link git} but returns `null` instead of throwing (for lookups that may legitimately miss). */
export function gitOrNull(cwd: string, args: readonly string[]): string | null {
  try {
    return git(cwd, args)
  } catch {
    return null
  }
}

/** The commit a tag points at, or `null` when the tag does not exist locally. */
export function tagCommit(cwd: string, tag: string): string | null {
  return gitOrNull(cwd, ['rev-parse', '--verify', '--quiet', `refs/tags/${tag}^{commit}`])
}

/** A file's content at a commit, or `null` when it did not exist there. */
export function fileAt(cwd: string, commit: string, path: string): string | null {
  return gitOrNull(cwd, ['show', `${commit}:${path}`])
}

/** Files (relative to the repository root) that differ between `commit` and the working tree, under `dir`. */
export function changedFilesSince(cwd: string, commit: string, dir: string): string[] {
  const tracked = git(cwd, ['diff', '--name-only', commit, '--', dir])
  const untracked = git(cwd, ['ls-files', '--others', '--exclude-standard', '--', dir])
  return [...new Set([...tracked.split('\n'), ...untracked.split('\n')].filter(Boolean))].sort()
}

/**
 * The most recent commit whose `<dir>/package.json` declares `version`, i.e. the commit that
 * set the version (found by walking the file's history). `null` when no commit does.
 */
export function commitThatSetVersion(cwd: string, dir: string, version: string): string | null {
  const manifestPath = `${dir}/package.json`
  const history = gitOrNull(cwd, ['log', '--format=%H', '--', manifestPath])
  if (!history) return null
  let found: string | null = null
  // Newest first: the answer is the oldest commit of the newest unbroken run that has `version`.
  for (const commit of history.split('\n')) {
    const text = fileAt(cwd, commit, manifestPath)
    let declared: unknown
    try {
      declared = text === null ? undefined : (JSON.parse(text) as { version?: unknown }).version
    } catch {
      declared = undefined
    }
    if (declared === version) found = commit
    else if (found) break
  }
  return found
}
