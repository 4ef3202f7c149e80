import {
  type ConnectorDefinition,
  INGESTION_TYPES,
  type LakeflowConnector,
  supportsDeletes,
  type TableMetadata,
  type TableOptions,
} from '@lakeflow/core/connector'
import { LakeflowError, registerSecret, UnknownTableError } from '@lakeflow/core/errors'
import { secretKeys } from '@lakeflow/core/options'
import type { TableSchema } from '@lakeflow/core/schema'
import type { TablePlan } from '../destinations/types.ts'
import type { PipelineSpec, ResolvedTableSpec } from '../spec/pipeline-spec.ts'
import { resolveTables } from '../spec/pipeline-spec.ts'

/** One table ready to run: its plan and the options its connector calls get. */
export interface PlannedTable {
  readonly spec: ResolvedTableSpec
  readonly plan: TablePlan
  readonly tableOptions: TableOptions
}

/**
 * Creates the connector from raw options, registering every option its schema marks secret
 * first, so no later message can show them.
 */
export function createConnector(
  definition: ConnectorDefinition,
  options: Readonly<Record<string, unknown>>,
): LakeflowConnector {
  for (const key of secretKeys(definition.options)) registerSecret(options[key])
  return definition.create(options)
}

function configError(table: ResolvedTableSpec, problem: string): LakeflowError {
  return new LakeflowError(`Table ${table.sourceTable} (objects[${table.index}]): ${problem}`, { category: 'config' })
}

/**
 * Upstream's orchestration rules (§3.2): ingestion type from the metadata (default `cdc`),
 * forced to `append` by `APPEND_ONLY`; keys from the spec, else the metadata; `sequence_by`
 * from the spec, else the cursor field. Problems upstream would hit later (a cdc table with
 * no keys or sequence, deletes from a connector without a delete flow) are config errors here.
 */
export function planTable(
  table: ResolvedTableSpec,
  schema: TableSchema,
  metadata: TableMetadata,
  settings: { pipeline: string; runStartedAt: Date; connector: LakeflowConnector },
): TablePlan {
  const declared = metadata.ingestion_type ?? 'cdc'
  if (!INGESTION_TYPES.includes(declared)) {
    throw configError(
      table,
      `the connector reports ingestion_type ${JSON.stringify(declared)}; expected one of ${INGESTION_TYPES.join(', ')}`,
    )
  }
  const ingestionType = table.scdType === 'APPEND_ONLY' ? 'append' : declared
  const primaryKeys = table.primaryKeys?.length ? [...table.primaryKeys] : [...(metadata.primary_keys ?? [])]
  const sequenceBy = table.sequenceBy ?? metadata.cursor_field
  const scdType = table.scdType === 'SCD_TYPE_2' ? 2 : 1
  if ((ingestionType === 'cdc' || ingestionType === 'cdc_with_deletes') && primaryKeys.length === 0) {
    throw configError(
      table,
      `a ${ingestionType} table needs primary keys and the connector declares none; set table_configuration.primary_keys`,
    )
  }
  if ((ingestionType === 'cdc' || ingestionType === 'cdc_with_deletes') && !sequenceBy) {
    throw configError(
      table,
      `a ${ingestionType} table needs a sequence column and the connector declares no cursor_field; set table_configuration.sequence_by`,
    )
  }
  if (ingestionType === 'snapshot' && scdType === 2 && primaryKeys.length === 0) {
    throw configError(table, 'SCD_TYPE_2 on a snapshot table needs primary keys; set table_configuration.primary_keys')
  }
  if (ingestionType === 'cdc_with_deletes' && !supportsDeletes(settings.connector)) {
    throw configError(table, `the connector has no delete flow (readTableDeletes) for a cdc_with_deletes table`)
  }
  return {
    pipeline: settings.pipeline,
    sourceTable: table.sourceTable,
    destination: table.destination,
    schema,
    ingestionType,
    scdType,
    primaryKeys: ingestionType === 'append' ? [] : primaryKeys,
    ...(sequenceBy === undefined ? {} : { sequenceBy }),
    runStartedAt: settings.runStartedAt,
  }
}

/**
 * Resolves every table of a spec against the connector: names checked against
 * `listTables` (a name it does not list must be one the connector resolves from its table
 * options, as HL7 v2's `segment_type` tables are), schema and metadata fetched, plans
 * validated. Runs before the destination is opened, so a bad spec writes nothing.
 */
export async function planPipeline(
  spec: PipelineSpec,
  connector: LakeflowConnector,
  settings: { pipeline: string; runStartedAt: Date; extraTableOptions?: TableOptions },
): Promise<PlannedTable[]> {
  const tables = resolveTables(spec)
  const known = await connector.listTables()
  for (const table of tables) {
    if (known.includes(table.sourceTable)) continue
    const tableOptions = { ...table.tableOptions, ...(settings.extraTableOptions ?? {}) }
    const accepted = await connector.getTableSchema(table.sourceTable, tableOptions).then(
      () => true,
      (error: unknown) => {
        if (UnknownTableError.isInstance(error)) return false
        throw error
      },
    )
    if (!accepted) throw new UnknownTableError(table.sourceTable, known, connector.name)
  }
  const planned: PlannedTable[] = []
  for (const table of tables) {
    const tableOptions = { ...table.tableOptions, ...(settings.extraTableOptions ?? {}) }
    const schema = await connector.getTableSchema(table.sourceTable, tableOptions)
    const metadata = await connector.readTableMetadata(table.sourceTable, tableOptions)
    planned.push({
      spec: table,
      tableOptions,
      plan: planTable(table, schema, metadata, { ...settings, connector }),
    })
  }
  return planned
}
