/**
 * `issue_events`: the events of a repository's issues and pull requests (closed,
 * reopened, labeled, assigned, merged, renamed, ...), append-only by `created_at`, key
 * `id`. Not in the Python original: it is the history behind cycle-time and triage
 * metrics, which the `issues` table (current state only) cannot give. GitHub lists events
 * newest first with no time filter, so a read walks down to its cursor, like pull requests.
 */
import type { Offset, TableRead } from '@lakeflow/core/connector'
import { Spark } from '@lakeflow/core/schema'
import type { GithubContext, GithubTable } from '../github-context.ts'
import { IssueEventTableOptions } from '../github-options.ts'
import { initialCursor, offsetTimeOf, scanDescending, scanResumeOf, withRepository } from '../github-reads.ts'
import { addSeconds, formatTime } from '../github-time.ts'
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
  const fromOffset = offsetTimeOf(offset, 'cursor', 'issue_events')
  const cursor =
    fromOffset ??
    (options.start_date === undefined
      ? undefined
      : addSeconds(initialCursor(null, options.start_date, 'issue_events')!, -1))
  const resume = scanResumeOf(offset, 'issue_events')
  let high = offsetTimeOf(offset, 'high', 'issue_events')
  const limit = options.max_records_per_batch ?? Number.POSITIVE_INFINITY
  const path = `/repos/${encodeURIComponent(options.owner)}/${encodeURIComponent(options.repo)}/issues/events`
  let count = 0
  let stopAt: number | undefined
  let cap: number | undefined
  for await (const item of scanDescending(
    context.api,
    path,
    { per_page: options.per_page },
    'created_at',
    cursor,
    resume,
  )) {
    cap ??= await context.api.cap()
    if (item.time > cap) continue
    if (stopAt !== undefined && item.time !== stopAt) {
      const pending: Record<string, string | number> = {
        upper: formatTime(stopAt),
        page: item.page,
        high: formatTime(high!),
      }
      if (typeof offset?.cursor === 'string') pending.cursor = offset.cursor
      return pending
    }
    yield withRepository(item.record, options.owner, options.repo)
    high = Math.max(high ?? item.time, item.time)
    if (++count >= limit) stopAt ??= item.time
  }
  return high === undefined ? unchanged : { cursor: formatTime(high) }
}

/** The `issue_events` table: `GET /repos/{owner}/{repo}/issues/events`. */
export const issueEventsTable: GithubTable<typeof IssueEventTableOptions> = {
  name: 'issue_events',
  options: IssueEventTableOptions,
  schema: issueEventsSchema,
  metadata: { primary_keys: ['id'], cursor_field: 'created_at', ingestion_type: 'append' },
  read: readIssueEvents,
}
