/**
 * Spark shapes of the objects GitHub nests inside its REST responses (users, labels,
 * milestones, reactions, apps, teams, repositories), shared by the table schemas. Field
 * names and order follow GitHub's documented REST schemas (`simple-user`, `label`,
 * `milestone`, `reaction-rollup`, `integration`, `team`, `minimal-repository`). Ids and
 * counts are `long`, times are `timestamp`, and a missing nested object is `null`.
 */
import { Spark } from '@lakeflow/core/schema'

/** Fields of GitHub's `simple-user` (a user or organization account in a list). */
export const userFields = {
  login: Spark.string(),
  id: Spark.long(),
  node_id: Spark.string(),
  avatar_url: Spark.string(),
  gravatar_id: Spark.string(),
  url: Spark.string(),
  html_url: Spark.string(),
  followers_url: Spark.string(),
  following_url: Spark.string(),
  gists_url: Spark.string(),
  starred_url: Spark.string(),
  subscriptions_url: Spark.string(),
  organizations_url: Spark.string(),
  repos_url: Spark.string(),
  events_url: Spark.string(),
  received_events_url: Spark.string(),
  type: Spark.string(),
  user_view_type: Spark.string(),
  site_admin: Spark.boolean(),
}

/** GitHub's `simple-user`, nullable. */
export const user = () => Spark.struct(userFields)

/** GitHub's `label`. */
export const label = () =>
  Spark.struct({
    id: Spark.long(),
    node_id: Spark.string(),
    url: Spark.string(),
    name: Spark.string(),
    description: Spark.string(),
    color: Spark.string(),
    default: Spark.boolean(),
  })

/** GitHub's `milestone`. */
export const milestone = () =>
  Spark.struct({
    url: Spark.string(),
    html_url: Spark.string(),
    labels_url: Spark.string(),
    id: Spark.long(),
    node_id: Spark.string(),
    number: Spark.long(),
    state: Spark.string(),
    title: Spark.string(),
    description: Spark.string(),
    creator: user(),
    open_issues: Spark.long(),
    closed_issues: Spark.long(),
    created_at: Spark.timestamp(),
    updated_at: Spark.timestamp(),
    closed_at: Spark.timestamp(),
    due_on: Spark.timestamp(),
  })

/** GitHub's `reaction-rollup` (counts per reaction; `+1` and `-1` are GitHub's own names). */
export const reactions = () =>
  Spark.struct({
    url: Spark.string(),
    total_count: Spark.long(),
    '+1': Spark.long(),
    '-1': Spark.long(),
    laugh: Spark.long(),
    confused: Spark.long(),
    heart: Spark.long(),
    hooray: Spark.long(),
    eyes: Spark.long(),
    rocket: Spark.long(),
  })

/** GitHub's `integration` (a GitHub App), as in `performed_via_github_app`. */
export const githubApp = () =>
  Spark.struct({
    id: Spark.long(),
    slug: Spark.string(),
    node_id: Spark.string(),
    client_id: Spark.string(),
    owner: user(),
    name: Spark.string(),
    description: Spark.string(),
    external_url: Spark.string(),
    html_url: Spark.string(),
    created_at: Spark.timestamp(),
    updated_at: Spark.timestamp(),
    permissions: Spark.map(Spark.string(), Spark.string()),
    events: Spark.array(Spark.string()),
  })

/** Fields of GitHub's `team-simple` (a team without its parent). */
export const teamSimpleFields = {
  id: Spark.long(),
  node_id: Spark.string(),
  url: Spark.string(),
  members_url: Spark.string(),
  name: Spark.string(),
  description: Spark.string(),
  permission: Spark.string(),
  privacy: Spark.string(),
  notification_setting: Spark.string(),
  html_url: Spark.string(),
  repositories_url: Spark.string(),
  slug: Spark.string(),
}

/** GitHub's `team` (with its parent as a `team-simple`). */
export const team = () => Spark.struct({ ...teamSimpleFields, parent: Spark.struct(teamSimpleFields) })

/** GitHub's `license-simple`. */
export const license = () =>
  Spark.struct({
    key: Spark.string(),
    name: Spark.string(),
    url: Spark.string(),
    spdx_id: Spark.string(),
    node_id: Spark.string(),
  })

