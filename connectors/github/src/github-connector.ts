/**
 * The GitHub connector: its definition (`connector`, what the CLI and the Spark bridge
 * load) and a factory for embedding it with extra settings.
 */
import {
  createTableConnector,
  defineConnector,
  type LakeflowConnector,
  type TableHandler,
  tableOptionKeysOf,
} from '@lakeflow/core/connector'
import type { RestContext } from '@lakeflow/core/kit'
import packageJson from '../package.json' with { type: 'json' }
import { createGithubContext, type GithubApiSettings } from './github-api.ts'
import { GithubOptions } from './github-options.ts'
import { organizationsTable, teamsTable, usersTable } from './tables/github-account.ts'
import { commitsTable } from './tables/github-commits.ts'
import { issueEventsTable } from './tables/github-issue-events.ts'
import { commentsTable, issuesTable } from './tables/github-issues.ts'
import { pullRequestsTable, reviewsTable } from './tables/github-pull-requests.ts'
import { repositoriesTable } from './tables/github-repositories.ts'
import { assigneesTable, branchesTable, collaboratorsTable } from './tables/github-repository-listings.ts'

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
] as const satisfies readonly TableHandler<RestContext, any>[]

/** Every table option key, for `ConnectorDefinition.tableOptionKeys` (upstream's allowlist). */
export const TABLE_OPTION_KEYS = tableOptionKeysOf(GITHUB_TABLES)

/**
 * Creates a GitHub connector from parsed options. Most users want {@link connector}
 * (`connector.create(rawOptions)`), which validates the options first.
 * @example
 * const github = createGithubConnector(parseOptions(GithubOptions, { token }, 'connector github'), {
 *   onEvent: (event) => console.error(event),
 * })
 */
export function createGithubConnector(options: GithubOptions, settings: GithubApiSettings = {}): LakeflowConnector {
  const context = createGithubContext(options, {
    userAgent: { packageName: packageJson.name, version: packageJson.version },
    ...settings,
  })
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
