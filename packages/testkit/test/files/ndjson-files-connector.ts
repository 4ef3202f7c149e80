/**
 * The reference file connector of the suite's self-test (as connectors/example is for HTTP
 * sources): NDJSON files in a directory, one table `events`, read with `@lakeflow/files`.
 * The file mutants are this connector with one defect each.
 */
import { join } from 'node:path'
import { defineConnector, type LakeflowConnector, type Offset, SPECIFICATION_VERSION } from '@lakeflow/core/connector'
import { UnknownTableError } from '@lakeflow/core/errors'
import { defineOptions, parseOptions, Type } from '@lakeflow/core/options'
import { Spark } from '@lakeflow/core/schema'
import { type FileEntry, FileSource, type FileStorage, localStateStore, localStorage } from '@lakeflow/files'

const Options = defineOptions({ directory: Type.String({ description: 'The directory of NDJSON files.' }) })
const TableOptions = defineOptions({
  max_records_per_batch: Type.Optional(Type.Integer({ minimum: 1, description: 'Rows per call.' })),
})

export const eventsSchema = Spark.table({
  id: Spark.long({ nullable: false }),
  name: Spark.string(),
  source_file: Spark.string({ nullable: false }),
  line: Spark.long({ nullable: false }),
})

/** How a mutant changes the reference connector. */
export interface Defects {
  /** Wraps the storage the engine lists and reads. */
  storage?: (storage: FileStorage) => FileStorage
  /** Rewrites the offset a call returns. */
  offset?: (offset: Offset | null) => Offset | null
}

async function* lines(open: () => AsyncIterable<Uint8Array>): AsyncGenerator<{ text: string; line: number }> {
  let carry = ''
  let line = 0
  for await (const chunk of open()) {
    const parts = (carry + Buffer.from(chunk).toString('utf8')).split('\n')
    carry = parts.pop()!
    for (const text of parts) {
      line++
      if (text.trim() !== '') yield { text, line }
    }
  }
  if (carry.trim() !== '') yield { text: carry, line: line + 1 }
}

export function createNdjsonConnector(raw: Record<string, unknown>, defects: Defects = {}): LakeflowConnector {
  const options = parseOptions(Options, raw, 'connector ndjson-files')
  const storage = localStorage(options.directory)
  const source = new FileSource({
    storage: defects.storage ? defects.storage(storage) : storage,
    state: localStateStore(join(options.directory, '_state')),
    glob: '*.ndjson',
    recursive: true,
  })
  const check = (table: string) => {
    if (table !== 'events') throw new UnknownTableError(table, ['events'], 'ndjson-files')
  }
  return {
    specificationVersion: SPECIFICATION_VERSION,
    name: 'ndjson-files',
    async listTables() {
      return ['events']
    },
    async getTableSchema(table) {
      check(table)
      return eventsSchema
    },
    async readTableMetadata(table) {
      check(table)
      return { primary_keys: ['id'], ingestion_type: 'append' }
    },
    readTable(table, start, rawTableOptions) {
      check(table)
      const tableOptions = parseOptions(TableOptions, rawTableOptions, 'table events')
      const read = source.read(start, {
        table,
        ...(tableOptions.max_records_per_batch ? { maxRows: tableOptions.max_records_per_batch } : {}),
        units: (_file: FileEntry, open) => lines(open),
        rows: ({ text, line }, file) => {
          const record = JSON.parse(text) as { id: number; name?: string }
          return [{ id: record.id, name: record.name ?? null, source_file: file.path, line }]
        },
      })
      if (!defects.offset) return read
      const rewrite = defects.offset
      return (async function* () {
        return rewrite(yield* read)
      })()
    },
  }
}

export const ndjsonFiles = defineConnector({
  name: 'ndjson-files',
  packageName: '@lakeflow/testkit-ndjson-files',
  version: '0.0.0',
  description: 'NDJSON files (the suite self-test file connector)',
  options: Options,
  tableOptionKeys: ['max_records_per_batch'],
  create: (options) => createNdjsonConnector(options),
})
