import { mkdirSync, writeFileSync } from 'node:fs'
import { basename, join, posix, resolve } from 'node:path'
import type { ConnectorDefinition } from '@lakeflow/core/connector'
import { containsSecret } from '@lakeflow/core/options'
import { loadConnector } from '@lakeflow/core/resolve'
import { loadPipelineSpec, type PipelineSpec } from '@lakeflow/pipeline'
import { BRIDGE_VERSION } from '../version.ts'
import { pythonPackageName } from './pack-connector.ts'
import { pythonLiteral } from './pack-pipeline.ts'

/** Options of {@link writePipelineBundle} (`lakeflow pack <connector> --pipeline spec.yaml --bundle <dir>`). */
export interface PipelineBundleOptions {
  /** The pipeline spec file. */
  spec: string
  /**
   * The packed connector: its definition, or a module (a short name, package name or path,
   * resolved from `cwd`). Its options schema decides which configuration keys exist.
   */
  connector: ConnectorDefinition | string
  /**
   * The pinned wheel as the pipeline installs it: its path in a Unity Catalog volume
   * (see {@link volumeWheelPath}).
   * @example '/Volumes/main/lakeflow/connectors/lakeflow_connector_github/lakeflow_connector_github-1.2.0-py3-none-any.whl'
   */
  wheel: string
  /** The directory the bundle is written to (created if missing). */
  directory: string
  /** @default process.cwd() */
  cwd?: string
  /**
   * Where the bundle is uploaded in the workspace: the pipeline's `root_path` (put on
   * `sys.path`, so `transformations/` imports `utilities/`).
   * @default `/Workspace/Shared/lakeflow/<pipeline name>`
   */
  workspacePath?: string
  /**
   * The pipeline's default catalog and schema: for the settings, and for tables whose spec
   * names none.
   * @default the first table's destination_catalog / destination_schema, else `main` / `default`
   */
  catalog?: string
  /** @default see `catalog` */
  schema?: string
}

/** The files {@link writePipelineBundle} wrote. */
export interface PipelineBundle {
  directory: string
  /** `pipeline.json`: the pipeline settings (create the pipeline from it). */
  settings: string
  /** `transformations/<name>_ingest.py`. */
  transformations: string
  /** `utilities/<name>_spec.py`. */
  utilities: string
}

/** One pipeline configuration key the transformations read with `spark.conf.get`. */
interface ConfigurationKey {
  key: string
  default: string
  /** The keyword of `ingest()` it feeds, or the connector option (for `options`/`secrets`). */
  target: { setting: string } | { option: string; group: 'options' | 'secrets' }
}

const PREFIX = 'lakeflow'

/**
 * Where a released wheel is in a volume: `<volume>/<python package>/<wheel file>`, the layout
 * `lakeflow pack --to` writes.
 * @example volumeWheelPath('/Volumes/main/lakeflow/connectors', 'lakeflow_connector_github-1.2.0-py3-none-any.whl')
 */
export function volumeWheelPath(volume: string, wheelFile: string): string {
  const pythonPackage = wheelFile.split('-')[0]!
  return posix.join(volume, pythonPackage, wheelFile)
}

function identifier(text: string): string {
  const name = text.replace(/[^0-9A-Za-z_]/g, '_')
  return /^[0-9]/.test(name) ? `_${name}` : name
}

