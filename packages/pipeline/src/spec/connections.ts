import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { documentIssues, formatDocumentPath } from '@lakeflow/core/validate'
import type { Static } from 'typebox'
import { parse as parseYaml } from 'yaml'
import { ConnectionsDocument } from './spec-documents.ts'
import { PipelineSpecError, type SpecIssue, specIssues } from './spec-error.ts'

/** The connections file looked up in the working directory when none is given. */
export const DEFAULT_CONNECTIONS_FILE = 'lakeflow.connections.yaml'
/** Environment variables `LAKEFLOW_OPTION_<KEY>` supply connector option `<key>` (lower-cased). */
export const ENV_OPTION_PREFIX = 'LAKEFLOW_OPTION_'

/** One named connection: which connector and with which options. */
export interface Connection {
  readonly name: string
  /** Connector name (`github`), package name (`@acme/connector-x`) or a file path. */
  readonly connector: string
  /** Options with `${ENV}` references still unexpanded. */
  readonly options: Readonly<Record<string, unknown>>
}

/** A parsed connections file. */
export interface ConnectionsFile {
  readonly file: string
  readonly connections: ReadonlyMap<string, Connection>
}

/**
 * Parses a connections document:
 * `connections: { my_github: { connector: github, options: { token: ${GITHUB_TOKEN} } } }`.
 * @throws PipelineSpecError listing every problem with its path
 */
export function parseConnections(document: unknown, file: string): ConnectionsFile {
  const issues = specIssues(documentIssues(ConnectionsDocument, document))
  if (issues.length > 0) throw new PipelineSpecError(file, issues, 'connections file')
  const entries = Object.entries((document as Static<typeof ConnectionsDocument>).connections)
  const connections = new Map<string, Connection>(
    entries.map(([name, entry]) => [
      name,
      { name, connector: entry.connector.trim(), options: { ...(entry.options ?? {}) } },
    ]),
  )
  return { file, connections }
}

/**
 * Loads a connections file: `file` when given (it must exist), else `lakeflow.connections.yaml`
 * in `cwd` when present, else `undefined`.
 */
export async function loadConnections(
  file: string | undefined,
  cwd = process.cwd(),
): Promise<ConnectionsFile | undefined> {
  const target = file === undefined ? path.join(cwd, DEFAULT_CONNECTIONS_FILE) : path.resolve(cwd, file)
  if (file === undefined && !existsSync(target)) return undefined
  let text: string
  try {
    text = await readFile(target, 'utf8')
  } catch (error) {
    throw new PipelineSpecError(
      target,
      [{ path: '(file)', message: `cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})` }],
      'connections file',
    )
  }
  let document: unknown
  try {
    document = parseYaml(text, { prettyErrors: false, uniqueKeys: true })
  } catch (error) {
    throw new PipelineSpecError(
      target,
      [{ path: '(root)', message: `not valid YAML: ${(error as Error).message.split('\n')[0]}` }],
      'connections file',
    )
  }
  return parseConnections(document, target)
}

const ENV_REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g

/**
 * Expands `${NAME}` (and `${NAME:-default}`) references in option values from `env`; `$${`
 * writes a literal `${`. A missing variable without a default is an error naming it.
 */
export function expandEnv(
  options: Readonly<Record<string, unknown>>,
  env: NodeJS.ProcessEnv,
  where: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const issues: SpecIssue[] = []
  for (const [key, value] of Object.entries(options)) {
    if (typeof value !== 'string') {
      out[key] = value
      continue
    }
    out[key] = value.replace(ENV_REFERENCE, (match, name: string | undefined, fallback: string | undefined) => {
      if (match === '$${') return '${'
      const found = env[name!]
      if (found !== undefined && found !== '') return found
      if (fallback !== undefined) return fallback
      issues.push({
        path: formatDocumentPath(['options', key]),
        message: `environment variable ${name} is not set; export it or set the option another way`,
      })
      return ''
    })
  }
  if (issues.length > 0) throw new PipelineSpecError(where, issues, 'connection')
  return out
}

/** Connector options found in the environment (`LAKEFLOW_OPTION_TOKEN=…` → `token`). */
export function envOptions(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith(ENV_OPTION_PREFIX) && value !== undefined && key.length > ENV_OPTION_PREFIX.length) {
      out[key.slice(ENV_OPTION_PREFIX.length).toLowerCase()] = value
    }
  }
  return out
}

/** A connection resolved to a connector and its final options. */
export interface ResolvedConnection {
  /** Connector name, package name or path, as written. */
  readonly connector: string
  /** Options after `${ENV}` expansion, with environment and command-line options applied. */
  readonly options: Record<string, unknown>
  /** Where the connection came from, for messages. */
  readonly from: string
}

/**
 * Resolves a connection name. Precedence, lowest first: the connections file entry,
 * `LAKEFLOW_OPTION_*` variables, explicit options (`--option key=value`). A name missing
 * from the file (or with no file) is taken as a connector name itself, so
 * `connection_name: example` works without a connections file.
 */
export function resolveConnection(
  name: string,
  settings: { connections?: ConnectionsFile; env?: NodeJS.ProcessEnv; options?: Readonly<Record<string, unknown>> },
): ResolvedConnection {
  const env = settings.env ?? process.env
  const entry = settings.connections?.connections.get(name)
  const fileOptions = entry ? expandEnv(entry.options, env, `${settings.connections!.file} connections.${name}`) : {}
  return {
    connector: entry?.connector ?? name,
    options: { ...fileOptions, ...envOptions(env), ...(settings.options ?? {}) },
    from: entry ? `connection "${name}" in ${settings.connections!.file}` : `connector "${name}"`,
  }
}
