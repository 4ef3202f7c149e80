/**
 * Options of the GitHub connector: the connection options (token, base URL, rate-limit
 * bound) and the per-table options, as strict typebox schemas. Table options arrive as
 * strings (Spark passes strings); numbers are coerced and validated, so `per_page: "500"`
 * is an error naming the key rather than a silent default as in the Python original.
 */
import { InvalidOptionsError, redactUrl } from '@lakeflow/core/errors'
import { lookbackSeconds as lookbackOption, maxRecordsPerBatch, pageSize } from '@lakeflow/core/kit'
import { defineOptions, secret, Type } from '@lakeflow/core/options'
import type { Static } from 'typebox'

/** The public GitHub API. */
export const DEFAULT_BASE_URL = 'https://api.github.com'

/** Default `max_requests_per_second`: 600 a minute, under GitHub's secondary limit of about 900 points a minute. */
export const DEFAULT_REQUESTS_PER_SECOND = 10
/** Highest `max_requests_per_second` (GitHub Enterprise Server can lift its limits; tests run fast). */
export const MAX_REQUESTS_PER_SECOND = 1000
/** Requests that may go out back to back before the pace applies. */
export const REQUEST_BURST = 10

/** Connection options of the GitHub connector. */
export const GithubOptions = defineOptions({
  token: secret(
    Type.String({
      minLength: 1,
      description:
        'GitHub token sent as `Authorization: Bearer <token>`: a fine-grained or classic personal access token, ' +
        'or a GitHub App installation token. See the README for the permissions each table needs.',
    }),
  ),
  base_url: Type.String({
    default: DEFAULT_BASE_URL,
    description:
      'REST API base URL. `https://api.github.com` for github.com; `https://<host>/api/v3` for GitHub Enterprise ' +
      'Server. A trailing `/` is ignored.',
  }),
  max_rate_limit_wait_seconds: Type.Integer({
    minimum: 0,
    maximum: 86_400,
    default: 900,
    description:
      'Longest wait for a rate limit to reset (primary limit: until `x-ratelimit-reset`; secondary limit: ' +
      '`Retry-After`, or one minute when GitHub names no time). A longer wait fails the read at once with a ' +
      'retryable error naming the reset time, ' +
      'and the run resumes from its last offset later. `0` never waits.',
  }),
  max_requests_per_second: Type.Number({
    exclusiveMinimum: 0,
    maximum: MAX_REQUESTS_PER_SECOND,
    default: DEFAULT_REQUESTS_PER_SECOND,
    description:
      'Requests per second this process sends for one token to one GitHub host, shared by every table, ' +
      `partition and connector instance, in bursts of up to ${REQUEST_BURST}. GitHub allows a token 5,000 ` +
      'requests an hour (primary limit, waited out when spent) and about 900 points (GET requests) a minute ' +
      `(secondary limit); the default ${DEFAULT_REQUESTS_PER_SECOND}/s stays under the secondary limit. ` +
      `@default ${DEFAULT_REQUESTS_PER_SECOND}`,
  }),
})

/** Parsed connection options. */
export type GithubOptions = Static<typeof GithubOptions>

/**
 * Checks what the schema cannot say clearly: `base_url` is an absolute http(s) URL without
 * query or fragment. Returns it without a trailing `/`.
 */
export function checkBaseUrl(baseUrl: string): string {
  let url: URL | undefined
  try {
    url = new URL(baseUrl)
  } catch {
    url = undefined
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.search !== '' || url.hash !== '' || url.username !== '') {
    throw new InvalidOptionsError({
      key: 'base_url',
      where: 'connector github',
      problem: `expected an http(s) URL such as "${DEFAULT_BASE_URL}" or "https://ghe.example.com/api/v3" (no query, fragment or credentials), got ${JSON.stringify(redactUrl(baseUrl))}`,
    })
  }
  return baseUrl.replace(/\/+$/, '')
}

/** `owner`: the account that owns the repository. */
const owner = Type.String({
  minLength: 1,
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
  description: 'Repository owner: a user or organization login, e.g. `octo-org`.',
})

