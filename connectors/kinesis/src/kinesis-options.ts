import { defineOptions, secret, Type } from '@lakeflow/core/options'
import type { Static } from 'typebox'

/** Requests per second the Kinesis API allows one account (replace with the documented limit). */
export const KINESIS_API_RATE_LIMIT = 100
/** Requests the Kinesis API accepts back to back (replace with the documented burst). */
export const KINESIS_API_BURST = 10

/**
 * Connection options of the Kinesis connector.
 * @example connector.create({ base_url: 'https://api.kinesis.example', token: process.env.KINESIS_TOKEN })
 */
export const KinesisOptions = defineOptions({
  base_url: Type.String({ pattern: '^https?://[^\\s]+$', description: 'Base URL of the Kinesis API.' }),
  token: secret(Type.String({ minLength: 1, description: 'API token, sent as a bearer token. Secret.' })),
  max_requests_per_second: Type.Optional(
    Type.Number({
      exclusiveMinimum: 0,
      maximum: KINESIS_API_RATE_LIMIT,
      default: KINESIS_API_RATE_LIMIT,
      description: `Requests per second to one account from this process, shared by every table, partition and instance. @default ${KINESIS_API_RATE_LIMIT}`,
    }),
  ),
})

/** Validated connection options. */
export type KinesisOptions = Static<typeof KinesisOptions>

/** Table options of `items`. */
export const ItemsOptions = defineOptions({
  max_records_per_batch: Type.Integer({
    minimum: 1,
    default: 1000,
    description: 'Records per call before the read stops at the next change of cursor value. @default 1000',
  }),
  page_size: Type.Integer({
    minimum: 1,
    maximum: 1000,
    default: 100,
    description: 'Records per page (1–1000). @default 100',
  }),
})
