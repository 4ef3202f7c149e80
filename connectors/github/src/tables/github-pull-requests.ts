/**
 * `pull_requests`: the pull requests of one repository, incrementally by `updated_at`
 * (cdc, key `id`). GitHub's pulls API has no `since` filter, so the read walks the list
 * newest-updated first and stops at the cursor.
 */
import { restTable } from '@lakeflow/core/kit'
import { Spark } from '@lakeflow/core/schema'
import { byUpdatedAt, githubPages, migrateDepth, withRepository } from '../github-listing.ts'
import { IssueTableOptions } from '../github-options.ts'
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
