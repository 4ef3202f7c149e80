export {
  isPartitionedTable,
  supportsDeletes,
  supportsNamespaces,
  supportsPartitionedStream,
  supportsPartitions,
} from './capabilities.ts'
export { assertConnectorDefinition, type ConnectorDefinitionInput, defineConnector } from './define-connector.ts'
export {
  acceptOffset,
  checkReturnedOffset,
  type OffsetDeclaration,
  type OffsetOrder,
} from './offset-declaration.ts'
export {
  assertOffset,
  canonicalOffset,
  collectRead,
  type DrainedRead,
  drainRead,
  MAX_OFFSET_BYTES,
  sameOffset,
} from './offsets.ts'
export {
  createTableConnector,
  type TableConnector,
  type TableConnectorSettings,
  type TableHandler,
  tableFactory,
  tableOptionKeysOf,
} from './table-connector.ts'
export {
  FRAMEWORK_OPTION_KEYS,
  isFrameworkOptionKey,
  parseTableOptions,
  type TableOptionsScope,
} from './table-options.ts'
export type { TablePartitions } from './table-partitions.ts'
export {
  type BoundParameter,
  type ColumnFunction,
  type ConnectorDefinition,
  type FilePipelineSupport,
  INGESTION_TYPES,
  type IngestionType,
  type LakeflowConnector,
  type NamespaceSupport,
  type Offset,
  type OffsetValue,
  type Partition,
  type PartitionedStreamSupport,
  type PartitionSupport,
  type RawRecord,
  type RequestDescription,
  SPECIFICATION_VERSION,
  type SpecificationVersion,
  SUPPORTED_SPECIFICATION_VERSIONS,
  type TableDescription,
  type TableMetadata,
  type TableOptions,
  type TableRead,
} from './types.ts'
