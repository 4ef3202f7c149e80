/**
 * `repositories`: the repositories of one user (`owner`) or organization (`org`), read in
 * full on every read (snapshot, key `id`).
 */
import { InvalidOptionsError } from '@lakeflow/core/errors'
import { restTable } from '@lakeflow/core/kit'
import { Spark } from '@lakeflow/core/schema'
import { githubPages } from '../github-listing.ts'
import { RepositoriesTableOptions } from '../github-options.ts'
import { repository, repositoryColumns, repositoryFields, repositoryUrlTemplateFields } from './github-shapes.ts'

/**
 * Spark schema of the `repositories` table: GitHub's `minimal-repository`, then the columns
 * added since the first release (appended, so existing tables only gain columns): the URI
 * templates, the merge settings, the template, the clone token and the counts of GitHub's
 * full `repository` object.
 */
export const repositoriesSchema = Spark.table({
  ...repositoryFields,
  id: Spark.long({ nullable: false }),
  ...repositoryColumns,
  ...repositoryUrlTemplateFields,
  allow_merge_commit: Spark.boolean({ description: 'Whether pull requests may be merged with a merge commit' }),
  allow_rebase_merge: Spark.boolean({ description: 'Whether pull requests may be rebase-merged' }),
  allow_squash_merge: Spark.boolean({ description: 'Whether pull requests may be squash-merged' }),
  template_repository: repository(),
  temp_clone_token: Spark.string({
    description: 'Short-lived token GitHub gives callers who may clone a private repository; empty or null otherwise',
  }),
  subscribers_count: Spark.long({ description: 'Accounts watching the repository' }),
  network_count: Spark.long({ description: 'Repositories in its fork network' }),
})

/** The `repositories` table: `GET /users/{owner}/repos` or `GET /orgs/{org}/repos`. */
export const repositoriesTable = restTable({
  name: 'repositories',
  options: RepositoriesTableOptions,
  schema: repositoriesSchema,
  metadata: { primary_keys: ['id'], ingestion_type: 'snapshot' },
  request: {
    path(options) {
      if ((options.owner === undefined) === (options.org === undefined)) {
        throw new InvalidOptionsError({
          key: options.owner === undefined ? 'owner' : 'org',
          where: 'table repositories of connector github',
          problem: 'set exactly one of "owner" (a user\'s repositories) or "org" (an organization\'s repositories)',
        })
      }
      return options.org !== undefined
        ? `/orgs/${encodeURIComponent(options.org)}/repos`
        : `/users/${encodeURIComponent(options.owner!)}/repos`
    },
  },
  paginator: githubPages,
  map(record) {
    const owner = record.owner as { login?: unknown } | null | undefined
    record.repository_owner = typeof owner?.login === 'string' ? owner.login : null
    record.repository_name = record.name ?? null
    return record
  },
})
