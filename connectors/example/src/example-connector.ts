import {
  createTableConnector,
  defineConnector,
  type LakeflowConnector,
  type PartitionedStreamSupport,
  tableOptionKeysOf,
} from '@lakeflow/core/connector'
import { basicAuth, bearerAuth, createHttpClient, type HttpEvent, type RateBudget } from '@lakeflow/core/http'
import { localClock } from '@lakeflow/core/kit'
import packageJson from '../package.json' with { type: 'json' }
import { exampleRateBudget } from './example-api.ts'
import { assertExampleAuth, ExampleOptions } from './example-options.ts'
import { eventsTable } from './tables/example-events.ts'
import { metricsTable } from './tables/example-metrics.ts'
import { ordersTable } from './tables/example-orders.ts'
import { productsTable } from './tables/example-products.ts'
import { readingsTable } from './tables/example-readings.ts'
import { usersTable } from './tables/example-users.ts'

/** The tables, one per ingestion pattern. */
export const EXAMPLE_TABLES = [
  productsTable,
  usersTable,
  ordersTable,
  eventsTable,
  metricsTable,
  readingsTable,
] as const

/** The example connector: the five methods plus partitioned streams for `readings`. */
export type ExampleConnector = LakeflowConnector & PartitionedStreamSupport

/** Settings for {@link createExampleConnector} beyond the options. */
export interface ExampleConnectorSettings {
  /**
   * The init-time cap. Tests may pin it; everyone else leaves it to the clock.
   * @default the current time
   */
  now?: Date
  /** Receives the HTTP client's request, retry and rate-limit events (redacted). */
  onEvent?: (event: HttpEvent) => void
  /**
   * The request budget. Tests may give their own; everyone else shares the account's.
   * @default the process-wide budget for `base_url` and `username` (`max_requests_per_second`)
   */
  budget?: RateBudget
}

/**
 * Creates an example connector from validated options. The init-time cap is the local
 * clock when the instance is made: reads never return records newer than that.
 * Partitions are declared on `readings`; the table connector dispatches them.
 * @example
 * const example = createExampleConnector({ base_url, username: 'ada', password })
 * for await (const record of example.readTable('users', {}, {})) console.log(record)
 */
export function createExampleConnector(
  options: ExampleOptions,
  settings: ExampleConnectorSettings = {},
): ExampleConnector {
  assertExampleAuth(options)
  // All HTTP goes through core's client: retries, `Retry-After`, timeouts, auth and redaction live there.
  const http = createHttpClient({
    baseUrl: options.base_url,
    auth: options.token ? bearerAuth(options.token) : basicAuth(options.username ?? '', options.password ?? ''),
    timeoutMs: options.timeout_ms,
    userAgent: { packageName: packageJson.name, version: packageJson.version },
    rateLimit: { budget: settings.budget ?? exampleRateBudget(options) },
    onEvent: settings.onEvent,
  })
  const context = { http, clock: localClock(settings.now) }
  // Every table is declared with partitions or without; `readings` makes this a partitioned-stream connector.
  return createTableConnector({ name: 'example', context, tables: EXAMPLE_TABLES }) as ExampleConnector
}

/**
 * The example connector's definition: what `lakeflow` and the Spark bridge load.
 * @example
 * import { connector } from '@lakeflow/connector-example'
 * const example = connector.create({ base_url: 'http://127.0.0.1:8080', token: process.env.EXAMPLE_TOKEN })
 */
export const connector = defineConnector({
  name: 'example',
  packageName: packageJson.name,
  version: packageJson.version,
  description: 'The reference connector: snapshot, cdc, deletes, append, windowed and partitioned tables.',
  options: ExampleOptions,
  tableOptionKeys: tableOptionKeysOf(EXAMPLE_TABLES),
  create: (options) => createExampleConnector(options),
})
