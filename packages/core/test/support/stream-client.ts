/**
 * Reads one streamed body through the HTTP client in a fresh process and reports its
 * resident memory (not shipped). Usage: `stream-client.ts <baseUrl> <kind> <records>`.
 * A small warm-up read first, so code paths and buffers exist before the baseline is taken;
 * then RSS is sampled every 1,000 records. Prints `{records, baselineRss, peakRss}` as JSON.
 */
import { createHttpClient } from '../../src/http/index.ts'
import type { Kind } from './stream-data.ts'

const [baseUrl, kind, records] = process.argv.slice(2) as [string, Kind, string]
const client = createHttpClient({ baseUrl })
const format = kind === 'csv-gz-file' ? 'csv' : 'ndjson'

async function read(count: number, sample?: () => void): Promise<number> {
  const { data } = await client.streamRecords('/data', { format, searchParams: { kind, records: count } })
  let seen = 0
  for await (const _ of data) if (++seen % 1000 === 0) sample?.()
  return seen
}

await read(2000)
const baselineRss = process.memoryUsage.rss()
let peakRss = baselineRss
const seen = await read(Number(records), () => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss())
})
process.stdout.write(`${JSON.stringify({ records: seen, baselineRss, peakRss })}\n`)
