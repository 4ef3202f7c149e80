import {
  createTableConnector,
  defineConnector,
  type LakeflowConnector,
  tableOptionKeysOf,
} from '@lakeflow/core/connector'
import { bearerAuth, createHttpClient, createRateBudget } from '@lakeflow/core/http'
import packageJson from '../package.json' with { type: 'json' }
import { KINESIS_API_BURST, KINESIS_API_RATE_LIMIT, KinesisOptions } from './kinesis-options.ts'
import { type KinesisContext, itemsTable } from './tables/kinesis-items.ts'

const tables = [itemsTable]

/**
 * Creates an Kinesis connector from validated options. `now` is captured here: it is the
 * init-time cap, so every read ends even while the source keeps changing.
 */
export function createKinesisConnector(options: KinesisOptions): LakeflowConnector {
  const client = createHttpClient({
    baseUrl: options.base_url,
    auth: bearerAuth(options.token),
    userAgent: { packageName: packageJson.name, version: packageJson.version },
    // One budget per account, shared by every instance in the process (the key), so
    // concurrent tables and partitions together keep the API's limit. Key by the account,
    // never by the secret.
    rateLimit: {
      budget: createRateBudget({
        requestsPerSecond: options.max_requests_per_second ?? KINESIS_API_RATE_LIMIT,
        burst: KINESIS_API_BURST,
        key: `${packageJson.name} ${options.base_url}`,
      }),
    },
  })
  const context: KinesisContext = { client, cap: new Date().toISOString() }
  return createTableConnector({ name: 'kinesis', context, tables })
}

/** The Kinesis connector's definition: what `lakeflow` and the Spark bridge load. */
export const connector = defineConnector({
  name: 'kinesis',
  packageName: packageJson.name,
  version: packageJson.version,
  description: packageJson.description,
  options: KinesisOptions,
  tableOptionKeys: tableOptionKeysOf(tables),
  create: (options) => createKinesisConnector(options),
})
