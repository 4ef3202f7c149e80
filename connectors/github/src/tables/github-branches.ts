/**
 * `branches`: the branches of one repository, read in full on every read (snapshot, key
 * `(repository_owner, repository_name, name)`).
 */
import { restTable } from '@lakeflow/core/kit'
import { Spark } from '@lakeflow/core/schema'
import { githubPages, withRepository } from '../github-listing.ts'
import { RepositoryTableOptions } from '../github-options.ts'

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