function optionDefault(schema: unknown): string {
  const value = (schema as { default?: unknown }).default
  if (value === undefined || value === null) return ''
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/**
 * Every configuration key of the bundle, with its default. Secret options never get a value:
 * their key names the entry in the secret scope, and is empty (unused) unless the option is
 * required.
 */
function configurationKeys(
  spec: PipelineSpec,
  connector: ConnectorDefinition,
  defaults: { catalog: string; schema: string; connectorVolume: string },
): ConfigurationKey[] {
  const setting = (name: string, value: string): ConfigurationKey => ({
    key: `${PREFIX}.${name}`,
    default: value,
    target: { setting: name },
  })
  const keys = [
    setting('connection_name', spec.connection_name),
    setting('secret_scope', ''),
    setting('node_path', ''),
    setting('catalog', defaults.catalog),
    setting('schema', defaults.schema),
    setting('connector_volume', defaults.connectorVolume),
  ]
  const required = new Set((connector.options as { required?: string[] }).required ?? [])
  for (const [option, schema] of Object.entries(connector.options.properties)) {
    if (containsSecret(schema)) {
      keys.push({
        key: `${PREFIX}.secret.${option}`,
        default: required.has(option) ? option : '',
        target: { option, group: 'secrets' },
      })
    } else {
      keys.push({
        key: `${PREFIX}.option.${option}`,
        default: optionDefault(schema),
        target: { option, group: 'options' },
      })
    }
  }
  return keys
}

const conf = (entry: ConfigurationKey) =>
  `spark.conf.get(${JSON.stringify(entry.key)}, ${JSON.stringify(entry.default)})`

function transformationsSource(
  name: string,
  specFile: string,
  pythonPackage: string,
  connector: ConnectorDefinition,
  keys: readonly ConfigurationKey[],
): string {
  const settings = keys.filter((entry) => 'setting' in entry.target)
  const group = (which: 'options' | 'secrets') =>
    keys
      .filter((entry) => 'group' in entry.target && entry.target.group === which)
      .map((entry) => `        ${JSON.stringify((entry.target as { option: string }).option)}: ${conf(entry)},`)
  const block = (lines: string[]) => (lines.length === 0 ? '{}' : `{\n${lines.join('\n')}\n    }`)
  return `"""Pipeline ${name}: ingests ${specFile} with connector ${connector.name} (${connector.packageName} ${connector.version}).

Generated by \`lakeflow pack ${connector.name} --pipeline ${specFile} --bundle\` (@lakeflow/spark ${BRIDGE_VERSION});
regenerate it rather than editing. The tables and their expectations are in
utilities/${name}_spec.py. Everything that differs between deployments comes from
the pipeline configuration (pipeline.json): the Unity Catalog connection, or options and a
secret scope (secrets are read from the scope, never written here), the Node binary, the
default catalog and schema, and the versioned volume directory of the connector wheel.
"""

# \`spark\` is provided by the pipeline runtime.
# ruff: noqa: F821

from ${pythonPackage} import ingest, register
from utilities.${name}_spec import PIPELINE_SPEC

register(spark)

ingest(
    spark,
    PIPELINE_SPEC,
${settings.map((entry) => `    ${(entry.target as { setting: string }).setting}=${conf(entry)},`).join('\n')}
    options=${block(group('options'))},
    secrets=${block(group('secrets'))},
)
`
}

function utilitiesSource(name: string, specFile: string, spec: PipelineSpec): string {
  return `"""The pipeline spec ${specFile} as Python data, for pipeline ${name} (generated; regenerate rather than edit).

Each table's \`expectations\` are added to the ones its metadata implies (primary keys and
the cdc cursor not null, rows dropped).
"""

PIPELINE_SPEC = ${pythonLiteral(spec)}
`
}

/**
 * Writes a pipeline bundle that deploys as it is:
 *
 * - `transformations/<name>_ingest.py`: plain Python (no notebook cells or magic commands)
 *   that registers the packed connector and calls its `ingest` with settings read through
 *   `spark.conf.get`;
 * - `utilities/<name>_spec.py`: the spec as Python data (a module, never a notebook);
 * - `pipeline.json`: the pipeline settings, with the pinned wheel (`libraries: [{whl}]`),
 *   the transformations glob, the product edition expectations need, and a `configuration`
 *   entry with its default for every key the transformations read.
 */
export async function writePipelineBundle(options: PipelineBundleOptions): Promise<PipelineBundle> {
  const cwd = options.cwd ?? process.cwd()
  const specPath = resolve(cwd, options.spec)
  const spec = await loadPipelineSpec(specPath)
  const connector =
    typeof options.connector === 'string'
      ? (await loadConnector(options.connector, cwd, [import.meta.filename])).definition
      : options.connector
  const pythonPackage = pythonPackageName(connector.name)
  const name = identifier(basename(specPath).replace(/\.(ya?ml|json)$/i, ''))
  const first = spec.objects[0]!.table
  const catalog = options.catalog ?? first.destination_catalog ?? 'main'
  const schema = options.schema ?? first.destination_schema ?? 'default'
  const root = (options.workspacePath ?? `/Workspace/Shared/lakeflow/${name}`).replace(/\/+$/, '')
  const connectorVolume = options.wheel.slice(0, options.wheel.lastIndexOf('/'))
  const keys = configurationKeys(spec, connector, { catalog, schema, connectorVolume })
  const directory = resolve(cwd, options.directory)
  const settings = {
    name,
    edition: 'ADVANCED',
    catalog,
    schema,
    root_path: root,
    libraries: [{ whl: options.wheel }, { glob: { include: `${root}/transformations/**` } }],
    configuration: Object.fromEntries(keys.map((entry) => [entry.key, entry.default])),
  }
  const files = {
    settings: join(directory, 'pipeline.json'),
    transformations: join(directory, 'transformations', `${name}_ingest.py`),
    utilities: join(directory, 'utilities', `${name}_spec.py`),
  }
  mkdirSync(join(directory, 'transformations'), { recursive: true })
  mkdirSync(join(directory, 'utilities'), { recursive: true })
  const specFile = basename(specPath)
  writeFileSync(files.settings, `${JSON.stringify(settings, null, 2)}\n`)
  writeFileSync(files.transformations, transformationsSource(name, specFile, pythonPackage, connector, keys))
  writeFileSync(files.utilities, utilitiesSource(name, specFile, spec))
  return { directory, ...files }
}
