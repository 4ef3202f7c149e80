/**
 * `issue_events`: the events of a repository's issues and pull requests (closed,
 * reopened, labeled, assigned, merged, renamed, ...), append-only by `created_at`, key
 * `id`. Not in the Python original: it is the history behind cycle-time and triage
 * metrics, which the `issues` table (current state only) cannot give.
 */
import { restTable } from '@lakeflow/core/kit'
import { Spark } from '@lakeflow/core/schema'
import { githubPages, migrateDepth, withRepository } from '../github-listing.ts'
import { IssueEventTableOptions } from '../github-options.ts'
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

/**
 * The `issue_events` table: `GET /repos/{owner}/{repo}/issues/events`, newest first, walked
 * down to the last event id read (`{last_id}`): event ids grow with creation, so an event
 * created in the same second as a read, after it, still has a larger id. `start_date` and
 * the init-time cap apply to `created_at`. A capped pass resumes below the last id it
 * emitted (`{high, below, page}`).
 */
export const issueEventsTable = restTable({
  name: 'issue_events',
  options: IssueEventTableOptions,
  schema: issueEventsSchema,
  metadata: { primary_keys: ['id'], cursor_field: 'created_at', ingestion_type: 'append' },
  request: { path: '/repos/{owner}/{repo}/issues/events' },
  paginator: githubPages,
  incremental: { cursor: 'id', format: 'number', offsetKey: 'last_id', time: 'created_at', order: 'descending' },
  map: withRepository,
  migrate: migrateDepth('high', ['high_time', 'cursor']),
})
