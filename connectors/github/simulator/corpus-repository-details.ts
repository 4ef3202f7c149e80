/**
 * The parts of a simulated repository beyond `minimal-repository`'s core: the URI templates
 * GitHub sends with every repository and the settings and counts of its full `repository`
 * object.
 */
import type { Random } from './corpus-people.ts'

type Json = Record<string, any>

/** The `*_url` URI templates of a repository whose API URL is `base`, as GitHub documents them. */
export function repositoryUrlTemplates(base: string): Json {
  return {
    archive_url: `${base}/{archive_format}{/ref}`,
    assignees_url: `${base}/assignees{/user}`,
    blobs_url: `${base}/git/blobs{/sha}`,
    branches_url: `${base}/branches{/branch}`,
    collaborators_url: `${base}/collaborators{/collaborator}`,
    comments_url: `${base}/comments{/number}`,
    commits_url: `${base}/commits{/sha}`,
    compare_url: `${base}/compare/{base}...{head}`,
    contents_url: `${base}/contents/{+path}`,
    git_commits_url: `${base}/git/commits{/sha}`,
    git_refs_url: `${base}/git/refs{/sha}`,
    git_tags_url: `${base}/git/tags{/sha}`,
    issue_comment_url: `${base}/issues/comments{/number}`,
    issue_events_url: `${base}/issues/events{/number}`,
    issues_url: `${base}/issues{/number}`,
    keys_url: `${base}/keys{/key_id}`,
    labels_url: `${base}/labels{/name}`,
    milestones_url: `${base}/milestones{/number}`,
    notifications_url: `${base}/notifications{?since,all,participating}`,
    pulls_url: `${base}/pulls{/number}`,
    releases_url: `${base}/releases{/id}`,
    statuses_url: `${base}/statuses/{sha}`,
    trees_url: `${base}/git/trees{/sha}`,
  }
}

/** GitHub's temporary clone tokens: 29 upper-case letters and digits. */
function cloneToken(random: Random): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
  let out = ''
  for (let index = 0; index < 29; index++) out += alphabet[random.int(0, alphabet.length - 1)]
  return out
}

/**
 * Merge settings, clone token and counts of a repository, drawn from `random`: merge commits and squash
 * merges mostly allowed, rebase merges less often; a clone token only on private repositories
 * (GitHub gives it to callers who may clone them); watchers a fraction of the stars; a fork
 * network at least as large as the forks.
 */
export function repositorySettings(random: Random, counts: { forks: number; stars: number; private: boolean }): Json {
  return {
    temp_clone_token: counts.private ? cloneToken(random) : null,
    allow_merge_commit: random.chance(0.85),
    allow_rebase_merge: random.chance(0.6),
    allow_squash_merge: random.chance(0.95),
    subscribers_count: random.int(0, Math.max(1, Math.floor(counts.stars / 20))),
    network_count: counts.forks + random.int(0, Math.floor(counts.forks / 4)),
  }
}
