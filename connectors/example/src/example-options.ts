import { InvalidOptionsError } from '@lakeflow/core/errors'
import { maxRecordsPerBatch as batchOption, maxRequestsPerSecond, pageSize } from '@lakeflow/core/kit'
import { defineOptions, secret, Type } from '@lakeflow/core/options'
import type { Static } from 'typebox'

/** Requests per second the example API allows one account. */
export const EXAMPLE_API_RATE_LIMIT = 1000
/** Requests the example API accepts back to back before its per-second limit applies. */
export const EXAMPLE_API_BURST = 10

/**
 * Connection options of the example connector. Authenticate with `username` and
 * `password` (HTTP basic) or with `token` (bearer); one of the two is required.
 * @example
 * connector.create({ base_url: 'http://127.0.0.1:8080', username: 'ada', password: '…' })
 */
export const ExampleOptions = defineOptions({
  base_url: Type.String({
    pattern: '^https?://[^\\s]+$',
    description: 'Base URL of the example API, e.g. `http://127.0.0.1:8080` (the simulator prints it).',
  }),
  username: Type.Optional(Type.String({ minLength: 1, description: 'User name for HTTP basic auth.' })),
  password: Type.Optional(
    secret(Type.String({ minLength: 1, description: 'Password for HTTP basic auth. Secret: redacted everywhere.' })),
  ),
  token: Type.Optional(
    secret(Type.String({ minLength: 1, description: 'Bearer token, instead of username and password. Secret.' })),
  ),
  timeout_ms: Type.Optional(
    Type.Integer({ minimum: 1, default: 30_000, description: 'Per-request timeout in milliseconds. @default 30000' }),
  ),
  max_requests_per_second: Type.Optional(
    maxRequestsPerSecond({ limit: EXAMPLE_API_RATE_LIMIT, burst: EXAMPLE_API_BURST }),
  ),
})

/** Validated connection options. */
export type ExampleOptions = Static<typeof ExampleOptions>

/** Checks what a schema cannot say: exactly one way to authenticate. */
export function assertExampleAuth(options: ExampleOptions): void {
  const [key, problem] =
    options.token !== undefined
      ? options.username !== undefined || options.password !== undefined
        ? ['token', 'give either token (bearer) or username and password (basic), not both']
        : []
      : options.username === undefined
        ? ['username', 'required unless token is given (HTTP basic auth needs username and password)']
        : options.password === undefined
          ? ['password', 'required with username (HTTP basic auth)']
          : []
  if (key && problem) throw new InvalidOptionsError({ key, where: 'connector example', problem })
}

const maxRecordsPerBatch = batchOption({ default: 200 })

/** Table options of `products` (snapshot). */
export const ProductsOptions = defineOptions({
  category: Type.Optional(Type.String({ minLength: 1, description: 'Only products of this category.' })),
})

/** Table options of the plain cursor tables (`users`). */
export const CursorTableOptions = defineOptions({ max_records_per_batch: maxRecordsPerBatch })

/** Table options of `orders`. */
export const OrdersOptions = defineOptions({
  max_records_per_batch: maxRecordsPerBatch,
  user_id: Type.Optional(Type.Integer({ minimum: 1, description: 'Only orders of this user.' })),
  status: Type.Optional(
    Type.String({
      pattern: '^[a-z_]+(,[a-z_]+)*$',
      description: 'Only these statuses, comma separated: `paid,shipped`.',
    }),
  ),
})

/** Table options of `events` (append). */
export const EventsOptions = defineOptions({
  max_records_per_batch: maxRecordsPerBatch,
  limit: pageSize({ maximum: 1000, default: 50 }),
})

/** Table options of `metrics` (windowed cdc). */
export const MetricsOptions = defineOptions({
  max_records_per_batch: maxRecordsPerBatch,
  window_seconds: Type.Integer({
    minimum: 1,
    default: 3600,
    description: 'Width of the time window one call reads, starting at the next record. @default 3600',
  }),
  start_timestamp: Type.Optional(
    Type.String({ format: 'date-time', description: 'Read only records updated after this instant (ISO 8601).' }),
  ),
})

/** Table options of `readings` (partitioned). */
export const ReadingsOptions = defineOptions({
  max_records_per_batch: maxRecordsPerBatch,
  num_partitions: Type.Integer({
    minimum: 1,
    maximum: 64,
    default: 4,
    description: 'How many time ranges a partitioned read is split into. @default 4',
  }),
})
