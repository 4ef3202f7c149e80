import { join } from 'node:path'
import { defineConnector, type LakeflowConnector, SPECIFICATION_VERSION } from '@lakeflow/core/connector'
import { FileSource, localStateStore, localStorage } from '@lakeflow/files'
import type { FileContext } from '@lakeflow/hl7v2/tables'
import packageJson from '../package.json' with { type: 'json' }
import { errorRows, fileContext, fileUnits, messageRows, type NumberedUnit, type ReadSettings } from './hl7-v2-files.ts'
import { HL7_V2_FILES, hl7V2Functions } from './hl7-v2-functions.ts'
import { Hl7V2Options, Hl7V2TableOptions } from './hl7-v2-options.ts'
import { metadataOf, resolveTable, schemaOf, TABLE_NAMES } from './hl7-v2-tables.ts'

const NAME = 'hl7-v2'

/** Where the manifests go when `state_path` is not set: inside the volume, hidden from listings. */
export function defaultStatePath(volumePath: string): string {
  return join(volumePath, '_lakeflow_state')
}

/**
 * Creates the connector from validated options. The file listing's cap (files modified
 * after it wait for the next instance) is taken here, so every read reaches a fixed point.
 */
export function createHl7V2Connector(options: Hl7V2Options): LakeflowConnector {
  const source = new FileSource({
    storage: localStorage(options.volume_path),
    state: localStateStore(options.state_path ?? defaultStatePath(options.volume_path)),
    glob: options.file_glob ?? '*',
    recursive: options.recursive ?? false,
  })
  const settings: ReadSettings = {
    strict: options.strict ?? false,
    defaultCharset: options.default_charset ?? 'UNICODE UTF-8',
  }
  return {
    specificationVersion: SPECIFICATION_VERSION,
    name: NAME,
    async listTables() {
      return [...TABLE_NAMES]
    },
    async getTableSchema(tableName, tableOptions) {
      return schemaOf(resolveTable(tableName, tableOptions, NAME))
    },
    async readTableMetadata(tableName, tableOptions) {
      return metadataOf(resolveTable(tableName, tableOptions, NAME))
    },
    readTable(tableName, startOffset, tableOptions) {
      const resolved = resolveTable(tableName, tableOptions, NAME)
      const since =
        resolved.options.start_timestamp === undefined ? undefined : Date.parse(resolved.options.start_timestamp)
      let context: FileContext | undefined
      return source.read<NumberedUnit, Record<string, unknown>>(startOffset, {
        table: tableName,
        ...(resolved.options.max_records_per_batch === undefined
          ? {}
          : { maxRows: resolved.options.max_records_per_batch }),
        ...(resolved.options.max_files_per_batch === undefined
          ? {}
          : { maxFiles: resolved.options.max_files_per_batch }),
        ...(since === undefined ? {} : { include: (file) => file.modifiedMs >= since }),
        units: (file, open) => fileUnits(file, open, settings),
        rows: (numbered, file) => {
          // The metadata of a file's rows, computed once per file rather than per message.
          if (context?.sourceFile !== file.path) context = fileContext(file.path, file.modifiedMs)
          return resolved.kind === 'errors'
            ? errorRows(numbered, context)
            : messageRows(resolved.table, numbered.unit, context, settings.defaultCharset)
        },
      })
    },
  }
}

/** The HL7 v2 connector's definition: what `lakeflow` and the Spark bridge load. */
export const connector = defineConnector({
  name: NAME,
  packageName: packageJson.name,
  version: packageJson.version,
  description: packageJson.description,
  options: Hl7V2Options,
  tableOptionKeys: Object.keys(Hl7V2TableOptions.properties),
  create: (options) => createHl7V2Connector(options),
  functions: hl7V2Functions,
  files: HL7_V2_FILES,
})