/** The caller's permissions on a repository, as GitHub reports them. */
export const repositoryPermissions = () =>
  Spark.struct({
    admin: Spark.boolean(),
    maintain: Spark.boolean(),
    push: Spark.boolean(),
    triage: Spark.boolean(),
    pull: Spark.boolean(),
  })

/**
 * Fields of a repository as lists return it (`minimal-repository`), without the URI
 * templates ({@link repositoryUrlTemplateFields}): the shape of a repository nested in
 * another record (a pull request's `head.repo`, a repository's `template_repository`).
 */
export const repositoryFields = {
  id: Spark.long(),
  node_id: Spark.string(),
  name: Spark.string(),
  full_name: Spark.string(),
  owner: user(),
  private: Spark.boolean(),
  html_url: Spark.string(),
  description: Spark.string(),
  fork: Spark.boolean(),
  url: Spark.string(),
  forks_url: Spark.string(),
  teams_url: Spark.string(),
  hooks_url: Spark.string(),
  events_url: Spark.string(),
  tags_url: Spark.string(),
  languages_url: Spark.string(),
  stargazers_url: Spark.string(),
  contributors_url: Spark.string(),
  subscribers_url: Spark.string(),
  subscription_url: Spark.string(),
  merges_url: Spark.string(),
  downloads_url: Spark.string(),
  deployments_url: Spark.string(),
  git_url: Spark.string(),
  ssh_url: Spark.string(),
  clone_url: Spark.string(),
  svn_url: Spark.string(),
  mirror_url: Spark.string(),
  homepage: Spark.string(),
  language: Spark.string(),
  forks_count: Spark.long(),
  stargazers_count: Spark.long(),
  watchers_count: Spark.long(),
  size: Spark.long(),
  default_branch: Spark.string(),
  open_issues_count: Spark.long(),
  is_template: Spark.boolean(),
  topics: Spark.array(Spark.string()),
  has_issues: Spark.boolean(),
  has_projects: Spark.boolean(),
  has_wiki: Spark.boolean(),
  has_pages: Spark.boolean(),
  has_downloads: Spark.boolean(),
  has_discussions: Spark.boolean(),
  archived: Spark.boolean(),
  disabled: Spark.boolean(),
  visibility: Spark.string(),
  pushed_at: Spark.timestamp(),
  created_at: Spark.timestamp(),
  updated_at: Spark.timestamp(),
  permissions: repositoryPermissions(),
  allow_forking: Spark.boolean(),
  web_commit_signoff_required: Spark.boolean(),
  license: license(),
  forks: Spark.long(),
  open_issues: Spark.long(),
  watchers: Spark.long(),
}

/**
 * The URI templates GitHub sends with every repository (`.../git/blobs{/sha}`): API URLs
 * with `{/placeholder}` parts. The `repositories` table keeps them as columns, as the Python
 * connector did; nested repositories leave them out.
 */
export const repositoryUrlTemplateFields = {
  archive_url: Spark.string(),
  assignees_url: Spark.string(),
  blobs_url: Spark.string(),
  branches_url: Spark.string(),
  collaborators_url: Spark.string(),
  comments_url: Spark.string(),
  commits_url: Spark.string(),
  compare_url: Spark.string(),
  contents_url: Spark.string(),
  git_commits_url: Spark.string(),
  git_refs_url: Spark.string(),
  git_tags_url: Spark.string(),
  issue_comment_url: Spark.string(),
  issue_events_url: Spark.string(),
  issues_url: Spark.string(),
  keys_url: Spark.string(),
  labels_url: Spark.string(),
  milestones_url: Spark.string(),
  notifications_url: Spark.string(),
  pulls_url: Spark.string(),
  releases_url: Spark.string(),
  statuses_url: Spark.string(),
  trees_url: Spark.string(),
}

/** A repository nested in another object (a pull request's head or base). */
export const repository = () => Spark.struct(repositoryFields)

/** A hypermedia link: `{ href }`. */
export const link = () => Spark.struct({ href: Spark.string() })

/** The columns every repository-scoped table adds: which repository a record came from. */
export const repositoryColumns = {
  repository_owner: Spark.string({ description: 'Owner (user or organization login) of the repository read' }),
  repository_name: Spark.string({ description: 'Name of the repository read' }),
}
