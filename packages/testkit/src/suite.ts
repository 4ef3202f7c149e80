import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  isPartitionedTable,
  type LakeflowConnector,
  type TableMetadata,
  type TableOptions,
} from '@lakeflow/core/connector'
import { type RetryOptions, withHttpScope } from '@lakeflow/core/http'
import { seededRandom } from '@lakeflow/core/internal'
import type { TableSchema } from '@lakeflow/core/schema'
import { createSimulator, loadSpec, type Simulator, type SourceSpec } from '@lakeflow/simulator'
import { CheckSkip } from './check.ts'
import { FileFixture } from './files/file-fixture.ts'
import { loadLiveConfig, resolveMode, resolveSeed } from './mode.ts'
import { hashText } from './random.ts'
import type { Check, CheckContext, CheckResult, ConnectorTestConfig, MutableSource, TestMode } from './types.ts'

/** Backoff used against the simulator: faults cost milliseconds; `Retry-After` still applies. */
const FAST_RETRY: RetryOptions = { backoffBaseMs: 20, maxBackoffMs: 200 }

/** A configured suite: start it once, run checks (each isolated), stop it. */
export interface Suite {
  /** Where the suite runs. */
  readonly mode: TestMode
  /** The checks it runs, in order. */
  readonly checks: readonly Check[]
  /** Starts the simulator or the file fixture (simulate mode) or loads live credentials. */
  start(): Promise<void>
  /** Stops the simulator or removes the file fixture. */
  stop(): Promise<void>
  /** Runs one check against a fresh simulator state and fresh connector instances. */
  run(check: Check): Promise<CheckResult>
  /** The running simulator, if any. */
  readonly simulator: Simulator | undefined
  /** The file fixture, if any. */
  readonly files: FileFixture | undefined
}

/**
 * Builds a suite from a connector's test configuration, without registering anything with
 * a test runner (that is {@link describeConnector}'s job). The self-test uses this to run
 * single checks against mutants.
 */
export function createSuite(config: ConnectorTestConfig, allChecks: readonly Check[]): Suite {
  const mode = resolveMode(
    config.mode,
    config.simulator !== undefined || config.files !== undefined || config.source !== undefined,
  )
  const checks = config.checks ?? allChecks.filter((check) => !check.fileSourceOnly || config.files !== undefined)
  const seed = resolveSeed(config.seed)
  let simulator: Simulator | undefined
  let files: FileFixture | undefined
  let spec: SourceSpec | undefined
  let options: Record<string, unknown> | undefined
  let liveTableOptions: Record<string, TableOptions> | undefined

  const suite: Suite = {
    mode,
    checks,
    get simulator() {
      return simulator
    },
    get files() {
      return files
    },
    async start() {
      if (mode === 'live') {
        const live = loadLiveConfig()
        options = live.options
        liveTableOptions = live.tableOptions
        return
      }
      if (config.files) {
        files = new FileFixture(config.files)
        const directory = await files.start()
        spec = files.spec
        options = typeof config.options === 'function' ? config.options({ baseUrl: '', directory }) : config.options
        return
      }
      if (config.source) {
        const started = await config.source.start()
        options = { ...started, ...(typeof config.options === 'function' ? {} : config.options) }
        return
      }
      if (!config.simulator)
        throw new Error(
          'simulate mode needs `simulator: { spec, corpus }` (or `files`, or a `source` fixture) in the suite configuration',
        )
      spec = loadSpec(config.simulator.spec).spec
      simulator = createSimulator({
        spec: config.simulator.spec,
        corpus: config.simulator.corpus,
        now: new Date().toISOString(),
        seed: config.simulator.seed ?? seed,
      })
      const baseUrl = await simulator.start()
      options = typeof config.options === 'function' ? config.options({ baseUrl, directory: '' }) : config.options
    },
    async stop() {
      await simulator?.stop()
      simulator = undefined
      await files?.stop()
      files = undefined
      if (mode === 'simulate') await config.source?.stop()
    },
    async run(check) {
      const started = performance.now()
      const log: string[] = []
      const elapsed = () => Math.round(performance.now() - started)
      const skipReason = config.skip?.[check.id]
      if (skipReason !== undefined) return { id: check.id, status: 'skipped', reason: skipReason, durationMs: 0, log }
      if (check.simulatorOnly && (mode === 'live' || (config.source && !check.runsOnFixture))) {
        return {
          id: check.id,
          status: 'skipped',
          reason:
            mode === 'live'
              ? 'needs the simulator; skipped in live mode'
              : "needs the HTTP simulator's mutation API, faults or request log; this suite runs against a source fixture",
          durationMs: 0,
          log,
        }
      }
      if (options === undefined) throw new Error('call suite.start() before suite.run()')
      simulator?.reset()
      files?.reset()
      if (mode === 'simulate') await config.source?.reset?.()
      const context = createContext({
        config,
        mode,
        simulator,
        files,
        spec,
        options,
        tableOptions: liveTableOptions ?? config.tableOptions ?? {},
        seed: (seed ^ hashText(check.id)) >>> 0,
        reportedSeed: seed,
        log,
      })
      const httpRetry = mode === 'live' || config.httpRetry === false ? undefined : (config.httpRetry ?? FAST_RETRY)
      try {
        await withHttpScope({ retry: httpRetry }, () => check.run(context.context))
        return { id: check.id, status: 'passed', durationMs: elapsed(), log }
      } catch (error) {
        if (CheckSkip.isInstance(error))
          return { id: check.id, status: 'skipped', reason: error.reason, durationMs: elapsed(), log }
        return { id: check.id, status: 'failed', error: error as Error, durationMs: elapsed(), log }
      } finally {
        await context.close()
        simulator?.clearFaults()
      }
    },
  }
  return suite
}

