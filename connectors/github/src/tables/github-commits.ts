/**
 * `commits`: the commits of one repository's default branch, read in time windows
 * (append, key `sha`). GitHub's `since` and `until` are both inclusive, so a window covers
 * whole seconds `[start, start + window_seconds - 1]` and the next starts one second later:
 * windows tile time without overlap. The last window ends at the server clock; its second
 * is read again by the next call, skipping the commits listed in the offset's `seen`, so a
 * commit pushed in that second is not lost. A window cut by `max_records_per_batch` resumes
 * at its next page and carries the commits already read at its last second (`until_seen`),
 * so a pass that ends there lists them all. A hand-written read on the kit's parts: GitHub
 * lists a window newest first, so a cut window resumes by page.
 */
import { type Offset, type RawRecord, type TableRead, tableFactory } from '@lakeflow/core/connector'
import type { ListingRequest } from '@lakeflow/core/http'
import {
  formatCursor,
  type Listing,
  type ListingDeclaration,
  type PositionCodec,
  parseCursor,
  type RestContext,
  readPosition,
  restListing,
  startOption,
  writePosition,
} from '@lakeflow/core/kit'
import { Type } from '@lakeflow/core/options'
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

const codec: PositionCodec = { cursorKey: 'cursor', seenKey: 'seen', format: 'iso' }
const iso = (value: number) => formatCursor(value, 'iso')
const list = (value: unknown) => (typeof value === 'string' ? value.split(',').filter(Boolean) : [])
const commits: ListingDeclaration<typeof CommitTableOptions> = {
  name: 'commits',
  request: { path: '/repos/{owner}/{repo}/commits' },
  paginator: githubPages,
  incremental: {
    format: 'iso',
    since: { param: 'since', inclusive: true },
    until: { param: 'until', inclusive: true },
  },
}

/** The oldest commit time, from the last page of the history (GitHub lists newest first), one commit a page. */
async function oldestCommitTime(listing: Listing): Promise<number | undefined> {
  const first = await listing.fetch(listing.first({ size: 1 }))
  const last = /<([^>]*)>\s*;\s*rel="?last"?/i.exec(first.response.headers.get('link') ?? '')?.[1]
  const lastPage = last === undefined ? 1 : Number(new URL(last, first.response.url).searchParams.get('page'))
  const page = lastPage > 1 ? await listing.fetch(listing.first({ size: 1, page: lastPage })) : first
  const commit = (page.records as readonly Json[]).at(-1)
  return parseCursor(commit?.commit?.committer?.date ?? commit?.commit?.author?.date, 'iso')
}

/** Slack before the discovered oldest commit: committer clocks are not monotonic along history. */
const DISCOVERY_MARGIN_MS = 86_400_000

async function* readCommits(context: RestContext, startOffset: Offset | null, options: CommitTableOptions): TableRead {
  const listing = restListing(commits, context, options)
  const unchanged = startOffset ?? {}
  let position = readPosition(codec, startOffset, 'commits')
  if (position === undefined && options.start_date !== undefined) {
    position = { value: startOption('commits', options.start_date, 'iso'), seen: new Set() }
  }
  if (position === undefined) {
    const oldest = await oldestCommitTime(listing)
    if (oldest === undefined) return unchanged
    position = { value: oldest - DISCOVERY_MARGIN_MS, seen: new Set() }
  }
  const cap = await context.clock.cap()
  if (position.value > cap) return unchanged
  const { value: from, seen } = position as { value: number; seen: ReadonlySet<string> }
  const limit = options.max_records_per_batch ?? Number.POSITIVE_INFINITY
  const width = options.window_seconds * 1000
  let windowStart = from
  let page = typeof startOffset?.page === 'number' ? startOffset.page : 1
  // Windows cover whole seconds [start, end]: GitHub's since and until are both inclusive.
  let windowEnd = parseCursor(startOffset?.until, 'iso') ?? Math.min(windowStart + width - 1000, cap)
  // Commits read at the window's last second, by earlier calls of this window (a cut window) and this one.
  let atEnd = new Set(list(startOffset?.until_seen))
  const atCap: string[] = []
  let count = 0
  const seenHere = (value: number) => (value === from ? [...seen] : [])
  for (;;) {
    let request: ListingRequest | undefined = listing.first({
      since: windowStart,
      sinceInclusive: true,
      until: windowEnd,
      page,
    })
    while (request !== undefined) {
      const result = await listing.fetch(request)
      const records = result.records as readonly Json[]
      for (const raw of records) {
        const record = toCommitRecord(raw, options.owner, options.repo)
        const time = parseCursor(record.commit_committer_date, 'iso') ?? 0
        const sha = String(record.sha)
        if (time === from && seen.has(sha)) continue // read by the previous call
        yield record
        count++
        if (time === cap) atCap.push(sha)
        if (time === windowEnd) atEnd.add(sha)
      }
      request = listing.next(result, records.length, records)
      if (count >= limit && request !== undefined) {
        const pending: Record<string, string | number> = {
          cursor: iso(windowStart),
          page: (result.page ?? 1) + 1,
          until: iso(windowEnd),
        }
        if (seenHere(windowStart).length > 0) pending.seen = seenHere(windowStart).join(',')
        if (atEnd.size > 0) pending.until_seen = [...atEnd].join(',')
        return pending
      }
    }
    if (windowEnd >= cap) {
      const carried = windowEnd === cap ? [...atEnd] : []
      return writePosition(codec, cap, [...new Set([...seenHere(cap), ...carried, ...atCap])])
    }
    windowStart = windowEnd + 1000
    page = 1
    atEnd = new Set()
    if (count >= limit) return { cursor: iso(windowStart) }
    windowEnd = Math.min(windowStart + width - 1000, cap)
  }
}

const optionalTime = Type.Optional(Type.String({ format: 'date-time' }))

/** The `commits` table: `GET /repos/{owner}/{repo}/commits?since=…&until=…`. */
export const commitsTable = tableFactory<RestContext>()({
  name: 'commits',
  options: CommitTableOptions,
  schema: commitsSchema,
  metadata: { primary_keys: ['sha'], ingestion_type: 'append' },
  offset: {
    schema: Type.Object(
      {
        cursor: optionalTime,
        seen: Type.Optional(Type.String()),
        page: Type.Optional(Type.Integer({ minimum: 1 })),
        until: optionalTime,
        until_seen: Type.Optional(Type.String()),
      },
      { additionalProperties: false },
    ),
    ordered: { cursor: 'ascending', until: 'ascending' },
  },
  read: readCommits,
})
