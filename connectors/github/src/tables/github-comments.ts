/**
 * `comments`: the issue and pull request conversation comments of one repository,
 * incrementally by `updated_at` (cdc, key `id`).
 */
import { restTable } from '@lakeflow/core/kit'
import { Spark } from '@lakeflow/core/schema'
import { byUpdatedAt, githubPages, withRepository } from '../github-listing.ts'
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