interface ContextSettings {
  config: ConnectorTestConfig
  mode: TestMode
  simulator: Simulator | undefined
  files: FileFixture | undefined
  spec: SourceSpec | undefined
  options: Record<string, unknown>
  tableOptions: Record<string, TableOptions>
  seed: number
  reportedSeed: number
  log: string[]
}

function createContext(settings: ContextSettings): { context: CheckContext; close(): Promise<void> } {
  const open: LakeflowConnector[] = []
  const random = seededRandom(settings.seed)
  // The latest simulated mutation time: connectors are created strictly after it, so their
  // init-time cap includes every mutation made before them and none made after.
  let mutationHorizon = 0
  let probe: LakeflowConnector | undefined
  const schemas = new Map<string, Promise<TableSchema>>()
  const metadata = new Map<string, Promise<TableMetadata>>()
  let tables: Promise<string[]> | undefined
  const connect = (options = settings.options): LakeflowConnector => {
    while (Date.now() <= mutationHorizon && mutationHorizon - Date.now() < 50) {
      // Spin (at most a couple of milliseconds) so the cap lands after the last mutation.
    }
    const connector = settings.config.connector.create(options)
    open.push(connector)
    return connector
  }
  const probeConnector = () => {
    probe ??= connect()
    return probe
  }
  const context: CheckContext = {
    mode: settings.mode,
    config: settings.config,
    simulator: settings.simulator,
    source: settings.mode === 'simulate' ? settings.config.source : undefined,
    files: settings.files,
    spec: settings.spec,
    options: settings.options,
    seed: settings.reportedSeed,
    random,
    connect,
    tables() {
      tables ??= probeConnector().listTables()
      return tables
    },
    tableOptions(table) {
      return settings.tableOptions[table] ?? {}
    },
    schema(table) {
      let schema = schemas.get(table)
      if (!schema) {
        schema = probeConnector().getTableSchema(table, context.tableOptions(table))
        schemas.set(table, schema)
      }
      return schema
    },
    metadata(table) {
      let found = metadata.get(table)
      if (!found) {
        found = probeConnector().readTableMetadata(table, context.tableOptions(table))
        metadata.set(table, found)
      }
      return found
    },
    async partitionedTables() {
      const connector = probeConnector()
      return (await context.tables()).filter((table) => isPartitionedTable(connector, table))
    },
    async plainTables() {
      const connector = probeConnector()
      return (await context.tables()).filter((table) => !isPartitionedTable(connector, table))
    },
    requireSimulator() {
      if (settings.files) context.skip('needs the HTTP simulator; this source is a file fixture')
      if (!settings.simulator) context.skip('needs the simulator; skipped in live mode')
      return settings.simulator
    },
    requireSource(): MutableSource {
      const source = settings.simulator ?? settings.files
      if (!source) context.skip('needs the simulator; skipped in live mode')
      return source
    },
    requireFiles() {
      if (!settings.files) context.skip('needs a file source (the files setting)')
      return settings.files
    },
    syncClock() {
      const source = context.requireSource()
      const current = Date.parse(source.clock.now())
      mutationHorizon = Math.max(Date.now() + 1, current + 1)
      source.clock.set(new Date(mutationHorizon).toISOString())
    },
    skip(reason) {
      throw new CheckSkip(reason)
    },
    log(message) {
      settings.log.push(message)
    },
  }
  return {
    context,
    async close() {
      for (const connector of open.splice(0)) {
        try {
          await connector.close?.()
        } catch {
          // A failing close must not hide the check's own outcome.
        }
      }
    },
  }
}

/** Reads a corpus given as a directory of `<table>.json` files into an object. */
export function loadCorpusObject(corpus: Record<string, unknown> | string): Record<string, unknown> {
  if (typeof corpus !== 'string') return { ...corpus }
  const directory = corpus.startsWith('file:') ? fileURLToPath(corpus) : corpus
  const out: Record<string, unknown> = {}
  for (const name of readdirSync(directory)) {
    if (!name.endsWith('.json')) continue
    out[name.slice(0, -'.json'.length)] = JSON.parse(readFileSync(join(directory, name), 'utf8'))
  }
  return out
}
