import {
  createTableConnector,
  defineConnector,
  type LakeflowConnector,
  tableOptionKeysOf,
} from '@lakeflow/core/connector'
import { bearerAuth, createHttpClient, createRateBudget } from '@lakeflow/core/http'
import { localClock } from '@lakeflow/core/kit'
import packageJson from '../package.json' with { type: 'json' }
import { ACME_API_BURST, ACME_API_RATE_LIMIT, AcmeOptions } from './acme-options.ts'
import { itemsTable } from './tables/acme-items.ts'

const tables = [itemsTable]

/**
 * Creates an Acme connector from validated options. The init-time cap is the local clock
 * now (`localClock()`), so every read ends even while the source keeps changing; use
 * `serverClock` from `@lakeflow/core/kit` when the API sends a `Date` header you trust more.
 */
export function createAcmeConnector(options: AcmeOptions): LakeflowConnector {
  const http = createHttpClient({
    baseUrl: options.base_url,
    auth: bearerAuth(options.token),
    userAgent: { packageName: packageJson.name, version: packageJson.version },
    // One budget per account, shared by every instance in the process (the key), so
    // concurrent tables and partitions together keep the API's limit. Key by the account,
    // never by the secret.
    rateLimit: {
      budget: createRateBudget({
        requestsPerSecond: options.max_requests_per_second ?? ACME_API_RATE_LIMIT,
        burst: ACME_API_BURST,
        key: `${packageJson.name} ${options.base_url}`,
      }),
    },
  })
  return createTableConnector({ name: 'acme', context: { http, clock: localClock() }, tables })
}

/** The Acme connector's definition: what `lakeflow` and the Spark bridge load. */
export const connector = defineConnector({
  name: 'acme',
  packageName: packageJson.name,
  version: packageJson.version,
  description: packageJson.description,
  options: AcmeOptions,
  tableOptionKeys: tableOptionKeysOf(tables),
  create: (options) => createAcmeConnector(options),
})
