export { createGithubContext, GITHUB_API_VERSION, type GithubApiSettings, githubRateBudget } from './github-api.ts'
export { connector, createGithubConnector, GITHUB_TABLES, TABLE_OPTION_KEYS } from './github-connector.ts'
export {
  AccountTableOptions,
  CommentTableOptions,
  CommitTableOptions,
  DEFAULT_BASE_URL,
  DEFAULT_REQUESTS_PER_SECOND,
  GithubOptions,
  IssueEventTableOptions,
  IssueTableOptions,
  NoTableOptions,
  RepositoriesTableOptions,
  RepositoryTableOptions,
  ReviewTableOptions,
} from './github-options.ts'
export { organizationsSchema, teamsSchema, usersSchema } from './tables/github-account.ts'
export { commitsSchema, toCommitRecord } from './tables/github-commits.ts'
export { issueEventsSchema } from './tables/github-issue-events.ts'
export { commentsSchema, issuesSchema } from './tables/github-issues.ts'
export { pullRequestsSchema, reviewsSchema } from './tables/github-pull-requests.ts'
export { repositoriesSchema } from './tables/github-repositories.ts'
export { assigneesSchema, branchesSchema, collaboratorsSchema } from './tables/github-repository-listings.ts'
