import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import {
  assertOffset,
  type ConnectorDefinition,
  isPartitionedTable,
  type LakeflowConnector,
  type Offset,
  supportsDeletes,
  supportsNamespaces,
  supportsPartitionedStream,
  supportsPartitions,
} from '@lakeflow/core/connector'
import { LakeflowError, UnsupportedOperationError } from '@lakeflow/core/errors'
import { toSparkJson } from '@lakeflow/core/schema'
import { encodeBatch, RecordBatchBuilder } from '../arrow/batch-builder.ts'
import { frameHeader, jsonFrame } from '../protocol/framing.ts'
import {
  type Capabilities,
  type DescribeResult,
  FRAME_ARROW,
  type HelloResult,
  PROTOCOL_VERSION,
  type ReadEnd,
  type RequestMessage,
  type RequestParams,
  type ResponseMessage,
} from '../protocol/messages.ts'
import { BRIDGE_VERSION } from '../version.ts'
import { ColumnFunctions } from './column-functions.ts'
import { tableOptionsOf } from './options.ts'
import { type Session, Sessions, tableOf } from './sessions.ts'
import { toWireError } from './wire-errors.ts'

/** Where frames go: a byte sink with back-pressure (stdout in production). */
export interface FrameSink {
  /** Queues bytes. */
  write(chunk: Uint8Array): void
  /** Bytes queued and not yet taken by the reader. */
  buffered(): number
  /** Resolves when the queue is empty. */
  drain(): Promise<void>
}

/**
 * Bytes a read may run ahead of the Python side before it waits: enough for a few batches,
 * so fetching the next pages overlaps with Spark consuming the last batch, while memory
 * stays bounded.
 */
export const MAX_BUFFERED_BYTES = 8 * 1024 * 1024

/** Settings of {@link serveBridge}. */
export interface BridgeServerSettings {
  /** The connector this process serves. */
  definition: ConnectorDefinition
  /** Request lines (stdin). */
  input: Readable
  /** Response frames (stdout). */
  output: FrameSink
  /** Version reported by `hello`. @default the package version */
  bridgeVersion?: string
  /** Diagnostics (stderr). */
  log?: (line: string) => void
}

interface RunningRead {
  cancelled: boolean
}

/**
 * Serves the bridge protocol (see `protocol/messages.ts`) until the input ends or a
 * `shutdown` arrives, then closes every connector. Reads stream: records are converted
 * with core's converter, gathered into Arrow batches column by column, and written as
 * frames while the connector is still reading, with back-pressure from the sink.
 */
