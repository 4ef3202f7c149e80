import type { Static, TObject } from 'typebox'
import { SpecVersionError } from '../errors/errors.ts'
import { LakeflowError } from '../errors/lakeflow-error.ts'
import { parseOptions } from '../options/options.ts'
import {
  type ColumnFunction,
  type ConnectorDefinition,
  type FilePipelineSupport,
  type LakeflowConnector,
  SPECIFICATION_VERSION,
  SUPPORTED_SPECIFICATION_VERSIONS,
} from './types.ts'

/** What {@link defineConnector} takes. */
export interface ConnectorDefinitionInput<Options extends TObject> {
  name: string
  packageName: string
  version: string
  description: string
  options: Options
  tableOptionKeys?: readonly string[]
  /** Builds the connector from validated, defaulted options. */
  create(options: Static<Options>): LakeflowConnector
  /** Functions Spark may call through the bridge (see {@link ColumnFunction}). */
  functions?: Readonly<Record<string, ColumnFunction>>
  /** For file connectors: how a Spark pipeline reading the files itself uses `functions`. */
  files?: FilePipelineSupport
}

/**
 * Declares a connector package. The returned definition validates raw options with the
 * options schema (throwing `InvalidOptionsError` naming the key) before `create` runs.
 * @example
 * export const connector = defineConnector({
 *   name: 'example', packageName: '@lakeflow/connector-example', version,
 *   description: 'The reference connector', options: ExampleOptions,
 *   create: (options) => new ExampleConnector(options),
 * })
 */
export function defineConnector<Options extends TObject>(
  input: ConnectorDefinitionInput<Options>,
): ConnectorDefinition<Options> {
  return {
    specificationVersion: SPECIFICATION_VERSION,
    name: input.name,
    packageName: input.packageName,
    version: input.version,
    description: input.description,
    options: input.options,
    tableOptionKeys: [...(input.tableOptionKeys ?? [])],
    create(options) {
      return input.create(parseOptions(input.options, options, `connector ${input.name}`))
    },
    ...(input.functions ? { functions: input.functions } : {}),
    ...(input.files ? { files: input.files } : {}),
  }
}

/**
 * Checks that a module's export is a connector definition this core can drive, throwing
 * `SpecVersionError` for an unsupported `specificationVersion` and a `LakeflowError` for
 * anything that is not a definition at all.
 */
export function assertConnectorDefinition(value: unknown, source: string): asserts value is ConnectorDefinition {
  if (typeof value !== 'object' || value === null || typeof (value as ConnectorDefinition).create !== 'function') {
    throw new LakeflowError(
      `${source} does not export a connector definition (expected an export named "connector" made with defineConnector)`,
      { category: 'config' },
    )
  }
  const version = (value as ConnectorDefinition).specificationVersion
  if (!SUPPORTED_SPECIFICATION_VERSIONS.includes(version)) {
    throw new SpecVersionError((value as ConnectorDefinition).name ?? source, version, SUPPORTED_SPECIFICATION_VERSIONS)
  }
}
