/**
 * What every table of the connector shares: the API (HTTP client, rate limits, the
 * server-clock init-time cap).
 */
import type { TableHandler } from '@lakeflow/core/connector'
import type { TObject } from 'typebox'
import type { GithubApi } from './github-api.ts'

/** The shared context of the GitHub tables. */
export interface GithubContext {
  readonly api: GithubApi
}

/** A table of the GitHub connector. */
export type GithubTable<Options extends TObject> = TableHandler<GithubContext, Options>
