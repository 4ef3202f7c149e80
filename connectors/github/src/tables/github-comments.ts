/**
 * `comments`: the issue and pull request conversation comments of one repository,
 * incrementally by `updated_at` (cdc, key `id`).
 */
import { Spark } from '@lakeflow/core/schema'
import { readUpdatedAscending } from '../github-ascending.ts'
import type { GithubTable } from '../github-context.ts'
import { CommentTableOptions } from '../github-options.ts'
import { githubApp, reactions, repositoryColumns, user } from './github-shapes.ts'

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

/** The `comments` table: `GET /repos/{owner}/{repo}/issues/comments?sort=updated&direction=asc&since=…`. */
export const commentsTable: GithubTable<typeof CommentTableOptions> = {
  name: 'comments',
  options: CommentTableOptions,
  schema: commentsSchema,
  metadata: { primary_keys: ['id'], cursor_field: 'updated_at', ingestion_type: 'cdc' },
  read(context, startOffset, options) {
    return readUpdatedAscending(context, startOffset, {
      table: 'comments',
      path: `/repos/${encodeURIComponent(options.owner)}/${encodeURIComponent(options.repo)}/issues/comments`,
      params: {},
      owner: options.owner,
      repo: options.repo,
      options,
    })
  },
}
