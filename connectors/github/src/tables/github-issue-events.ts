/**
 * `issue_events`: the events of a repository's issues and pull requests (closed,
 * reopened, labeled, assigned, merged, renamed, ...), append-only by `created_at`, key
 * `id`. Not in the Python original: it is the history behind cycle-time and triage
 * metrics, which the `issues` table (current state only) cannot give. GitHub lists events
 * newest first with no time filter, so a read walks down to the last event it read (by id),
 * like pull requests; a capped read resumes below the last id it emitted.
 */
import type { Offset, RawRecord, TableRead } from '@lakeflow/core/connector'
import { InvalidOffsetError } from '@lakeflow/core/errors'
import { Spark } from '@lakeflow/core/schema'
import type { GithubContext, GithubTable } from '../github-context.ts'
import { keepStart, pendingDepth, scanDescending } from '../github-descending.ts'
import { IssueEventTableOptions, parseStartDate } from '../github-options.ts'
import { offsetNumber, offsetTimeOf, withRepository } from '../github-reads.ts'
import { formatTime, recordTime } from '../github-time.ts'
import { issueFields } from './github-issues.ts'
import { githubApp, repositoryColumns, team, user } from './github-shapes.ts'

/** Spark schema of the `issue_events` table (GitHub's `issue-event`). */
export const issueEventsSchema = Spark.table({
  id: Spark.long({ nullable: false }),
  node_id: Spark.string(),
  url: Spark.string(),
  actor: user(),
  event: Spark.string({ description: '`closed`, `reopened`, `labeled`, `assigned`, `merged`, `renamed`, ...' }),
  commit_id: Spark.string(),
  commit_url: Spark.string(),
  created_at: Spark.timestamp(),
  issue: Spark.struct(issueFields),
  label: Spark.struct({ name: Spark.string(), color: Spark.string() }),
  assignee: user(),
  assigner: user(),
  review_requester: user(),
  requested_reviewer: user(),
  requested_team: team(),
  dismissed_review: Spark.struct({
    state: Spark.string(),
    review_id: Spark.long(),
    dismissal_message: Spark.string(),
    dismissal_commit_id: Spark.string(),
  }),
  milestone: Spark.struct({ title: Spark.string() }),
  project_card: Spark.struct({
    url: Spark.string(),
    id: Spark.long(),
    project_url: Spark.string(),
    project_id: Spark.long(),
    column_name: Spark.string(),
    previous_column_name: Spark.string(),
  }),
  rename: Spark.struct({ from: Spark.string(), to: Spark.string() }),
  author_association: Spark.string(),
  lock_reason: Spark.string(),
  performed_via_github_app: githubApp(),
  ...repositoryColumns,
})

async function* readIssueEvents(
  context: GithubContext,
  offset: Offset | null,
  options: IssueEventTableOptions,
): TableRead {
  const unchanged = offset ?? {}
  // Event ids grow with creation, so the id (not the second-resolution time) is the cursor:
  // an event created in the same second as a read, after it, still has a larger id.
  const lastId = offsetNumber(offset, 'last_id', 'issue_events')
  const startDate = options.start_date === undefined ? undefined : parseStartDate(options.start_date, 'issue_events')
  const pending = pendingDepth(offset, 'issue_events')
  let high = offsetNumber(offset, 'high', 'issue_events')
  let highTime = offsetTimeOf(offset, 'high_time', 'issue_events')
  if (pending !== undefined && (high === undefined || highTime === undefined)) {
    throw new InvalidOffsetError('issue_events', '"depth" needs "high" and "high_time"', offset)
  }
  const resume = pending === undefined ? undefined : { upper: high! - pending.depth, page: pending.page }
  const limit = options.max_records_per_batch ?? Number.POSITIVE_INFINITY
  const path = `/repos/${encodeURIComponent(options.owner)}/${encodeURIComponent(options.repo)}/issues/events`
  const isOld = (record: RawRecord, id: number) =>
    lastId !== undefined ? id <= lastId : startDate !== undefined && recordTime(record, 'created_at') < startDate
  const scan = { path, params: { per_page: options.per_page }, keyOf: eventId, isOld, resume }
  let count = 0
  let stopAt: number | undefined
  let cap: number | undefined
  for await (const { record, key: id, page } of scanDescending(context.api, scan)) {
    cap ??= await context.api.cap()
    const created = recordTime(record, 'created_at')
    if (created > cap) continue
    if (stopAt !== undefined) {
      const depth = high! - stopAt
      return keepStart(offset, { high: high!, high_time: formatTime(highTime!), depth, page }, ['last_id', 'cursor'])
    }
    yield withRepository(record, options.owner, options.repo)
    if (high === undefined || id > high) {
      high = id
      highTime = created
    }
    if (++count >= limit) stopAt = id
  }
  if (high === undefined) return unchanged
  return { last_id: high, cursor: formatTime(highTime!) }
}

const eventId = (record: RawRecord): number => Number(record.id)

/** The `issue_events` table: `GET /repos/{owner}/{repo}/issues/events`. */
export const issueEventsTable: GithubTable<typeof IssueEventTableOptions> = {
  name: 'issue_events',
  options: IssueEventTableOptions,
  schema: issueEventsSchema,
  metadata: { primary_keys: ['id'], cursor_field: 'created_at', ingestion_type: 'append' },
  read: readIssueEvents,
}
