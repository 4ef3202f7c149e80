import { type ConnectorDefinition, canonicalOffset, type LakeflowConnector } from '@lakeflow/core/connector'
import { type Converter, compileConverter } from '@lakeflow/core/convert'
import type { TableSchema } from '@lakeflow/core/schema'
import type { RawOptions } from '../protocol/messages.ts'
import { type SplitOptions, splitOptions } from './options.ts'

/** A connector instance plus what the bridge derived for it. */
export interface Session {
  readonly connector: LakeflowConnector
  readonly options: SplitOptions
  /** Schema and converter per table (a session's table options are fixed). */
  readonly tables: Map<string, { schema: TableSchema; convert: Converter }>
}

/** How many connector instances a bridge process keeps open. */
const MAX_SESSIONS = 16

/**
 * Connector instances of one bridge process. Calls carrying the same `instance` key, the same
 * connection options and the same table options share one session (one connector, so its
 * init-time cap holds for a whole Spark reader); a call that differs in any of them, table
 * options included, gets its own. Calls without a key get a fresh connector that is closed
 * afterwards.
 */
export class Sessions {
  private readonly definition: ConnectorDefinition
  private readonly open = new Map<string, Session>()

  constructor(definition: ConnectorDefinition) {
    this.definition = definition
  }

  /** Runs `use` with the session for these options, creating (and for keyless calls closing) it. */
  async with<T>(raw: RawOptions, instance: string | undefined, use: (session: Session) => Promise<T>): Promise<T> {
    if (instance === undefined) {
      const session = this.create(splitOptions(this.definition, raw))
      try {
        return await use(session)
      } finally {
        await session.connector.close?.()
      }
    }
    return use(this.get(raw, instance))
  }

  private get(raw: RawOptions, instance: string): Session {
    const options = splitOptions(this.definition, raw)
    const key = [instance, canonicalOffset(options.connection), canonicalOffset(options.table)].join('\u0000')
    const existing = this.open.get(key)
    if (existing) {
      // Refresh recency: Map iteration order is insertion order.
      this.open.delete(key)
      this.open.set(key, existing)
      return existing
    }
    const session = this.create(options)
    this.open.set(key, session)
    if (this.open.size > MAX_SESSIONS) {
      const [oldestKey, oldest] = this.open.entries().next().value as [string, Session]
      this.open.delete(oldestKey)
      void oldest.connector.close?.()
    }
    return session
  }

  private create(options: SplitOptions): Session {
    return { connector: this.definition.create(options.connection), options, tables: new Map() }
  }

  /** Closes every open connector. */
  async closeAll(): Promise<void> {
    const sessions = [...this.open.values()]
    this.open.clear()
    await Promise.allSettled(sessions.map((session) => session.connector.close?.()))
  }
}

/** The table's schema and compiled converter, cached per session and table. */
export async function tableOf(
  session: Session,
  tableName: string,
): Promise<{ schema: TableSchema; convert: Converter }> {
  const cached = session.tables.get(tableName)
  if (cached) return cached
  const schema = await session.connector.getTableSchema(tableName, session.options.table)
  const entry = { schema, convert: compileConverter(schema, { table: tableName }) as Converter }
  session.tables.set(tableName, entry)
  return entry
}
