/** Mutants aimed at upstream's base checks (§4.2) and the schema/metadata checks (§4.5 A). */
import type { Offset, RawRecord, TableOptions, TableRead } from '@lakeflow/core/connector'
import { type AnySparkNode, Spark, type TableSchema } from '@lakeflow/core/schema'
import { mutant, readTableFor, transformRead } from './mutate.ts'

const withFields = (schema: TableSchema, fields: Record<string, AnySparkNode>): TableSchema =>
  ({ ...schema, fields: { ...schema.fields, ...fields } }) as TableSchema

/** Has getPartitions but lost readPartition: half a capability. */
export const halfPartitions = mutant(() => ({ readPartition: undefined }))

/** Lists a table twice. */
export const duplicateTables = mutant(({ inner }) => ({
  async listTables() {
    const tables = await inner.listTables()
    return [...tables, tables[0]!]
  },
}))

/** Answers unknown tables with an empty schema, snapshot metadata and an empty read. */
export const unknownTableSilent = mutant(({ inner }) => {
  const unknown = async (table: string) => !(await inner.listTables()).includes(table)
  return {
    async getTableSchema(table: string, options: TableOptions) {
      return (await unknown(table)) ? Spark.table({ id: Spark.long() }) : inner.getTableSchema(table, options)
    },
    async readTableMetadata(table: string, options: TableOptions) {
      return (await unknown(table))
        ? { ingestion_type: 'snapshot', primary_keys: ['id'] }
        : inner.readTableMetadata(table, options)
    },
    readTable(table: string, start: Offset | null, options: TableOptions): TableRead {
      return (async function* () {
        if (await unknown(table)) return start
        return yield* inner.readTable(table, start, options)
      })()
    },
  }
})

/** Every second getTableSchema call adds a column (a schema built from data seen so far). */
export const unstableSchema = mutant(({ inner }) => {
  let calls = 0
  return {
    async getTableSchema(table: string, options: TableOptions) {
      const schema = await inner.getTableSchema(table, options)
      return ++calls % 2 === 0 ? withFields(schema, { seen_later: Spark.string() }) : schema
    },
  }
})

/** users is cdc without primary keys. */
export const missingPrimaryKey = mutant(({ inner }) => ({
  async readTableMetadata(table: string, options: TableOptions) {
    const metadata = await inner.readTableMetadata(table, options)
    return table === 'users' ? { ...metadata, primary_keys: [] } : metadata
  },
}))

/** users.updated_at declared long while the API sends ISO timestamps. */
export const wrongSchemaType = mutant(({ inner }) => ({
  async getTableSchema(table: string, options: TableOptions) {
    const schema = await inner.getTableSchema(table, options)
    return table === 'users' ? withFields(schema, { updated_at: Spark.long({ nullable: false }) }) : schema
  },
}))

/** metrics sends {} for a missing `value` struct instead of null. */
export const emptyStructRecords = mutant(({ inner }) =>
  readTableFor(inner, 'metrics', (start, options) =>
    transformRead(inner.readTable('metrics', start, options), {
      records: (record) => (record.value === null ? { ...record, value: {} } : record),
    }),
  ),
)

/** Tombstones lose their primary key. */
export const tombstoneWithoutKey = mutant(({ inner }) => ({
  readTableDeletes(table: string, start: Offset | null, options: TableOptions) {
    return transformRead(inner.readTableDeletes!(table, start, options), {
      records: ({ order_id: _key, ...rest }: RawRecord) => rest,
    })
  },
}))

/** Offsets carry a call counter, so no call ever returns the offset it was given. */
export const noFixedPoint = mutant(({ inner }) => {
  let counter = 0
  return readTableFor(inner, 'users', (start, options) => {
    const { call: _call, ...clean } = start ?? {}
    return transformRead(inner.readTable('users', start ? clean : null, options), {
      end: (end) => (end ? { ...end, call: ++counter } : end),
    })
  })
})

/** users.email is dropped from every record (a renamed API field read under the old name). */
export const droppedColumn = mutant(({ inner }) =>
  readTableFor(inner, 'users', (start, options) =>
    transformRead(inner.readTable('users', start, options), { records: ({ email: _email, ...rest }) => rest }),
  ),
)

let listCalls = 0

/** listTables returns the tables in a different order on every call, on every instance. */
export const shuffledTables = mutant(({ inner }) => ({
  async listTables() {
    const tables = await inner.listTables()
    const shift = ++listCalls % tables.length
    return [...tables.slice(shift), ...tables.slice(0, shift)]
  },
}))

/** Unknown tables throw a plain Error instead of UnknownTableError. */
export const untypedUnknownTable = mutant(({ inner }) => {
  const check = async (table: string) => {
    if (!(await inner.listTables()).includes(table)) throw new Error(`no such table: ${table}`)
  }
  return {
    async getTableSchema(table: string, options: TableOptions) {
      await check(table)
      return inner.getTableSchema(table, options)
    },
    async readTableMetadata(table: string, options: TableOptions) {
      await check(table)
      return inner.readTableMetadata(table, options)
    },
    readTable(table: string, start: Offset | null, options: TableOptions): TableRead {
      return (async function* () {
        await check(table)
        return yield* inner.readTable(table, start, options)
      })()
    },
  }
})

/** products.price is a hand-made decimal(50, 2): Spark's limit is 38. */
export const handMadeDecimal = mutant(({ inner }) => ({
  async getTableSchema(table: string, options: TableOptions) {
    const schema = await inner.getTableSchema(table, options)
    return table === 'products'
      ? withFields(schema, { price: { ...Spark.decimal(10, 2), precision: 50 } as AnySparkNode })
      : schema
  },
}))

/** users has both `email` and `Email`. */
export const caseDuplicate = mutant(({ inner }) => ({
  async getTableSchema(table: string, options: TableOptions) {
    const schema = await inner.getTableSchema(table, options)
    return table === 'users' ? withFields(schema, { Email: Spark.string() }) : schema
  },
}))

/** The users schema mentions the process id: stable in one process, different in the next. */
export const processDependentSchema = mutant(({ inner }) => ({
  async getTableSchema(table: string, options: TableOptions) {
    const schema = await inner.getTableSchema(table, options)
    if (table !== 'users') return schema
    const email = schema.fields.email!
    return withFields(schema, { email: { ...email, description: `seen by worker ${process.pid}` } as AnySparkNode })
  },
}))

/** users is keyed by its `address` struct. */
export const structPrimaryKey = mutant(({ inner }) => ({
  async readTableMetadata(table: string, options: TableOptions) {
    const metadata = await inner.readTableMetadata(table, options)
    return table === 'users' ? { ...metadata, primary_keys: ['address'] } : metadata
  },
}))
