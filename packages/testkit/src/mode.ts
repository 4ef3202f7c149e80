import { existsSync, readFileSync } from 'node:fs'
import type { TableOptions } from '@lakeflow/core/connector'
import type { TestMode } from './types.ts'

/** Environment variable choosing the mode: `simulate` (default) or `live`. */
export const MODE_VARIABLE = 'LAKEFLOW_TEST_MODE'
/** Inline JSON credentials for live mode. */
export const CONFIG_JSON_VARIABLE = 'LAKEFLOW_TEST_CONFIG_JSON'
/** Path to a JSON credentials file for live mode. */
export const CONFIG_PATH_VARIABLE = 'LAKEFLOW_TEST_CONFIG_PATH'
/** Overrides the suite's seed. */
export const SEED_VARIABLE = 'LAKEFLOW_TEST_SEED'

/**
 * Resolves the mode: `LAKEFLOW_TEST_MODE` (trimmed, lower case) of `simulate` or `live`;
 * unset means `simulate` when a simulator is configured and `live` otherwise.
 */
export function resolveMode(explicit: TestMode | undefined, hasSimulator: boolean, env = process.env): TestMode {
  if (explicit) return explicit
  const raw = env[MODE_VARIABLE]?.trim().toLowerCase()
  if (raw === undefined || raw === '') return hasSimulator ? 'simulate' : 'live'
  if (raw === 'simulate' || raw === 'live') return raw
  throw new Error(`${MODE_VARIABLE} must be "simulate" or "live", got ${JSON.stringify(env[MODE_VARIABLE])}`)
}

/** Live-mode configuration: connection options and optional table options. */
export interface LiveConfig {
  /** Connection options for the live source. */
  options: Record<string, unknown>
  /** Table options per table, replacing the configured ones. */
  tableOptions?: Record<string, TableOptions>
}

/**
 * Loads live credentials: `LAKEFLOW_TEST_CONFIG_JSON` (inline JSON), else
 * `LAKEFLOW_TEST_CONFIG_PATH` (a JSON file). The JSON is either the options object or
 * `{"options": {...}, "tableOptions": {...}}`.
 */
export function loadLiveConfig(env = process.env): LiveConfig {
  const inline = env[CONFIG_JSON_VARIABLE]
  const path = env[CONFIG_PATH_VARIABLE]
  let text: string
  let origin: string
  if (inline !== undefined && inline.trim() !== '') {
    text = inline
    origin = CONFIG_JSON_VARIABLE
  } else if (path !== undefined && path.trim() !== '') {
    if (!existsSync(path)) throw new Error(`${CONFIG_PATH_VARIABLE} points at ${path}, which does not exist`)
    text = readFileSync(path, 'utf8')
    origin = path
  } else {
    throw new Error(
      `Live mode needs credentials: set ${CONFIG_JSON_VARIABLE} to the connector options as JSON, or ${CONFIG_PATH_VARIABLE} to a JSON file holding them`,
    )
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new Error(`${origin} is not valid JSON (${(error as Error).message})`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${origin} must hold a JSON object of connector options`)
  }
  const record = parsed as Record<string, unknown>
  if (typeof record.options === 'object' && record.options !== null) {
    return {
      options: record.options as Record<string, unknown>,
      ...(record.tableOptions ? { tableOptions: record.tableOptions as Record<string, TableOptions> } : {}),
    }
  }
  return { options: record }
}

/** The seed: `LAKEFLOW_TEST_SEED` when set, else the configured one, else 1. */
export function resolveSeed(configured: number | undefined, env = process.env): number {
  const raw = env[SEED_VARIABLE]
  if (raw !== undefined && raw.trim() !== '') {
    const seed = Number(raw)
    if (!Number.isInteger(seed)) throw new Error(`${SEED_VARIABLE} must be an integer, got ${JSON.stringify(raw)}`)
    return seed
  }
  return configured ?? 1
}
