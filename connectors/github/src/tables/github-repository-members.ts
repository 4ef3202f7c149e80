/**
 * `assignees` and `collaborators`: the people of one repository, read in full on every
 * read (snapshot, key `(repository_owner, repository_name, id)`).
 */
import { Spark } from '@lakeflow/core/schema'
import type { GithubTable } from '../github-context.ts'
import { RepositoryTableOptions } from '../github-options.ts'
import { readListing, withRepository } from '../github-reads.ts'
import { repositoryColumns, repositoryPermissions, userFields } from './github-shapes.ts'

const repositoryKey = {
  repository_owner: Spark.string({ nullable: false, description: repositoryColumns.repository_owner.description }),
  repository_name: Spark.string({ nullable: false, description: repositoryColumns.repository_name.description }),
}

/** Spark schema of the `assignees` table (GitHub's `simple-user`). */
export const assigneesSchema = Spark.table({ ...userFields, id: Spark.long({ nullable: false }), ...repositoryKey })

/** Spark schema of the `collaborators` table (GitHub's `collaborator`). */
export const collaboratorsSchema = Spark.table({
  ...userFields,
  id: Spark.long({ nullable: false }),
  permissions: repositoryPermissions(),
  role_name: Spark.string({ description: '`admin`, `maintain`, `write`, `triage`, `read` or a custom role' }),
  ...repositoryKey,
})

const memberMetadata = {
  primary_keys: ['repository_owner', 'repository_name', 'id'],
  ingestion_type: 'snapshot',
} as const

function repositoryPath(options: { owner: string; repo: string }, listing: string): string {
  return `/repos/${encodeURIComponent(options.owner)}/${encodeURIComponent(options.repo)}/${listing}`
}

/** The `assignees` table: `GET /repos/{owner}/{repo}/assignees`. */
export const assigneesTable: GithubTable<typeof RepositoryTableOptions> = {
  name: 'assignees',
  options: RepositoryTableOptions,
  schema: assigneesSchema,
  metadata: memberMetadata,
  read(context, _startOffset, options) {
    return readListing(context.api, repositoryPath(options, 'assignees'), { per_page: options.per_page }, (record) =>
      withRepository(record, options.owner, options.repo),
    )
  },
}

/** The `collaborators` table: `GET /repos/{owner}/{repo}/collaborators` (needs push access). */
export const collaboratorsTable: GithubTable<typeof RepositoryTableOptions> = {
  name: 'collaborators',
  options: RepositoryTableOptions,
  schema: collaboratorsSchema,
  metadata: memberMetadata,
  read(context, _startOffset, options) {
    return readListing(
      context.api,
      repositoryPath(options, 'collaborators'),
      { per_page: options.per_page },
      (record) => withRepository(record, options.owner, options.repo),
    )
  },
}
