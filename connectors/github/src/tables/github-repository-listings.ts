/**
 * The listings of one repository read in full on every read (snapshots): `assignees` and
 * `collaborators`, its people (key `(repository_owner, repository_name, id)`), and
 * `branches` (key `(repository_owner, repository_name, name)`).
 */
import { restTable } from '@lakeflow/core/kit'
import { Spark } from '@lakeflow/core/schema'
import { githubPages, withRepository } from '../github-listing.ts'
import { RepositoryTableOptions } from '../github-options.ts'
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

/** A snapshot of a repository's people: `GET /repos/{owner}/{repo}/<listing>`. */
const members = (name: 'assignees' | 'collaborators', schema: typeof assigneesSchema) =>
  restTable({
    name,
    options: RepositoryTableOptions,
    schema,
    metadata: { primary_keys: ['repository_owner', 'repository_name', 'id'], ingestion_type: 'snapshot' },
    request: { path: `/repos/{owner}/{repo}/${name}` },
    paginator: githubPages,
    map: withRepository,
  })

/** The `assignees` table: `GET /repos/{owner}/{repo}/assignees`. */
export const assigneesTable = members('assignees', assigneesSchema)

/** The `collaborators` table: `GET /repos/{owner}/{repo}/collaborators` (needs push access). */
export const collaboratorsTable = members('collaborators', collaboratorsSchema)

/** Spark schema of the `branches` table (GitHub's `short-branch`). */
export const branchesSchema = Spark.table({
  name: Spark.string({ nullable: false }),
  commit: Spark.struct({ sha: Spark.string(), url: Spark.string() }),
  protected: Spark.boolean(),
  protection: Spark.struct({
    enabled: Spark.boolean(),
    required_status_checks: Spark.struct({
      enforcement_level: Spark.string(),
      contexts: Spark.array(Spark.string()),
      checks: Spark.array(Spark.struct({ context: Spark.string(), app_id: Spark.long() })),
    }),
  }),
  protection_url: Spark.string(),
  repository_owner: Spark.string({ nullable: false }),
  repository_name: Spark.string({ nullable: false }),
})

/** The `branches` table: `GET /repos/{owner}/{repo}/branches`. */
export const branchesTable = restTable({
  name: 'branches',
  options: RepositoryTableOptions,
  schema: branchesSchema,
  metadata: { primary_keys: ['repository_owner', 'repository_name', 'name'], ingestion_type: 'snapshot' },
  request: { path: '/repos/{owner}/{repo}/branches' },
  paginator: githubPages,
  map: withRepository,
})
