// The reference for bench/sync: the same pages fetched through the same HTTP client and
// JSON.parse'd (the connector's own read function), nothing else. sync.bench.ts runs it in a
// child (`--role reference`); it prints {"records":…,"ms":…}.
import { performance } from 'node:perf_hooks'
import { createHttpClient } from '../../packages/core/src/http/index.ts'
import { readIssues } from './issues-connector.ts'

/** Reads every page from `url` and prints the count and the time taken. */
export async function runReference(url: string): Promise<void> {
  const client = createHttpClient({ baseUrl: url, retry: { limit: 1 } })
  const started = performance.now()
  let records = 0
  let offset: { id?: number } = {}
  for (;;) {
    const read = readIssues(client, offset as never, 100, 20_000)
    let step = await read.next()
    while (!step.done) {
      records++
      step = await read.next()
    }
    if ((step.value as { id?: number }).id === offset.id) break
    offset = step.value as { id?: number }
  }
  const ms = performance.now() - started
  process.stdout.write(`${JSON.stringify({ records, ms, maxRssKb: process.resourceUsage().maxRSS })}\n`)
}
