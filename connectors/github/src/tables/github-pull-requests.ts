/**
 * `pull_requests`: the pull requests of one repository, incrementally by `updated_at`
 * (cdc, key `id`). GitHub's pulls API has no `since` filter, so the read walks the list
 * newest-updated first and stops at the cursor.
 *
 * `reviews`: pull request reviews of one repository (append, key `id`), by `submitted_at`,
 * found through their pull requests (submitting a review updates its pull request): a read
 * walks the pull requests updated since the position, newest first, and emits their reviews
 * submitted after it, up to the pass's cap (the server clock, inclusive). The next position
 * is that cap and the reviews read in its second (`seen`). A capped pass keeps its cap and
 * resumes below the last pull request it finished (`{high, high_seen, below, page}`).
 * Pending reviews (no `submitted_at` yet) are read once submitted. With `pull_number`,
 * only that pull request's reviews are read.
 */
import { restTable } from '@lakeflow/core/kit'
import { Spark } from '@lakeflow/core/schema'
import { byUpdatedAt, githubPages, migrateDepth, recordId, withRepository } from '../github-listing.ts'
import { IssueTableOptions, ReviewTableOptions } from '../github-options.ts'
import { label, link, milestone, repository, repositoryColumns, team, user } from './github-shapes.ts'

/** A pull request's `head` or `base`: a branch of a repository at a commit. */
const branchRef = () =>
  Spark.struct({
    label: Spark.string(),
    ref: Spark.string(),
    sha: Spark.string(),
    user: user(),
    repo: repository(),
  })

/** Spark schema of the `pull_requests` table (GitHub's `pull-request-simple`). */
export const pullRequestsSchema = Spark.table({
  url: Spark.string(),
  id: Spark.long({ nullable: false }),
  node_id: Spark.string(),
  html_url: Spark.string(),
  diff_url: Spark.string(),
  patch_url: Spark.string(),
  issue_url: Spark.string(),
  commits_url: Spark.string(),
  review_comments_url: Spark.string(),
  review_comment_url: Spark.string(),
  comments_url: Spark.string(),
  statuses_url: Spark.string(),
  number: Spark.long(),
  state: Spark.string({ description: '`open` or `closed`' }),
  locked: Spark.boolean(),
  title: Spark.string(),
  user: user(),
  body: Spark.string(),
  labels: Spark.array(label()),
  milestone: milestone(),
  active_lock_reason: Spark.string(),
  created_at: Spark.timestamp(),
  updated_at: Spark.timestamp(),
  closed_at: Spark.timestamp(),
  merged_at: Spark.timestamp(),
  merge_commit_sha: Spark.string(),
  assignee: user(),
  assignees: Spark.array(user()),
  requested_reviewers: Spark.array(user()),
  requested_teams: Spark.array(team()),
  head: branchRef(),
  base: branchRef(),
  _links: Spark.struct({
    self: link(),
    html: link(),
    issue: link(),
    comments: link(),
    review_comments: link(),
    review_comment: link(),
    commits: link(),
    statuses: link(),
  }),
  author_association: Spark.string(),
  auto_merge: Spark.struct({
    enabled_by: user(),
    merge_method: Spark.string(),
    commit_title: Spark.string(),
    commit_message: Spark.string(),
  }),
  draft: Spark.boolean(),
  ...repositoryColumns,
})

/**
 * The `pull_requests` table: `GET /repos/{owner}/{repo}/pulls?sort=updated&direction=desc`,
 * walked newest-updated first down to the position. A pass capped by
 * `max_records_per_batch` resumes below the last second it finished, by page
 * (`{cursor, seen, high, high_seen, below, page}`); the finished pass ends with
 * `{cursor: high, seen}`.
 */
export const pullRequestsTable = restTable({
  name: 'pull_requests',
  options: IssueTableOptions,
  schema: pullRequestsSchema,
  metadata: { primary_keys: ['id'], cursor_field: 'updated_at', ingestion_type: 'cdc' },
  request: {
    path: '/repos/{owner}/{repo}/pulls',
    query: { state: (options) => options.state, sort: 'updated', direction: 'desc' },
  },
  paginator: githubPages,
  incremental: { ...byUpdatedAt, order: 'descending' },
  map: withRepository,
  migrate: migrateDepth('high'),
})

/** Spark schema of the `reviews` table (GitHub's `pull-request-review`). */
export const reviewsSchema = Spark.table({
  id: Spark.long({ nullable: false }),
  node_id: Spark.string(),
  user: user(),
  body: Spark.string(),
  state: Spark.string({ description: '`APPROVED`, `CHANGES_REQUESTED`, `COMMENTED`, `DISMISSED` or `PENDING`' }),
  html_url: Spark.string(),
  pull_request_url: Spark.string(),
  _links: Spark.struct({ html: link(), pull_request: link() }),
  submitted_at: Spark.timestamp(),
  commit_id: Spark.string(),
  author_association: Spark.string(),
  pull_number: Spark.long({ description: 'Number of the pull request reviewed' }),
  ...repositoryColumns,
})

/** The `reviews` table: `GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews` per pull request. */
export const reviewsTable = restTable({
  name: 'reviews',
  options: ReviewTableOptions,
  schema: reviewsSchema,
  metadata: { primary_keys: ['id'], ingestion_type: 'append' },
  request: { path: '/repos/{owner}/{repo}/pulls/{pull_number}/reviews' },
  paginator: githubPages,
  parent: {
    table: pullRequestsTable.declaration,
    fields: { pull_number: 'number' },
    only: (options) => (options.pull_number === undefined ? undefined : { pull_number: options.pull_number }),
  },
  incremental: { cursor: 'submitted_at', ties: { remember: recordId }, unstamped: 'skip' },
  map: withRepository,
  migrate: (offset) => {
    // Passes written before the kit named their cap `pass_cap` and its ids `pass_seen`.
    const { pass_cap: high, pass_seen: seen, ...rest } = offset
    return high === undefined ? offset : migrateDepth('high')({ ...rest, high, ...(seen ? { high_seen: seen } : {}) })
  },
})
