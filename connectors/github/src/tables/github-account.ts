/**
 * The tables of the token's own account: `organizations` it belongs to, `teams` it is on,
 * and `users` (the account itself). Snapshots, key `id`.
 */
import { restTable } from '@lakeflow/core/kit'
import { Spark } from '@lakeflow/core/schema'
import { githubPages } from '../github-listing.ts'
import { AccountTableOptions, NoTableOptions } from '../github-options.ts'
import { teamSimpleFields, userFields } from './github-shapes.ts'

/** Fields of GitHub's `organization-simple`. */
const organizationFields = {
  login: Spark.string(),
  id: Spark.long({ nullable: false }),
  node_id: Spark.string(),
  url: Spark.string(),
  repos_url: Spark.string(),
  events_url: Spark.string(),
  hooks_url: Spark.string(),
  issues_url: Spark.string(),
  members_url: Spark.string(),
  public_members_url: Spark.string(),
  avatar_url: Spark.string(),
  description: Spark.string(),
}

/** Spark schema of the `organizations` table (GitHub's `organization-simple`). */
export const organizationsSchema = Spark.table(organizationFields)

/** Spark schema of the `teams` table (GitHub's `team-full`, plus `organization_login` as upstream). */
export const teamsSchema = Spark.table({
  ...teamSimpleFields,
  id: Spark.long({ nullable: false }),
  parent: Spark.struct(teamSimpleFields),
  members_count: Spark.long(),
  repos_count: Spark.long(),
  created_at: Spark.timestamp(),
  updated_at: Spark.timestamp(),
  organization: Spark.struct({
    ...organizationFields,
    id: Spark.long(),
    name: Spark.string(),
    company: Spark.string(),
    blog: Spark.string(),
    location: Spark.string(),
    email: Spark.string(),
    twitter_username: Spark.string(),
    is_verified: Spark.boolean(),
    has_organization_projects: Spark.boolean(),
    has_repository_projects: Spark.boolean(),
    public_repos: Spark.long(),
    public_gists: Spark.long(),
    followers: Spark.long(),
    following: Spark.long(),
    html_url: Spark.string(),
    type: Spark.string(),
    created_at: Spark.timestamp(),
    updated_at: Spark.timestamp(),
    archived_at: Spark.timestamp(),
  }),
  organization_login: Spark.string({ description: "Login of the team's organization" }),
})

/** Spark schema of the `users` table (GitHub's `private-user`: the authenticated account). */
export const usersSchema = Spark.table({
  ...userFields,
  id: Spark.long({ nullable: false }),
  name: Spark.string(),
  company: Spark.string(),
  blog: Spark.string(),
  location: Spark.string(),
  email: Spark.string(),
  notification_email: Spark.string(),
  hireable: Spark.boolean(),
  bio: Spark.string(),
  twitter_username: Spark.string(),
  public_repos: Spark.long(),
  public_gists: Spark.long(),
  followers: Spark.long(),
  following: Spark.long(),
  created_at: Spark.timestamp(),
  updated_at: Spark.timestamp(),
  private_gists: Spark.long(),
  total_private_repos: Spark.long(),
  owned_private_repos: Spark.long(),
  disk_usage: Spark.long(),
  collaborators: Spark.long(),
  two_factor_authentication: Spark.boolean(),
  plan: Spark.struct({
    collaborators: Spark.long(),
    name: Spark.string(),
    space: Spark.long(),
    private_repos: Spark.long(),
  }),
})

/** The `organizations` table: `GET /user/orgs`. */
export const organizationsTable = restTable({
  name: 'organizations',
  options: AccountTableOptions,
  schema: organizationsSchema,
  metadata: { primary_keys: ['id'], ingestion_type: 'snapshot' },
  request: { path: '/user/orgs' },
  paginator: githubPages,
})

/** The `teams` table: `GET /user/teams`, which returns full teams (no request per team). */
export const teamsTable = restTable({
  name: 'teams',
  options: AccountTableOptions,
  schema: teamsSchema,
  metadata: { primary_keys: ['id'], ingestion_type: 'snapshot' },
  request: { path: '/user/teams' },
  paginator: githubPages,
  map(record) {
    const organization = record.organization as { login?: unknown } | null | undefined
    record.organization_login = typeof organization?.login === 'string' ? organization.login : null
    return record
  },
})

/** The `users` table: `GET /user`, the account the token belongs to (one record). */
export const usersTable = restTable({
  name: 'users',
  options: NoTableOptions,
  schema: usersSchema,
  metadata: { primary_keys: ['id'], ingestion_type: 'snapshot' },
  request: { path: '/user' },
  records: (body) => [body],
})
