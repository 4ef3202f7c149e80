/**
 * `commits`: the commits of one repository's default branch, read in time windows
 * (append, key `sha`). The Python original used the same time as one window's `until` and
 * the next one's `since`, both inclusive on GitHub, so a commit exactly on a boundary was
 * emitted twice; here a window covers whole seconds `[start, start + window_seconds - 1]`
 * and the next starts one second later, so windows tile time without overlap. The last
 * window ends at the server clock; its second is read again by the next call, skipping the
 * commits listed in the offset's `seen`, so a commit pushed in that second is not lost.
 * A window cut by `max_records_per_batch` resumes at its next page and carries the commits
 * already read at its last second (`until_seen`), so a pass that ends there lists them all.
 */
import type { Offset, RawRecord, TableRead } from '@lakeflow/core/connector'
import { Spark } from '@lakeflow/core/schema'
import type { GithubContext, GithubTable } from '../github-context.ts'
import { CommitTableOptions } from '../github-options.ts'
import { positionOffset, startPosition } from '../github-position.ts'
import { offsetNumber, offsetString, offsetTimeOf } from '../github-reads.ts'
import { addSeconds, formatTime, tryParseTime } from '../github-time.ts'
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

/** The oldest commit time, from the last page of the history (GitHub lists newest first). */
async function oldestCommitTime(context: GithubContext, path: string): Promise<number | undefined> {
  const first = await context.api.getPage(path, { per_page: 1 })
  const last =
    first.lastPage !== undefined && first.lastPage > 1
      ? await context.api.getPage(path, { per_page: 1, page: first.lastPage })
      : first
  const commit = last.records.at(-1) as Json | undefined
  const date = commit?.commit?.committer?.date ?? commit?.commit?.author?.date
  return typeof date === 'string' ? tryParseTime(date) : undefined
}

/** Slack before the discovered oldest commit: committer clocks are not monotonic along history. */
const DISCOVERY_MARGIN_SECONDS = 86_400

async function* readCommits(
  context: GithubContext,
  startOffset: Offset | null,
  options: CommitTableOptions,
): TableRead {
  const path = `/repos/${encodeURIComponent(options.owner)}/${encodeURIComponent(options.repo)}/commits`
  const unchanged = startOffset ?? {}
  let position = startPosition(startOffset, options.start_date, 'commits')
  if (position === undefined) {
    const oldest = await oldestCommitTime(context, path)
    if (oldest === undefined) return unchanged
    position = { time: addSeconds(oldest, -DISCOVERY_MARGIN_SECONDS), seen: new Set() }
  }
  const cap = await context.api.cap()
  if (position.time > cap) return unchanged
  const limit = options.max_records_per_batch ?? Number.POSITIVE_INFINITY
  const width = options.window_seconds
  let windowStart = position.time
  let page = offsetNumber(startOffset, 'page', 'commits') ?? 1
  // Windows cover whole seconds [start, end]: GitHub's since and until are both inclusive.
  let windowEnd = offsetTimeOf(startOffset, 'until', 'commits') ?? Math.min(addSeconds(windowStart, width - 1), cap)
  // Commits read at the window's last second, by earlier calls of this window (a cut window) and this one.
  let atEnd = new Set(offsetString(startOffset, 'until_seen', 'commits')?.split(',').filter(Boolean) ?? [])
  const atCap: string[] = []
  let count = 0
  const seenHere = (start: number) => (start === position.time ? [...position.seen] : [])
  for (;;) {
    const params = { since: formatTime(windowStart), until: formatTime(windowEnd), per_page: options.per_page }
    for await (const result of context.api.pages(path, params, page)) {
      for (const raw of result.records) {
        const record = toCommitRecord(raw as Json, options.owner, options.repo)
        const time = tryParseTime(String(record.commit_committer_date)) ?? 0
        if (time === position.time && position.seen.has(String(record.sha))) continue // read by the previous call
        yield record
        count++
        if (time === cap) atCap.push(String(record.sha))
        if (time === windowEnd) atEnd.add(String(record.sha))
      }
      if (count >= limit && result.hasNext) {
        const seen = seenHere(windowStart).join(',')
        const pending: Record<string, string | number> = {
          cursor: formatTime(windowStart),
          page: result.page + 1,
          until: formatTime(windowEnd),
        }
        if (seen !== '') pending.seen = seen
        if (atEnd.size > 0) pending.until_seen = [...atEnd].join(',')
        return pending
      }
    }
    if (windowEnd >= cap) {
      const carried = windowEnd === cap ? [...atEnd] : []
      return positionOffset(cap, [...new Set([...seenHere(cap), ...carried, ...atCap])])
    }
    windowStart = addSeconds(windowEnd, 1)
    page = 1
    atEnd = new Set()
    if (count >= limit) return { cursor: formatTime(windowStart) }
    windowEnd = Math.min(addSeconds(windowStart, width - 1), cap)
  }
}

/** The `commits` table: `GET /repos/{owner}/{repo}/commits?since=…&until=…`. */
export const commitsTable: GithubTable<typeof CommitTableOptions> = {
  name: 'commits',
  options: CommitTableOptions,
  schema: commitsSchema,
  metadata: { primary_keys: ['sha'], ingestion_type: 'append' },
  read: readCommits,
}
