/**
 * `issues`: every issue (and pull request, as GitHub's issues API returns both) of one
 * repository, incrementally by `updated_at` (cdc, key `id`).
 */
import { Spark } from '@lakeflow/core/schema'
import { readUpdatedAscending } from '../github-ascending.ts'
import type { GithubTable } from '../github-context.ts'
import { IssueTableOptions } from '../github-options.ts'
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

/** The `issues` table: `GET /repos/{owner}/{repo}/issues?sort=updated&direction=asc&since=…`. */
export const issuesTable: GithubTable<typeof IssueTableOptions> = {
  name: 'issues',
  options: IssueTableOptions,
  schema: issuesSchema,
  metadata: { primary_keys: ['id'], cursor_field: 'updated_at', ingestion_type: 'cdc' },
  read(context, startOffset, options) {
    return readUpdatedAscending(context, startOffset, {
      table: 'issues',
      path: `/repos/${encodeURIComponent(options.owner)}/${encodeURIComponent(options.repo)}/issues`,
      params: { state: options.state },
      owner: options.owner,
      repo: options.repo,
      options,
    })
  },
}
