import type { Static, TObject } from 'typebox'
import { debugOnce } from '../errors/debug-log.ts'
import { didYouMean } from '../errors/did-you-mean.ts'
import { InvalidOptionsError } from '../errors/errors.ts'
import { parseOptions } from '../options/options.ts'

/**
 * Option keys that belong to the framework rather than to a table: the Spark data source's
 * own keys (`tableName`, `isDeleteFlow`, the metadata virtual table's `tableNameList`,
 * `tableConfigs`, `namespacePrefix`, `namespace`), Unity Catalog connection bookkeeping
 * (`databricks.connection`, `sourceName`, `externalOptionsAllowList`) and the keys a pipeline
 * spec's `table_configuration` reserves for the pipeline (`scd_type`, `primary_keys`,
 * `sequence_by`, `cluster_by`). Runners strip them before calling a connector; a table that
 * still receives one accepts and ignores it. Matched without regard to case (Spark lower-cases
 * option keys).
 */
export const FRAMEWORK_OPTION_KEYS: readonly string[] = [
  'tableName',
  'tableNameList',
  'tableConfigs',
  'isDeleteFlow',
  'namespacePrefix',
  'namespace',
  'databricks.connection',
  'sourceName',
  'externalOptionsAllowList',
  'scd_type',
  'primary_keys',
  'sequence_by',
  'cluster_by',
]

const FRAMEWORK_KEYS_FOLDED = new Set(FRAMEWORK_OPTION_KEYS.map((key) => key.toLowerCase()))

/** True for a {@link FRAMEWORK_OPTION_KEYS} key, in any case. */
export function isFrameworkOptionKey(key: string): boolean {
  return FRAMEWORK_KEYS_FOLDED.has(key.toLowerCase())
}

/** Which table of which connector {@link parseTableOptions} parses options for. */
export interface TableOptionsScope {
  /** The table, e.g. `branches`. */
  readonly table: string
  /** The connector, e.g. `github`. */
  readonly connector: string
  /** Every table option key of the connector (`ConnectorDefinition.tableOptionKeys`). */
  readonly connectorKeys: readonly string[]
}

/**
 * Parses one table's options the way pipeline specs need: a key this table does not take is
 * accepted and ignored when another table of the connector takes it (specs often give every
 * table the same `table_configuration`, such as `owner`, `repo` and `start_date`) or when it is
 * a framework key ({@link FRAMEWORK_OPTION_KEYS}); each such key is noted once at debug level
 * (`LAKEFLOW_DEBUG`). A key no table knows is an `InvalidOptionsError` suggesting the closest
 * known key. Everything else is {@link parseOptions}: coercion, defaults, secrets.
 * @example
 * parseTableOptions(BranchOptions, { owner: 'o', repo: 'r', start_date: '2024-01-01' },
 *   { table: 'branches', connector: 'github', connectorKeys: ['owner', 'repo', 'start_date'] })
 * // { owner: 'o', repo: 'r', per_page: 100 }; start_date noted at debug level
 */
export function parseTableOptions<Schema extends TObject>(
  schema: Schema,
  raw: Readonly<Record<string, unknown>> | undefined,
  scope: TableOptionsScope,
): Static<Schema> {
  const own = Object.keys(schema.properties)
  const where = `table ${scope.table} of connector ${scope.connector}`
  const kept: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(raw ?? {})) {
    if (own.includes(key) || value === undefined) {
      kept[key] = value
      continue
    }
    const reason = isFrameworkOptionKey(key)
      ? 'a pipeline or Spark framework key'
      : scope.connectorKeys.includes(key)
        ? 'another table of the connector takes it'
        : undefined
    if (reason === undefined) {
      const hint = didYouMean(key, [...own, ...scope.connectorKeys, ...FRAMEWORK_OPTION_KEYS])
      const list = own.join(', ') || '(none)'
      throw new InvalidOptionsError({
        key,
        where,
        problem: `unknown option, no table of connector ${scope.connector} takes it${hint || '.'} This table takes: ${list}`,
      })
    }
    debugOnce(
      `table-option\u0000${scope.connector}\u0000${scope.table}\u0000${key}`,
      `${where} ignores option "${key}" (${reason})`,
    )
  }
  return parseOptions(schema, kept, where)
}
