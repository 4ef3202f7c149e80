/**
 * `@lakeflow/pipeline`: runs Lakeflow pipeline specs. Reads tables with the offset protocol,
 * converts records to their Spark schema and writes them exactly once into a destination:
 * embedded DuckDB (the default) or landed files for Auto Loader.
 */
/** Connector resolution lives in `@lakeflow/core/resolve` (one rule for every runner); re-exported here. */
export {
  ConnectorNotFoundError,
  connectorPackageName,
  type LoadedConnector,
  loadConnector,
} from '@lakeflow/core/resolve'
export { END_AT, START_AT } from './destinations/duckdb/apply-sql.ts'
export {
  DuckDbDestination,
  type DuckDbDestinationOptions,
  RUNS_TABLE,
  STATE_TABLE,
} from './destinations/duckdb/duckdb-destination.ts'
export { DestinationError, RecordTooLargeError } from './destinations/duckdb/duckdb-errors.ts'
export { duckDbType } from './destinations/duckdb/duckdb-types.ts'
export { checkMemoryLimit } from './destinations/duckdb/memory-limit.ts'
export { FILE_RUNS, FILE_STATE, FileDestination } from './destinations/files/file-destination.ts'
export { bareName } from './destinations/state-selection.ts'
export {
  type BatchCounts,
  type BatchWriter,
  type CommittedState,
  type Destination,
  type DestinationName,
  type Flow,
  type OpenTableOptions,
  qualifiedName,
  type Row,
  type RunRecord,
  type StateEntry,
  type TablePlan,
  type TableWriter,
} from './destinations/types.ts'
export { compileRecordJson } from './render/record-json.ts'
export type {
  ErrorSummary,
  PipelineEvent,
  PipelineEventListener,
  RunReport,
  RunWarning,
  TableReport,
} from './run/events.ts'
export { createConnector, type PlannedTable, planPipeline, planTable } from './run/plan.ts'
export { type RunPipelineOptions, runPipeline, summarizeError } from './run/run-pipeline.ts'
export {
  type Connection,
  type ConnectionsFile,
  DEFAULT_CONNECTIONS_FILE,
  ENV_OPTION_PREFIX,
  envOptions,
  expandEnv,
  loadConnections,
  parseConnections,
  type ResolvedConnection,
  resolveConnection,
} from './spec/connections.ts'
export {
  type ExpectationAction,
  type ExpectationSpec,
  loadPipelineSpec,
  normaliseConfigValue,
  type PipelineSpec,
  parseClusterBy,
  parsePipelineSpec,
  parsePipelineSpecText,
  RESERVED_TABLE_KEYS,
  type ResolvedTableSpec,
  resolveTables,
  SCD_TYPES,
  type ScdType,
  type TableSpec,
} from './spec/pipeline-spec.ts'
export { EXPECTATION_ACTIONS } from './spec/spec-documents.ts'
export { PipelineSpecError, type SpecIssue } from './spec/spec-error.ts'
