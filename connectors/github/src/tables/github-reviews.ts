/**
 * `reviews`: pull request reviews of one repository (append, key `id`), by `submitted_at`.
 *
 * The Python original listed every pull request and every review on each read and always
 * returned `{}`, so a stream never made progress. Here a read walks the pull requests
 * updated since the cursor (newest first; submitting a review updates its pull request)
 * and emits the reviews submitted after the cursor and up to the pass's cap, which becomes
 * the next cursor. With `pull_number`, only that pull request's reviews are read.
 */
import type { Offset, RawRecord, TableRead } from '@lakeflow/core/connector'
import { InvalidOffsetError } from '@lakeflow/core/errors'
import { Spark } from '@lakeflow/core/schema'
import type { GithubContext, GithubTable } from '../github-context.ts'
import { keepStart, pendingDepth, scanDescending } from '../github-descending.ts'
import { parseStartDate, ReviewTableOptions } from '../github-options.ts'
import { offsetTimeOf, updatedAt, withRepository } from '../github-reads.ts'
import { addSeconds, formatTime, recordTime } from '../github-time.ts'
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

type Options = ReviewTableOptions

/** Emits the reviews of one pull request submitted in `(after, through]`. */
async function* reviewsOf(
  context: GithubContext,
  options: Options,
  pullNumber: number,
  after: number | undefined,
  through: number,
): AsyncGenerator<RawRecord, void, undefined> {
  const path = `/repos/${encodeURIComponent(options.owner)}/${encodeURIComponent(options.repo)}/pulls/${pullNumber}/reviews`
  for await (const page of context.api.pages(path, { per_page: options.per_page })) {
    for (const review of page.records) {
      // Pending reviews have no submitted_at yet; they are read once submitted.
      if (typeof review.submitted_at !== 'string') continue
      const submitted = recordTime(review, 'submitted_at')
      if ((after !== undefined && submitted <= after) || submitted > through) continue
      review.pull_number = pullNumber
      yield withRepository(review, options.owner, options.repo)
    }
  }
}

function startCursor(offset: Offset | null, options: Options): number | undefined {
  const cursor = offsetTimeOf(offset, 'cursor', 'reviews')
  if (cursor !== undefined) return cursor
  return options.start_date === undefined ? undefined : addSeconds(parseStartDate(options.start_date, 'reviews'), -1)
}

/** Reads one pull request's reviews: `{cursor}` is the newest `submitted_at` read. */
async function* readPullRequestReviews(context: GithubContext, offset: Offset | null, options: Options): TableRead {
  const after = startCursor(offset, options)
  const cap = addSeconds(await context.api.cap(), -1)
  let newest: number | undefined
  for await (const review of reviewsOf(context, options, options.pull_number!, after, cap)) {
    newest = Math.max(newest ?? 0, recordTime(review, 'submitted_at'))
    yield review
  }
  return newest === undefined ? (offset ?? {}) : { cursor: formatTime(newest) }
}

async function* readReviews(context: GithubContext, offset: Offset | null, options: Options): TableRead {
  if (options.pull_number !== undefined) return yield* readPullRequestReviews(context, offset, options)
  const unchanged = offset ?? {}
  const after = startCursor(offset, options)
  const fromOffset = offsetTimeOf(offset, 'cursor', 'reviews') !== undefined
  const floor = after === undefined ? undefined : fromOffset ? addSeconds(after, -options.lookback_seconds) : after
  // One cap for the whole pass, even when it spans several reads, so no review falls between two caps.
  let passCap = offsetTimeOf(offset, 'pass_cap', 'reviews')
  const pending = pendingDepth(offset, 'reviews')
  if (pending !== undefined && passCap === undefined)
    throw new InvalidOffsetError('reviews', '"depth" needs "pass_cap"', offset)
  const resume = pending === undefined ? undefined : { upper: passCap! - pending.depth, page: pending.page }
  const limit = options.max_records_per_batch ?? Number.POSITIVE_INFINITY
  const path = `/repos/${encodeURIComponent(options.owner)}/${encodeURIComponent(options.repo)}/pulls`
  const params = { state: options.state, sort: 'updated', direction: 'desc', per_page: options.per_page }
  let sawNew = resume !== undefined
  let count = 0
  let stopAt: number | undefined
  const scan = {
    path,
    params,
    keyOf: updatedAt,
    isOld: (_: unknown, key: number) => floor !== undefined && key <= floor,
    resume,
  }
  for await (const item of scanDescending(context.api, scan)) {
    // The current second may still gain reviews after this read: read up to the one before.
    passCap ??= addSeconds(await context.api.cap(), -1)
    if (stopAt !== undefined && item.key !== stopAt) {
      return keepStart(offset, { pass_cap: formatTime(passCap), depth: passCap - stopAt, page: item.page })
    }
    // Pull requests updated after the cap are read too: one of their reviews may predate it.
    if (after === undefined || item.key > after) sawNew = true
    for await (const review of reviewsOf(context, options, Number(item.record.number), after, passCap)) {
      yield review
      count++
    }
    if (count >= limit) stopAt ??= item.key
  }
  if (!sawNew || passCap === undefined) return unchanged
  return { cursor: formatTime(passCap) }
}

/** The `reviews` table: `GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews` per pull request. */
export const reviewsTable: GithubTable<typeof ReviewTableOptions> = {
  name: 'reviews',
  options: ReviewTableOptions,
  schema: reviewsSchema,
  metadata: { primary_keys: ['id'], ingestion_type: 'append' },
  read: readReviews,
}
