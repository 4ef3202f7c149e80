/**
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
import { githubPages, migrateDepth, recordId, withRepository } from '../github-listing.ts'
import { ReviewTableOptions } from '../github-options.ts'
import { pullRequestsTable } from './github-pull-requests.ts'
import { link, repositoryColumns, user } from './github-shapes.ts'

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