/** `repo`: the repository name. */
const repo = Type.String({
  minLength: 1,
  pattern: '^[A-Za-z0-9._-]+$',
  description: 'Repository name without the `.git` extension, e.g. `hello-world`.',
})

const perPage = pageSize({ maximum: 100, default: 100 })
const lookbackSeconds = lookbackOption({ default: 300 })

/** `start_date`: a date or an ISO 8601 UTC date-time. */
const startDate = Type.String({
  description:
    'Where a new stream starts: `2024-01-01` or `2024-01-01T00:00:00Z`. Records updated (or, for commits and ' +
    'events, created) before it are not read. Unset: from the beginning.',
})

const state = Type.Union([Type.Literal('open'), Type.Literal('closed'), Type.Literal('all')], {
  default: 'all',
  description: 'Which items to read by state: `open`, `closed` or `all`.',
})

const strict = { additionalProperties: false } as const
const repository = { owner, repo, per_page: perPage }
const cursorOptions = {
  start_date: Type.Optional(startDate),
  // Long tables commit as they go (an interrupted sync keeps its progress); 5,000 is 50 full pages.
  max_records_per_batch: maxRecordsPerBatch({ default: 5000 }),
}

/** Options of tables scoped to one repository and read in full (assignees, branches, collaborators). */
export const RepositoryTableOptions = Type.Object(repository, strict)
/** Parsed `RepositoryTableOptions`. */
export type RepositoryTableOptions = Static<typeof RepositoryTableOptions>

/** Options of the issues and pull_requests tables. */
export const IssueTableOptions = Type.Object(
  { ...repository, state, lookback_seconds: lookbackSeconds, ...cursorOptions },
  strict,
)
/** Parsed `IssueTableOptions`. */
export type IssueTableOptions = Static<typeof IssueTableOptions>

/** Options of the comments table. */
export const CommentTableOptions = Type.Object(
  { ...repository, lookback_seconds: lookbackSeconds, ...cursorOptions },
  strict,
)
/** Parsed `CommentTableOptions`. */
export type CommentTableOptions = Static<typeof CommentTableOptions>

/** Options of the commits table. */
export const CommitTableOptions = Type.Object(
  {
    ...repository,
    ...cursorOptions,
    window_seconds: Type.Integer({
      minimum: 1,
      default: 604_800,
      description:
        'Width of the time window of one commits request (`since`..`until`), in seconds. Windows are half-open, ' +
        'so a commit on a boundary is read once. @default 604800 (7 days)',
    }),
  },
  strict,
)
/** Parsed `CommitTableOptions`. */
export type CommitTableOptions = Static<typeof CommitTableOptions>

/** Options of the reviews table. */
export const ReviewTableOptions = Type.Object(
  {
    ...IssueTableOptions.properties,
    pull_number: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'Read the reviews of this pull request only. Unset: every pull request of the repository.',
      }),
    ),
  },
  strict,
)
/** Parsed `ReviewTableOptions`. */
export type ReviewTableOptions = Static<typeof ReviewTableOptions>

/** Options of the issue_events table. */
export const IssueEventTableOptions = Type.Object({ ...repository, ...cursorOptions }, strict)
/** Parsed `IssueEventTableOptions`. */
export type IssueEventTableOptions = Static<typeof IssueEventTableOptions>

/** Options of the repositories table: exactly one of `owner` (a user) or `org`. */
export const RepositoriesTableOptions = Type.Object(
  {
    owner: Type.Optional({ ...owner, description: 'List the repositories of this user.' }),
    org: Type.Optional({ ...owner, description: 'List the repositories of this organization.' }),
    per_page: perPage,
  },
  strict,
)
/** Parsed `RepositoriesTableOptions`. */
export type RepositoriesTableOptions = Static<typeof RepositoriesTableOptions>

/** Options of the account-wide tables (organizations, teams, users). */
export const AccountTableOptions = Type.Object({ per_page: perPage }, strict)
/** Parsed `AccountTableOptions`. */
export type AccountTableOptions = Static<typeof AccountTableOptions>

/** Options of tables that take none (`users`). */
export const NoTableOptions = Type.Object({}, strict)
