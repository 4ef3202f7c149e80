/**
 * `issues`: every issue (and pull request, as GitHub's issues API returns both) of one
 * repository, and `comments`: their conversation comments; both incrementally by
 * `updated_at` (cdc, key `id`).
 */
import { restTable } from '@lakeflow/core/kit'
import { Spark } from '@lakeflow/core/schema'
import { byUpdatedAt, githubPages, withRepository } from '../github-listing.ts'
import { CommentTableOptions, IssueTableOptions } from '../github-options.ts'
import { githubApp, label, milestone, reactions, repositoryColumns, user } from './github-shapes.ts'

/** Fields of GitHub's `issue`, as the issues and issue-event APIs return it. */
export const issueFields = {
  id: Spark.long({ nullable: false }),
  node_id: Spark.string(),
  url: Spark.string(),
  repository_url: Spark.string(),
  labels_url: Spark.string(),
  comments_url: Spark.string(),
  events_url: Spark.string(),
  html_url: Spark.string(),
  number: Spark.long(),
  state: Spark.string({ description: '`open` or `closed`' }),
  state_reason: Spark.string({ description: '`completed`, `not_planned`, `reopened` or null' }),
  title: Spark.string(),
  body: Spark.string(),
  user: user(),
  labels: Spark.array(label()),
  assignee: user(),
  assignees: Spark.array(user()),
  milestone: milestone(),
  locked: Spark.boolean(),
  active_lock_reason: Spark.string(),
  comments: Spark.long(),
  pull_request: Spark.struct(
    {
      url: Spark.string(),
      html_url: Spark.string(),
      diff_url: Spark.string(),
      patch_url: Spark.string(),
      merged_at: Spark.timestamp(),
    },
    { description: 'Set when the issue is a pull request' },
  ),
  closed_at: Spark.timestamp(),
  created_at: Spark.timestamp(),
  updated_at: Spark.timestamp(),
  closed_by: user(),
  author_association: Spark.string(),
  draft: Spark.boolean(),
  timeline_url: Spark.string(),
  performed_via_github_app: githubApp(),
  reactions: reactions(),
  sub_issues_summary: Spark.struct({
    total: Spark.long(),
    completed: Spark.long(),
    percent_completed: Spark.long(),
  }),
}

/** Spark schema of the `issues` table. */
export const issuesSchema = Spark.table({ ...issueFields, ...repositoryColumns })

/**
 * The `issues` table: `GET /repos/{owner}/{repo}/issues?sort=updated&direction=asc&since=…`,
 * paged by `since` (keyset: each page restarts after the last time read) rather than page
 * numbers, so an issue updated during the read cannot shift an unread one past the reader.
 * GitHub's `since` is inclusive; the records already read at it are skipped by id.
 */
export const issuesTable = restTable({
  name: 'issues',
  options: IssueTableOptions,
  schema: issuesSchema,
  metadata: { primary_keys: ['id'], cursor_field: 'updated_at', ingestion_type: 'cdc' },
  request: {
    path: '/repos/{owner}/{repo}/issues',
    query: { state: (options) => options.state, sort: 'updated', direction: 'asc' },
  },
  paginator: githubPages,
  incremental: { ...byUpdatedAt, since: { param: 'since', inclusive: true }, keyset: true },
  map: withRepository,
})

/** Spark schema of the `comments` table (GitHub's `issue-comment`). */
export const commentsSchema = Spark.table({
  id: Spark.long({ nullable: false }),
  node_id: Spark.string(),
  url: Spark.string(),
  html_url: Spark.string(),
  body: Spark.string(),
  user: user(),
  created_at: Spark.timestamp(),
  updated_at: Spark.timestamp(),
  issue_url: Spark.string(),
  author_association: Spark.string(),
  performed_via_github_app: githubApp(),
  reactions: reactions(),
  ...repositoryColumns,
})

/** The `comments` table: `GET /repos/{owner}/{repo}/issues/comments?sort=updated&direction=asc&since=…`, read as `issues`. */
export const commentsTable = restTable({
  name: 'comments',
  options: CommentTableOptions,
  schema: commentsSchema,
  metadata: { primary_keys: ['id'], cursor_field: 'updated_at', ingestion_type: 'cdc' },
  request: { path: '/repos/{owner}/{repo}/issues/comments', query: { sort: 'updated', direction: 'asc' } },
  paginator: githubPages,
  incremental: { ...byUpdatedAt, since: { param: 'since', inclusive: true }, keyset: true },
  map: withRepository,
})
