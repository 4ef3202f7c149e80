/**
 * `commits`: the commits of one repository's default branch, read in time windows
 * (append, key `sha`). GitHub's `since` and `until` are both inclusive, so the kit's tiled
 * windows cover whole seconds `[start, start + window_seconds - 1]` and the next starts one
 * second later: a commit on a boundary is read once. The last window ends at the server
 * clock; its second is read again by the next call, skipping the commits listed in the
 * offset's `seen`. GitHub lists a window newest first, so a window cut by
 * `max_records_per_batch` resumes at its next page (`{cursor, page, until, until_seen}`).
 */
import type { RawRecord } from '@lakeflow/core/connector'
import { type Listing, parseCursor, restTable } from '@lakeflow/core/kit'
import { Spark } from '@lakeflow/core/schema'
import { githubPages } from '../github-listing.ts'
import { CommitTableOptions } from '../github-options.ts'
import { repositoryColumns, user } from './github-shapes.ts'

/** Spark schema of the `commits` table: GitHub's `commit`, with the git commit flattened as upstream does. */
export const commitsSchema = Spark.table({
  sha: Spark.string({ nullable: false }),
  node_id: Spark.string(),
  commit_message: Spark.string(),
  commit_author_name: Spark.string(),
  commit_author_email: Spark.string(),
  commit_author_date: Spark.timestamp(),
  commit_committer_name: Spark.string(),
  commit_committer_email: Spark.string(),
  commit_committer_date: Spark.timestamp(),
  commit_comment_count: Spark.long(),
  commit_tree_sha: Spark.string(),
  commit_verification: Spark.struct({
    verified: Spark.boolean(),
    reason: Spark.string(),
    signature: Spark.string(),
    payload: Spark.string(),
    verified_at: Spark.timestamp(),
  }),
  html_url: Spark.string(),
  url: Spark.string(),
  comments_url: Spark.string(),
  author: user(),
  committer: user(),
  parents: Spark.array(Spark.struct({ sha: Spark.string(), url: Spark.string(), html_url: Spark.string() })),
  ...repositoryColumns,
})

type Json = Record<string, any>

/** GitHub sends `{}` for an author it cannot match to an account; the schema wants `null`. */
function accountOrNull(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return null
  return Object.keys(value).length === 0 ? null : value
}

/** Flattens one commit from `GET /repos/{owner}/{repo}/commits` into a table record. */
export function toCommitRecord(raw: Json, owner: string, repo: string): RawRecord {
  const commit: Json = raw.commit ?? {}
  const author: Json = commit.author ?? {}
  const committer: Json = commit.committer ?? {}
  return {
    sha: raw.sha,
    node_id: raw.node_id,
    commit_message: commit.message ?? null,
    commit_author_name: author.name ?? null,
    commit_author_email: author.email ?? null,
    commit_author_date: author.date ?? null,
    commit_committer_name: committer.name ?? null,
    commit_committer_email: committer.email ?? null,
    commit_committer_date: committer.date ?? null,
    commit_comment_count: commit.comment_count ?? null,
    commit_tree_sha: commit.tree?.sha ?? null,
    commit_verification: commit.verification ?? null,
    html_url: raw.html_url ?? null,
    url: raw.url ?? null,
    comments_url: raw.comments_url ?? null,
    author: accountOrNull(raw.author),
    committer: accountOrNull(raw.committer),
    parents: raw.parents ?? null,
    repository_owner: owner,
    repository_name: repo,
  }
}

/** Slack before the discovered oldest commit: committer clocks are not monotonic along history. */
const DISCOVERY_MARGIN_MS = 86_400_000

/** A new stream starts a day before the oldest commit: the last page of the history, one commit a page. */
async function oldestCommit(listing: Listing): Promise<number | undefined> {
  const first = await listing.fetch(listing.first({ size: 1 }))
  const last = /<([^>]*)>\s*;\s*rel="?last"?/i.exec(first.response.headers.get('link') ?? '')?.[1]
  const lastPage = last === undefined ? 1 : Number(new URL(last, first.response.url).searchParams.get('page'))
  const page = lastPage > 1 ? await listing.fetch(listing.first({ size: 1, page: lastPage })) : first
  const commit = (page.records as readonly Json[]).at(-1)
  const time = parseCursor(commit?.commit?.committer?.date ?? commit?.commit?.author?.date, 'iso')
  return time === undefined ? undefined : time - DISCOVERY_MARGIN_MS
}

/** The `commits` table: `GET /repos/{owner}/{repo}/commits?since=…&until=…`. */
export const commitsTable = restTable({
  name: 'commits',
  options: CommitTableOptions,
  schema: commitsSchema,
  metadata: { primary_keys: ['sha'], ingestion_type: 'append' },
  request: { path: '/repos/{owner}/{repo}/commits' },
  paginator: githubPages,
  incremental: {
    cursor: 'commit.committer.date',
    since: { param: 'since', inclusive: true },
    until: { param: 'until', inclusive: true },
    ties: { remember: (commit) => String(commit.sha) },
    window: { seconds: (options) => options.window_seconds, mode: 'tile', discoverStart: oldestCommit },
  },
  map: (commit, { options }) => toCommitRecord(commit, options.owner, options.repo),
})
