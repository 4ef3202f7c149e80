/**
 * `repositories`: the repositories of one user (`owner`) or organization (`org`), read in
 * full on every read (snapshot, key `id`).
 */
import { InvalidOptionsError } from '@lakeflow/core/errors'
import { restTable } from '@lakeflow/core/kit'
import { Spark } from '@lakeflow/core/schema'
import { githubPages } from '../github-listing.ts'
import { RepositoriesTableOptions } from '../github-options.ts'
import { repositoryColumns, repositoryFields } from './github-shapes.ts'

/** Spark schema of the `repositories` table (GitHub's `minimal-repository`). */
export const repositoriesSchema = Spark.table({
  ...repositoryFields,
  id: Spark.long({ nullable: false }),
  ...repositoryColumns,
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
