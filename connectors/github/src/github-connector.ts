/**
 * The GitHub connector: its definition (`connector`, what the CLI and the Spark bridge
 * load) and a factory for embedding it with extra settings.
 */
import { createTableConnector, defineConnector, type LakeflowConnector } from '@lakeflow/core/connector'
import packageJson from '../package.json' with { type: 'json' }
import { GithubApi, type GithubApiSettings } from './github-api.ts'
import type { GithubContext } from './github-context.ts'
import { GithubOptions, TABLE_OPTION_KEYS } from './github-options.ts'
import { organizationsTable, teamsTable, usersTable } from './tables/github-account.ts'
import { branchesTable } from './tables/github-branches.ts'
import { commentsTable } from './tables/github-comments.ts'
import { commitsTable } from './tables/github-commits.ts'
import { issueEventsTable } from './tables/github-issue-events.ts'
import { issuesTable } from './tables/github-issues.ts'
import { pullRequestsTable } from './tables/github-pull-requests.ts'
import { repositoriesTable } from './tables/github-repositories.ts'
import { assigneesTable, collaboratorsTable } from './tables/github-repository-members.ts'
import { reviewsTable } from './tables/github-reviews.ts'

/** The tables, in upstream's order, then the additions. */
export const GITHUB_TABLES = [
  issuesTable,
  repositoriesTable,
  pullRequestsTable,
  commentsTable,
  commitsTable,
  assigneesTable,
  branchesTable,
  collaboratorsTable,
  organizationsTable,
  teamsTable,
  usersTable,
  reviewsTable,
  issueEventsTable,
] as const

/**
 * Creates a GitHub connector from parsed options. Most users want {@link connector}
 * (`connector.create(rawOptions)`), which validates the options first.
 * @example
 * const github = createGithubConnector(parseOptions(GithubOptions, { token }, 'connector github'), {
 *   onEvent: (event) => console.error(event),
 * })
 */
export function createGithubConnector(options: GithubOptions, settings: GithubApiSettings = {}): LakeflowConnector {
  const api = new GithubApi(options, {
    userAgent: { packageName: packageJson.name, version: packageJson.version },
    ...settings,
  })
  const context: GithubContext = { api }
  return createTableConnector({ name: 'github', context, tables: GITHUB_TABLES })
}

/**
 * The GitHub connector definition.
 * @example
 * import { connector } from '@lakeflow/connector-github'
 * const github = connector.create({ token: process.env.GITHUB_TOKEN })
 * for await (const issue of github.readTable('issues', {}, { owner: 'octo-org', repo: 'hello-world' })) ...
 */
export const connector = defineConnector({
  name: 'github',
  packageName: packageJson.name,
  version: packageJson.version,
  description: 'GitHub REST API: issues, pull requests, comments, commits, reviews, repositories and more',
  options: GithubOptions,
  tableOptionKeys: TABLE_OPTION_KEYS,
  create: (options) => createGithubConnector(options),
})
