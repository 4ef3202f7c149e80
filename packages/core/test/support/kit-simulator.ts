/**
 * The source simulator for the kit's tests: a real HTTP server on 127.0.0.1 driven by a
 * spec and an inline corpus. Imported by path (the simulator depends on core, so core
 * cannot depend on it as a package).
 */
import { afterEach } from 'vitest'
import { createSimulator, type Simulator, type SourceSpec } from '../../../simulator/src/index.ts'
import { createHttpClient } from '../../src/http/index.ts'
import type { InitClock, RestContext } from '../../src/kit/index.ts'

export type { Simulator, SourceSpec }

const running: Simulator[] = []

afterEach(async () => {
  await Promise.all(running.splice(0).map((simulator) => simulator.stop()))
})

/** Starts a simulator (stopped after the test) and returns it with a kit context for it. */
export async function startKitSimulator(
  spec: SourceSpec,
  corpus: Record<string, unknown>,
  clock: (baseUrl: string) => InitClock,
  now = '2024-06-01T00:00:00Z',
): Promise<{ simulator: Simulator; context: RestContext; baseUrl: string }> {
  const simulator = createSimulator({ spec, corpus, now })
  running.push(simulator)
  const baseUrl = await simulator.start()
  const http = createHttpClient({ baseUrl, retry: { backoffBaseMs: 5 } })
  return { simulator, context: { http, clock: clock(baseUrl) }, baseUrl }
}

/** A listing endpoint with the usual filters and page-number paging in the body. */
export function itemsEndpoint(path: string, corpus: string, extra: Partial<SourceSpec['endpoints'][number]> = {}) {
  return {
    path,
    method: 'GET' as const,
    corpus,
    strict_params: true,
    response: {
      pagination_style: 'page_number_in_body' as const,
      default_sort: 'updated_at asc',
      wrapper: { records_key: 'data', next_page_key: 'next_page' },
    },
    params: {
      since: { role: 'filter' as const, field: 'updated_at', op: 'gt' as const },
      from: { role: 'filter' as const, field: 'updated_at', op: 'gte' as const },
      until: { role: 'filter' as const, field: 'updated_at', op: 'lte' as const },
      page: { role: 'page' as const },
      limit: { role: 'per_page' as const, default: 3, max: 3 },
    },
    ...extra,
  }
}
