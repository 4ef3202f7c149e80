/** Shared test setup: the GitHub simulator on 127.0.0.1 and connectors pointed at it. */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { LakeflowConnector, Offset, RawRecord, TableOptions } from '@lakeflow/core/connector'
import { parseOptions } from '@lakeflow/core/options'
import { createSimulator, loadSpec, type Simulator, type SourceSpec } from '@lakeflow/simulator'
import type { GithubApiSettings } from '../src/github-api.ts'
import { createGithubConnector, GithubOptions } from '../src/index.ts'

const here = dirname(fileURLToPath(import.meta.url))
/** The connector's simulator spec and corpus. */
export const SPEC_PATH = join(here, '..', 'simulator', 'endpoints.yaml')
export const CORPUS_DIR = join(here, '..', 'simulator', 'corpus')
/** The token the tests use; the simulator accepts any bearer token. */
export const TOKEN = 'ghp_simulatorCanaryToken0123456789abcdef'
/** The simulated repository. */
export const REPO: TableOptions = { owner: 'octo-org', repo: 'hello-world' }

/** The spec as an object, optionally changed (a path prefix, extra headers). */
export function githubSpec(change: (spec: SourceSpec) => void = () => {}): SourceSpec {
  const spec = structuredClone(loadSpec(SPEC_PATH).spec)
  change(spec)
  return spec
}

/**
 * Starts a simulator; stop it with `simulator.stop()`. Its clock (the server's: it sends it
 * as `Date`, which the connector's cap and rate-limit waits read) starts at the real time,
 * unless `now` says otherwise; it moves only when a test moves it.
 */
export async function startSimulator(
  spec: SourceSpec | string = SPEC_PATH,
  now: string = new Date().toISOString(),
): Promise<{ simulator: Simulator; baseUrl: string }> {
  const simulator = createSimulator({ spec, corpus: CORPUS_DIR, now })
  const baseUrl = await simulator.start()
  return { simulator, baseUrl }
}

/**
 * A connector for the simulator, with short retry backoffs and a high request budget
 * (`max_requests_per_second: 1000`, unless `options` sets it) so tests stay fast.
 */
export function githubConnector(
  baseUrl: string,
  options: Record<string, unknown> = {},
  settings: GithubApiSettings = {},
): LakeflowConnector {
  const raw = { token: TOKEN, base_url: baseUrl, max_requests_per_second: 1000, ...options }
  const parsed = parseOptions(GithubOptions, raw, 'connector github')
  return createGithubConnector(parsed, { retry: { backoffBaseMs: 20, maxBackoffMs: 100 }, ...settings })
}

/** One read call, collected: its records and end offset. */
export async function readOnce(
  connector: LakeflowConnector,
  table: string,
  offset: Offset | null,
  options: TableOptions,
): Promise<{ records: RawRecord[]; offset: Offset | null }> {
  const read = connector.readTable(table, offset, options)
  const records: RawRecord[] = []
  for (;;) {
    const step = await read.next()
    if (step.done) return { records, offset: step.value }
    records.push(step.value)
  }
}

/** Reads until the offset stops moving (at most `maxCalls` calls), as the framework does. */
export async function readAll(
  connector: LakeflowConnector,
  table: string,
  options: TableOptions,
  start: Offset | null = {},
  maxCalls = 200,
): Promise<{
  records: RawRecord[]
  calls: { records: RawRecord[]; start: Offset | null; end: Offset | null }[]
  offset: Offset | null
}> {
  const calls: { records: RawRecord[]; start: Offset | null; end: Offset | null }[] = []
  let offset = start
  for (let call = 0; call < maxCalls; call++) {
    const result = await readOnce(connector, table, offset, options)
    calls.push({ records: result.records, start: offset, end: result.offset })
    if (JSON.stringify(result.offset) === JSON.stringify(offset)) break
    offset = result.offset
  }
  return { records: calls.flatMap((call) => call.records), calls, offset }
}
