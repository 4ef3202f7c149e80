import type { LakeflowConnector, NamespaceSupport, PartitionedStreamSupport, PartitionSupport } from './types.ts'

/** True when the connector implements batch partitions. */
export function supportsPartitions(connector: LakeflowConnector): connector is LakeflowConnector & PartitionSupport {
  const candidate = connector as Partial<PartitionSupport>
  return typeof candidate.getPartitions === 'function' && typeof candidate.readPartition === 'function'
}

/** True when the connector implements partitioned streams. */
export function supportsPartitionedStream(
  connector: LakeflowConnector,
): connector is LakeflowConnector & PartitionedStreamSupport {
  const candidate = connector as Partial<PartitionedStreamSupport>
  return (
    supportsPartitions(connector) &&
    typeof candidate.isPartitioned === 'function' &&
    typeof candidate.latestOffset === 'function'
  )
}

/** True when the connector implements namespaces. */
export function supportsNamespaces(connector: LakeflowConnector): connector is LakeflowConnector & NamespaceSupport {
  const candidate = connector as Partial<NamespaceSupport>
  return typeof candidate.listNamespaces === 'function' && typeof candidate.listTablesInNamespace === 'function'
}

/** True when the connector can read deletes. */
export function supportsDeletes(
  connector: LakeflowConnector,
): connector is LakeflowConnector & Required<Pick<LakeflowConnector, 'readTableDeletes'>> {
  return typeof connector.readTableDeletes === 'function'
}

/**
 * Whether a table is read through partitions, by upstream's rule: a partitioned-stream
 * connector decides per table; a plain partition connector partitions every table.
 */
export function isPartitionedTable(connector: LakeflowConnector, tableName: string): boolean {
  if (supportsPartitionedStream(connector)) return connector.isPartitioned(tableName)
  return supportsPartitions(connector)
}
