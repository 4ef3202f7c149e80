import { maxRecordsPerBatch, maxRequestsPerSecond, pageSize } from '@lakeflow/core/kit'
import { defineOptions, secret, Type } from '@lakeflow/core/options'
import type { Static } from 'typebox'

/** Requests per second the Acme API allows one account (replace with the documented limit). */
export const ACME_API_RATE_LIMIT = 100
/** Requests the Acme API accepts back to back (replace with the documented burst). */
export const ACME_API_BURST = 10

/**
 * Connection options of the Acme connector.
 * @example connector.create({ base_url: 'https://api.acme.example', token: process.env.ACME_TOKEN })
 */
export const AcmeOptions = defineOptions({
  base_url: Type.String({ pattern: '^https?://[^\\s]+$', description: 'Base URL of the Acme API.' }),
  token: secret(Type.String({ minLength: 1, description: 'API token, sent as a bearer token. Secret.' })),
  max_requests_per_second: Type.Optional(maxRequestsPerSecond({ limit: ACME_API_RATE_LIMIT, burst: ACME_API_BURST })),
})

/** Validated connection options. */
export type AcmeOptions = Static<typeof AcmeOptions>

/** Table options of `items`. */
export const ItemsOptions = defineOptions({
  max_records_per_batch: maxRecordsPerBatch({ default: 1000 }),
  page_size: pageSize({ maximum: 1000, default: 100 }),
})
