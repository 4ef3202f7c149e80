import {
  createTableConnector,
  defineConnector,
  type LakeflowConnector,
  type Offset,
  type PartitionedStreamSupport,
  parseTableOptions,
  type TableOptions,
  tableOptionKeysOf,
} from '@lakeflow/core/connector'
import { UnknownTableError, UnsupportedOperationError } from '@lakeflow/core/errors'
import type { HttpEvent, RateBudget } from '@lakeflow/core/http'
import packageJson from '../package.json' with { type: 'json' }
import { createExampleApi } from './example-client.ts'
import type { ExampleContext } from './example-context.ts'
import { assertExampleAuth, ExampleOptions, ReadingsOptions } from './example-options.ts'
import { eventsTable } from './tables/example-events.ts'
import { metricsTable } from './tables/example-metrics.ts'
import { ordersTable } from './tables/example-orders.ts'
import { productsTable } from './tables/example-products.ts'
import {
  readingsLatestOffset,
  readingsPartitions,
  readingsTable,
  readReadingsPartition,
} from './tables/example-readings.ts'
import { usersTable } from './tables/example-users.ts'

const tables = [productsTable, usersTable, ordersTable, eventsTable, metricsTable, readingsTable] as const
const PARTITIONED = 'readings'

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
 * Creates an example connector from validated options. Captures `now` as the init-time
 * cap: reads never return records newer than the moment the instance was made.
 * @example
 * const example = createExampleConnector({ base_url, username: 'ada', password })
 * for await (const record of example.readTable('users', {}, {})) console.log(record)
 */
export function createExampleConnector(
  options: ExampleOptions,
  settings: ExampleConnectorSettings = {},
): ExampleConnector {
  assertExampleAuth(options)
  const api = createExampleApi(options, {
    userAgent: { packageName: packageJson.name, version: packageJson.version },
    ...(settings.onEvent ? { onEvent: settings.onEvent } : {}),
    ...(settings.budget ? { budget: settings.budget } : {}),
  })
  const context: ExampleContext = { api, cap: (settings.now ?? new Date()).toISOString() }
  const base = createTableConnector({ name: 'example', context, tables, close: () => api.close() })
  const connectorKeys = tableOptionKeysOf(tables)
  // Same rule as the table handlers: keys other tables take are ignored, unknown keys rejected.
  const readingsOptions = (tableName: string, raw: TableOptions) =>
    parseTableOptions(ReadingsOptions, raw, { table: tableName, connector: 'example', connectorKeys })
  const partitioned = async (tableName: string) => {
    const names = await base.listTables()
    if (!names.includes(tableName)) throw new UnknownTableError(tableName, names, 'example')
    if (tableName !== PARTITIONED) {
      throw new UnsupportedOperationError(
        'partitions',
        `Table "${tableName}" of connector "example" is not partitioned; only readings is`,
      )
    }
  }
  return {
    ...base,
    isPartitioned(tableName: string): boolean {
      if (!tables.some((table) => table.name === tableName)) {
        throw new UnknownTableError(
          tableName,
          tables.map((table) => table.name),
          'example',
        )
      }
      return tableName === PARTITIONED
    },
    async latestOffset(tableName: string, tableOptions: TableOptions, startOffset?: Offset | null) {
      await partitioned(tableName)
      readingsOptions(tableName, tableOptions)
      return readingsLatestOffset(context, startOffset ?? null)
    },
    async getPartitions(tableName, tableOptions, startOffset, endOffset) {
      await partitioned(tableName)
      return readingsPartitions(context, readingsOptions(tableName, tableOptions), startOffset, endOffset)
    },
    readPartition(tableName, partition, tableOptions) {
      return (async function* () {
        await partitioned(tableName)
        readingsOptions(tableName, tableOptions)
        yield* readReadingsPartition(context, partition)
      })()
    },
  }
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
  tableOptionKeys: tableOptionKeysOf(tables),
  create: (options) => createExampleConnector(options),
})
