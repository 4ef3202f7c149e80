/**
 * `reviews`: pull request reviews of one repository (append, key `id`), by `submitted_at`.
 *
 * The Python original listed every pull request and every review on each read and always
 * returned `{}`, so a stream never made progress. Here a read walks the pull requests
 * updated since the position (newest first; submitting a review updates its pull request)
 * and emits the reviews submitted after it, up to the pass's cap (the server clock,
 * inclusive). The next position is that cap and the reviews read in its second (`seen`),
 * as for the other incremental tables, so a review submitted later in that second is read
 * next time. With `pull_number`, only that pull request's reviews are read.
 */
import type { Offset, RawRecord, TableRead } from '@lakeflow/core/connector'
import { InvalidOffsetError } from '@lakeflow/core/errors'
import { Spark } from '@lakeflow/core/schema'
import type { GithubContext, GithubTable } from '../github-context.ts'
import { keepStart, pendingDepth, scanDescending } from '../github-descending.ts'
import { ReviewTableOptions } from '../github-options.ts'
import {
  isNewAfter,
  type Position,
  PositionTracker,
  positionOf,
  positionOffset,
  startPosition,
} from '../github-position.ts'
import { offsetString, offsetTimeOf, recordId, updatedAt, withRepository } from '../github-reads.ts'
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

/** Emits the reviews of one pull request that are new after `start` and submitted up to `through`. */
async function* reviewsOf(
  context: GithubContext,
  options: Options,
  pullNumber: number,
  start: Position | undefined,
  through: number,
): AsyncGenerator<RawRecord, void, undefined> {
  const path = `/repos/${encodeURIComponent(options.owner)}/${encodeURIComponent(options.repo)}/pulls/${pullNumber}/reviews`
  for await (const page of context.api.pages(path, { per_page: options.per_page })) {
    for (const review of page.records) {
      // Pending reviews have no submitted_at yet; they are read once submitted.
      if (typeof review.submitted_at !== 'string') continue
      const submitted = recordTime(review, 'submitted_at')
      if (submitted > through || !isNewAfter(start, submitted, review)) continue
      review.pull_number = pullNumber
      yield withRepository(review, options.owner, options.repo)
    }
  }
}

/** Reads one pull request's reviews: the offset is the newest `submitted_at` read and the reviews read at it. */
async function* readPullRequestReviews(context: GithubContext, offset: Offset | null, options: Options): TableRead {
  const start = startPosition(offset, options.start_date, 'reviews')
  const cap = await context.api.cap()
  const tracker = new PositionTracker()
  for await (const review of reviewsOf(context, options, options.pull_number!, start, cap)) {
    tracker.add(recordTime(review, 'submitted_at'), review)
    yield review
  }
  return tracker.toOffset(start) ?? offset ?? {}
}

async function* readReviews(context: GithubContext, offset: Offset | null, options: Options): TableRead {
  if (options.pull_number !== undefined) return yield* readPullRequestReviews(context, offset, options)
  const unchanged = offset ?? {}
  const start = startPosition(offset, options.start_date, 'reviews')
  const fromOffset = positionOf(offset, 'reviews') !== undefined
  // Pull requests updated since the position (less the lookback) hold every review submitted since.
  const floor = start === undefined ? undefined : addSeconds(start.time, fromOffset ? -options.lookback_seconds : 0)
  // One cap for the whole pass, even when it spans several reads, so no review falls between two caps.
  let passCap = offsetTimeOf(offset, 'pass_cap', 'reviews')
  const pending = pendingDepth(offset, 'reviews')
  if (pending !== undefined && passCap === undefined)
    throw new InvalidOffsetError('reviews', '"depth" needs "pass_cap"', offset)
  // Reviews submitted in the cap's second, read by earlier reads of this pass.
  const atCap = new Set(offsetString(offset, 'pass_seen', 'reviews')?.split(',').filter(Boolean) ?? [])
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
    isOld: (_: unknown, key: number) => floor !== undefined && key < floor,
    resume,
  }
  for await (const item of scanDescending(context.api, scan)) {
    // The server's current second is read too; reviews submitted later in it are told apart by id.
    passCap ??= await context.api.cap()
    if (stopAt !== undefined && item.key !== stopAt) {
      const cut: Record<string, string | number> = {
        pass_cap: formatTime(passCap),
        depth: passCap - stopAt,
        page: item.page,
      }
      if (atCap.size > 0) cut.pass_seen = [...atCap].join(',')
      return keepStart(offset, cut)
    }
    // Pull requests updated after the cap are read too: one of their reviews may predate it.
    if (start === undefined || item.key > start.time) sawNew = true
    for await (const review of reviewsOf(context, options, Number(item.record.number), start, passCap)) {
      if (recordTime(review, 'submitted_at') === passCap) atCap.add(recordId(review))
      sawNew = true
      yield review
      count++
    }
    if (count >= limit) stopAt ??= item.key
  }
  if (!sawNew || passCap === undefined) return unchanged
  const carried = start !== undefined && start.time === passCap ? [...start.seen] : []
  return positionOffset(passCap, [...new Set([...carried, ...atCap])])
}

/** The `reviews` table: `GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews` per pull request. */
export const reviewsTable: GithubTable<typeof ReviewTableOptions> = {
  name: 'reviews',
  options: ReviewTableOptions,
  schema: reviewsSchema,
  metadata: { primary_keys: ['id'], ingestion_type: 'append' },
  read: readReviews,
}