export async function serveBridge(settings: BridgeServerSettings): Promise<void> {
  const { definition, output } = settings
  const log = settings.log ?? (() => {})
  const sessions = new Sessions(definition)
  const functions = new ColumnFunctions(definition)
  const running = new Map<number, RunningRead>()
  const pending = new Set<Promise<void>>()

  const send = async (frame: Uint8Array): Promise<void> => {
    output.write(frame)
    if (output.buffered() > MAX_BUFFERED_BYTES) await output.drain()
  }
  const respond = (message: ResponseMessage) => send(jsonFrame(message))

  const handlers: { [M in keyof RequestParams]?: (params: RequestParams[M], id: number) => Promise<unknown> } = {
    hello: async (): Promise<HelloResult> => ({
      protocol: PROTOCOL_VERSION,
      bridgeVersion: settings.bridgeVersion ?? BRIDGE_VERSION,
      node: process.version,
      connector: { name: definition.name, packageName: definition.packageName, version: definition.version },
    }),
    listTables: (params) => sessions.with(params.options, params.instance, (session) => session.connector.listTables()),
    capabilities: (params) =>
      sessions.with(params.options, params.instance, async (session) => capabilitiesOf(session.connector)),
    describe: (params) =>
      sessions.with(params.options, params.instance, async (session): Promise<DescribeResult> => {
        const { schema } = await tableOf(session, params.tableName)
        const connector = session.connector
        return {
          ...capabilitiesOf(connector),
          schema: toSparkJson(schema),
          partitionedStream: supportsPartitionedStream(connector) && isPartitionedTable(connector, params.tableName),
        }
      }),
    readTableMetadata: (params) =>
      sessions.with(params.options, params.instance, (session) => {
        const tableOptions =
          params.tableOptions === undefined ? session.options.table : tableOptionsOf(definition, params.tableOptions)
        return session.connector.readTableMetadata(params.tableName, tableOptions)
      }),
    getPartitions: (params) =>
      sessions.with(params.options, params.instance, (session) => {
        const connector = session.connector
        if (!supportsPartitions(connector)) throw unsupported('getPartitions', definition.name)
        return params.streaming
          ? connector.getPartitions(params.tableName, session.options.table, params.start ?? null, params.end ?? null)
          : connector.getPartitions(params.tableName, session.options.table)
      }),
    latestOffset: (params) =>
      sessions.with(params.options, params.instance, async (session) => {
        const connector = session.connector
        if (!supportsPartitionedStream(connector)) throw unsupported('latestOffset', definition.name)
        const offset = await connector.latestOffset(params.tableName, session.options.table, params.start ?? {})
        assertOffset(offset, params.tableName)
        return offset
      }),
    listNamespaces: (params) =>
      sessions.with(params.options, params.instance, async (session) => {
        const connector = session.connector
        return supportsNamespaces(connector) ? connector.listNamespaces(params.prefix ?? undefined) : []
      }),
    listTablesInNamespace: (params) =>
      sessions.with(params.options, params.instance, async (session) => {
        const connector = session.connector
        if (!supportsNamespaces(connector)) throw unsupported('listTablesInNamespace', definition.name)
        return connector.listTablesInNamespace(params.namespace)
      }),
    call: async (params, id) => {
      const { batch, rows } = functions.call(params.function, Buffer.from(params.batch, 'base64'))
      await send(frameHeader(FRAME_ARROW, id, batch.length))
      await send(batch)
      return { rows }
    },
    read: (params, id) => {
      const state: RunningRead = { cancelled: false }
      running.set(id, state)
      return sessions
        .with(params.options, params.instance, (session) => readInto(session, params, id, state, send, respond))
        .finally(() => running.delete(id))
    },
  }

  const dispatch = async (message: RequestMessage): Promise<void> => {
    const { id, method } = message
    try {
      if (message.v !== PROTOCOL_VERSION) {
        throw new LakeflowError(
          `Bridge protocol version ${JSON.stringify(message.v)} requested; this bridge speaks version ${PROTOCOL_VERSION}`,
          { category: 'config' },
        )
      }
      const handler = handlers[method] as ((params: unknown, id: number) => Promise<unknown>) | undefined
      if (!handler) {
        throw new LakeflowError(`Unknown bridge method ${JSON.stringify(method)}`, { category: 'internal' })
      }
      const result = await handler(message.params ?? {}, id)
      if (method !== 'read') await respond({ id, type: 'result', result })
    } catch (error) {
      log(`[lakeflow-bridge] ${method} failed: ${error instanceof Error ? error.message : String(error)}`)
      await respond({ id, type: 'error', error: toWireError(error) })
    }
  }

  const lines = createInterface({ input: settings.input, crlfDelay: Number.POSITIVE_INFINITY })
  let shuttingDown = false
  for await (const line of lines) {
    if (line.trim() === '') continue
    let message: RequestMessage
    try {
      message = JSON.parse(line) as RequestMessage
    } catch {
      log(`[lakeflow-bridge] ignoring a request line that is not JSON: ${line.slice(0, 200)}`)
      continue
    }
    if (message.method === 'cancel') {
      const target = running.get((message.params as RequestParams['cancel']).id)
      if (target) target.cancelled = true
      continue
    }
    if (message.method === 'shutdown') {
      shuttingDown = true
      await respond({ id: message.id, type: 'result', result: null })
      break
    }
    const task = dispatch(message)
    pending.add(task)
    void task.finally(() => pending.delete(task))
  }
  // Input closed (the Python worker went away) or shutdown: stop reads, close connectors.
  for (const state of running.values()) state.cancelled = true
  await Promise.allSettled([...pending])
  await sessions.closeAll()
  if (!shuttingDown) log('[lakeflow-bridge] input closed; exiting')
}

function capabilitiesOf(connector: LakeflowConnector): Capabilities {
  return {
    partitions: supportsPartitions(connector),
    partitionedStream: supportsPartitionedStream(connector),
    deletes: supportsDeletes(connector),
    namespaces: supportsNamespaces(connector),
  }
}

function unsupported(operation: string, connector: string): UnsupportedOperationError {
  return new UnsupportedOperationError(operation, `Connector "${connector}" does not implement ${operation}`)
}

async function readInto(
  session: Session,
  params: RequestParams['read'],
  id: number,
  state: RunningRead,
  send: (frame: Uint8Array) => Promise<void>,
  respond: (message: ResponseMessage) => Promise<void>,
): Promise<void> {
  const { connector } = session
  const tableName = params.tableName
  const tableOptions = session.options.table
  const { schema, convert } = await tableOf(session, tableName)
  const builder = new RecordBatchBuilder(schema, params.batchRows ? { maxRows: params.batchRows } : {})
  let rows = 0
  let batches = 0
  const flush = async () => {
    const ipc = encodeBatch(builder.finish())
    batches++
    // Header and payload go out as two writes: no copy of the batch bytes.
    await send(frameHeader(FRAME_ARROW, id, ipc.length))
    await send(ipc)
  }
  let offset: Offset | null = null
  if (params.kind === 'partition') {
    if (!supportsPartitions(connector)) throw unsupported('readPartition', connector.name)
    for await (const record of connector.readPartition(tableName, params.partition ?? {}, tableOptions)) {
      if (state.cancelled) break
      rows++
      if (builder.append(convert(record))) await flush()
    }
  } else {
    if (params.kind === 'deletes' && !supportsDeletes(connector)) throw unsupported('readTableDeletes', connector.name)
    const start = (params.start ?? null) as Offset | null
    const read =
      params.kind === 'deletes'
        ? connector.readTableDeletes!(tableName, start, tableOptions)
        : connector.readTable(tableName, start, tableOptions)
    for (;;) {
      if (state.cancelled) {
        await read.return(null)
        break
      }
      const step = await read.next()
      if (step.done) {
        offset = step.value ?? null
        assertOffset(offset, tableName)
        break
      }
      rows++
      if (builder.append(convert(step.value))) await flush()
    }
  }
  if (builder.length > 0 && !state.cancelled) await flush()
  const end: ReadEnd = { offset, rows, batches }
  if (state.cancelled) end.cancelled = true
  await respond({ id, type: 'end', result: end })
}
