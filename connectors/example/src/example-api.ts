import { createRateBudget, type PaginatorSpec, type RateBudget } from '@lakeflow/core/http'
import type { IncrementalDeclaration } from '@lakeflow/core/kit'
import { EXAMPLE_API_BURST, EXAMPLE_API_RATE_LIMIT, type ExampleOptions } from './example-options.ts'

/**
 * The account's request budget, shared process-wide by every instance, table and partition
 * reading the same API as the same user (the limit is per account, not per client).
 */
export function exampleRateBudget(options: ExampleOptions): RateBudget {
  return createRateBudget({
    requestsPerSecond: options.max_requests_per_second ?? EXAMPLE_API_RATE_LIMIT,
    burst: EXAMPLE_API_BURST,
    // The account, never the secret: a bearer token's owner is unknown, so token users share one budget.
    key: `@lakeflow/connector-example ${options.base_url} ${options.username ?? '(token)'}`,
  })
}

/**
 * Every listing of the example API: `{"records": [...], "next_page": <number|null>}`, pages
 * numbered in the body, `limit` records each.
 */
export const examplePages = (size: number): PaginatorSpec => ({
  type: 'page_number',
  nextPage: 'next_page',
  sizeParam: 'limit',
  size,
})

/** The API's cursor filters: `since` exclusive, `until` inclusive (the init-time cap), ISO times with milliseconds. */
export const exampleCursor = {
  format: 'iso-ms',
  since: { param: 'since' },
  until: { param: 'until' },
} as const satisfies IncrementalDeclaration<unknown>
