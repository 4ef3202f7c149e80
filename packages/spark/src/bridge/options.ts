import {
  FRAMEWORK_OPTION_KEYS as CORE_FRAMEWORK_KEYS,
  type ConnectorDefinition,
  type TableOptions,
} from '@lakeflow/core/connector'
import type { RawOptions } from '../protocol/messages.ts'

/**
 * Option keys the bridge consumes and never passes to a connector as table options: core's
 * framework keys (the data source's `tableName`, `isDeleteFlow`, ..., Unity Catalog
 * bookkeeping, the pipeline spec's reserved keys), Spark's own `path`, and the bridge's options.
 */
export const FRAMEWORK_OPTION_KEYS: readonly string[] = [
  ...CORE_FRAMEWORK_KEYS,
  // Spark
  'path',
  // the bridge
  'strict',
  'nodePath',
  'bridgeBatchRows',
]

const FRAMEWORK_KEYS = new Set(FRAMEWORK_OPTION_KEYS.map((key) => key.toLowerCase()))

/** Options split the way upstream's platform layering delivers them. */
export interface SplitOptions {
  /** Keys of the connector's connection options schema, with the schema's spelling. */
  connection: Record<string, string>
  /** Everything else but framework keys: the table options. */
  table: Record<string, string>
}

/**
 * Splits a data source's flat options into connection options and table options
 * (upstream §2.3: the platform merges connection and table options into one map).
 * Spark lower-cases option keys, so keys are matched case-insensitively and given back
 * the spelling the connector declares (connection schema properties, `tableOptionKeys`).
 * Keys the connector does not declare stay in the table options unchanged: a table ignores
 * keys another table of the connector takes and rejects keys no table knows, naming them
 * (core's `parseTableOptions`), as it does under the CLI.
 */
export function splitOptions(definition: ConnectorDefinition, raw: RawOptions): SplitOptions {
  const connectionKeys = spellings(Object.keys(definition.options.properties ?? {}))
  const tableKeys = spellings(definition.tableOptionKeys)
  const connection: Record<string, string> = {}
  const table: Record<string, string> = {}
  for (const [key, value] of Object.entries(raw)) {
    const folded = key.toLowerCase()
    const connectionKey = connectionKeys.get(folded)
    if (connectionKey !== undefined) {
      connection[connectionKey] = value
      continue
    }
    if (FRAMEWORK_KEYS.has(folded)) continue
    table[tableKeys.get(folded) ?? key] = value
  }
  return { connection, table }
}

/**
 * Table options for the metadata virtual table: a per-table configuration from
 * `tableConfigs`, minus framework and reserved keys, with declared spellings restored.
 */
export function tableOptionsOf(definition: ConnectorDefinition, config: RawOptions): TableOptions {
  const tableKeys = spellings(definition.tableOptionKeys)
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(config)) {
    const folded = key.toLowerCase()
    if (FRAMEWORK_KEYS.has(folded)) continue
    out[tableKeys.get(folded) ?? key] = value
  }
  return out
}

function spellings(keys: readonly string[]): Map<string, string> {
  return new Map(keys.map((key) => [key.toLowerCase(), key]))
}
