/**
 * `reviews`: pull request reviews of one repository (append, key `id`), by `submitted_at`.
 *
 * A read walks the pull requests updated since the position (newest first; submitting a
 * review updates its pull request) and emits the reviews submitted after it, up to the
 * pass's cap (the server clock, inclusive). The next position is that cap and the reviews
 * read in its second (`seen`), as for the other incremental tables, so a review submitted
 * later in that second is read next time. A capped pass keeps its cap and resumes below the
 * last pull request it finished (`{pass_cap, pass_seen, below, page}`). With `pull_number`,
 * only that pull request's reviews are read. A hand-written read on the kit's parts: its
 * children are filtered by their own time against a cap fixed for the whole pass.
 */
import { type Offset, type RawRecord, type TableRead, tableFactory } from '@lakeflow/core/connector'
import { InvalidOffsetError } from '@lakeflow/core/errors'
import {
  formatCursor,
  isNewAfter,
  type ListingDeclaration,
  type Position,
  type PositionCodec,
  PositionTracker,
  parseCursor,
  type RestContext,
  readAll,
  readPosition,
  restListing,
  scanDescending,
  startOption,
  writePosition,
} from '@lakeflow/core/kit'
import { Type } from '@lakeflow/core/options'
import { Spark } from '@lakeflow/core/schema'
import { githubPages, migrateDepth, recordId, withRepository } from '../github-listing.ts'
import { ReviewTableOptions } from '../github-options.ts'
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
const codec: PositionCodec = { cursorKey: 'cursor', seenKey: 'seen', format: 'iso' }
const time = (record: RawRecord, field: string) => parseCursor(record[field], 'iso') ?? 0
const pulls: ListingDeclaration<typeof ReviewTableOptions> = {
  name: 'reviews',
  request: {
    path: '/repos/{owner}/{repo}/pulls',
    query: { state: (options) => options.state, sort: 'updated', direction: 'desc' },
  },
  paginator: githubPages,
}
const reviewsOfPull: ListingDeclaration<typeof ReviewTableOptions> = {
  name: 'reviews',
  request: { path: '/repos/{owner}/{repo}/pulls/{pull_number}/reviews' },
  paginator: githubPages,
}

/** Emits the reviews of one pull request that are new after `start` and submitted up to `through`. */
async function* reviewsOf(
  context: RestContext,
  options: Options,
  pull: number,
  start: Position | undefined,
  through: number,
) {
  for await (const review of readAll(restListing(reviewsOfPull, context, options, { pull_number: pull }), (r) => r)) {
    // Pending reviews have no submitted_at yet; they are read once submitted.
    if (typeof review.submitted_at !== 'string') continue
    const submitted = time(review, 'submitted_at')
    if (submitted > through || !isNewAfter(start, submitted, () => recordId(review))) continue
    review.pull_number = pull
    yield withRepository(review, { options })
  }
}

function startOf(offset: Offset | null, options: Options): Position | undefined {
  const position = readPosition(codec, offset, 'reviews')
  if (position !== undefined || options.start_date === undefined) return position
  return { value: startOption('reviews', options.start_date, 'iso'), seen: new Set() }
}

/** One pull request's reviews: the offset is the newest `submitted_at` read and the reviews read at it. */
async function* readPullRequestReviews(context: RestContext, offset: Offset | null, options: Options): TableRead {
  const start = startOf(offset, options)
  const cap = await context.clock.cap()
  const tracker = new PositionTracker(true)
  for await (const review of reviewsOf(context, options, options.pull_number!, start, cap)) {
    tracker.add(time(review, 'submitted_at'), () => recordId(review))
    yield review
  }
  return tracker.position(codec, start) ?? offset ?? {}
}

async function* readReviews(context: RestContext, offset: Offset | null, options: Options): TableRead {
  if (options.pull_number !== undefined) return yield* readPullRequestReviews(context, offset, options)
  const unchanged = offset ?? {}
  const start = startOf(offset, options)
  const fromOffset = readPosition(codec, offset, 'reviews') !== undefined
  // Pull requests updated since the position (less the lookback) hold every review submitted since.
  const floor = start === undefined ? undefined : start.value - (fromOffset ? options.lookback_seconds * 1000 : 0)
  // One cap for the whole pass, even when it spans several reads, so no review falls between two caps.
  let passCap = parseCursor(offset?.pass_cap, 'iso')
  const below = parseCursor(offset?.below, 'iso')
  if (below !== undefined && passCap === undefined) {
    throw new InvalidOffsetError('reviews', '"below" needs "pass_cap"', offset, 'pass_cap')
  }
  // Reviews submitted in the cap's second, read by earlier reads of this pass.
  const atCap = new Set(typeof offset?.pass_seen === 'string' ? offset.pass_seen.split(',').filter(Boolean) : [])
  const resume = below === undefined ? undefined : { below, page: Number(offset?.page ?? 1) }
  const limit = options.max_records_per_batch ?? Number.POSITIVE_INFINITY
  let sawNew = resume !== undefined
  let count = 0
  let stopAt: number | undefined
  const scan = {
    keyOf: (pull: RawRecord) => time(pull, 'updated_at'),
    isOld: (_: RawRecord, key: number) => floor !== undefined && key < floor,
    resume,
  }
  for await (const item of scanDescending(restListing(pulls, context, options), scan)) {
    // The server's current second is read too; reviews submitted later in it are told apart by id.
    passCap ??= await context.clock.cap()
    if (stopAt !== undefined && item.key !== stopAt) {
      const cut: Record<string, string | number> = {}
      for (const key of ['cursor', 'seen']) if (typeof offset?.[key] === 'string') cut[key] = offset[key] as string
      if (atCap.size > 0) cut.pass_seen = [...atCap].join(',')
      return { ...cut, pass_cap: formatCursor(passCap, 'iso'), below: formatCursor(stopAt, 'iso'), page: item.page }
    }
    // Pull requests updated after the cap are read too: one of their reviews may predate it.
    if (start === undefined || item.key > start.value) sawNew = true
    for await (const review of reviewsOf(context, options, Number(item.record.number), start, passCap)) {
      if (time(review, 'submitted_at') === passCap) atCap.add(recordId(review))
      sawNew = true
      yield review
      count++
    }
    if (count >= limit) stopAt ??= item.key
  }
  if (!sawNew || passCap === undefined) return unchanged
  const carried = start !== undefined && start.value === passCap && start.seen !== 'all' ? [...start.seen] : []
  return writePosition(codec, passCap, [...new Set([...carried, ...atCap])])
}

const optionalTime = Type.Optional(Type.String({ format: 'date-time' }))

/** The `reviews` table: `GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews` per pull request. */
export const reviewsTable = tableFactory<RestContext>()({
  name: 'reviews',
  options: ReviewTableOptions,
  schema: reviewsSchema,
  metadata: { primary_keys: ['id'], ingestion_type: 'append' },
  offset: {
    schema: Type.Object(
      {
        cursor: optionalTime,
        seen: Type.Optional(Type.String()),
        pass_cap: optionalTime,
        pass_seen: Type.Optional(Type.String()),
        below: optionalTime,
        page: Type.Optional(Type.Integer({ minimum: 1 })),
      },
      { additionalProperties: false },
    ),
    ordered: { cursor: 'ascending', pass_cap: 'ascending', below: 'descending' },
    migrate: migrateDepth('pass_cap'),
  },
  read: readReviews,
})
