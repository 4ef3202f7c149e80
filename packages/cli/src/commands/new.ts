import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { parseCommandArgs } from '../args.ts'
import { EXIT, UsageError } from '../errors.ts'
import type { Output } from '../output.ts'

const SCRIPTS = [
  'scripts/new-connector.ts',
  'scripts/new-connector.mjs',
  'scripts/new-connector.js',
  'scripts/new-connector.sh',
]

/** Walks up from `start` to the repository that holds `tooling/connector-template`. */
export function findTemplateRepository(start: string): string | undefined {
  let directory = path.resolve(start)
  for (;;) {
    if (existsSync(path.join(directory, 'tooling', 'connector-template'))) return directory
    const parent = path.dirname(directory)
    if (parent === directory) return undefined
    directory = parent
  }
}

/**
 * `lakeflow new <name> [--dir <connectors directory>] [--description <text>]`: scaffolds
 * `connectors/<name>` from the connector template by running the repository's
 * `scripts/new-connector` script (owned by the template's maintainers).
 */
export async function newCommand(argv: string[], out: Output, cwd = process.cwd()): Promise<number> {
  const args = parseCommandArgs('new', argv, { dir: { type: 'string' }, description: { type: 'string' } })
  if (args.positionals.length !== 1) throw new UsageError('expected lakeflow new <name>; see lakeflow new --help')
  const name = args.positionals[0]!
  if (!/^[a-z][a-z0-9-]*$/.test(name)) {
    throw new UsageError(
      `connector names are lower-case letters, digits and dashes starting with a letter, got ${JSON.stringify(name)}`,
    )
  }
  const root = findTemplateRepository(cwd)
  const script =
    root && SCRIPTS.map((candidate) => path.join(root, candidate)).find((candidate) => existsSync(candidate))
  if (!root || !script) {
    throw new UsageError(
      'lakeflow new runs inside a lakeflow-connectors checkout (it needs tooling/connector-template and scripts/new-connector); cd into one and retry',
    )
  }
  const command = script.endsWith('.sh') ? 'bash' : process.execPath
  const flags = script.endsWith('.ts') ? ['--conditions=@lakeflow/source', '--no-warnings=ExperimentalWarning'] : []
  const extra = [
    ...(args.values.dir ? ['--dir', path.resolve(cwd, args.values.dir as string)] : []),
    ...(args.values.description ? ['--description', args.values.description as string] : []),
  ]
  const result = spawnSync(command, [...flags, script, name, ...extra], { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) {
    out.stderr(`lakeflow: ${path.relative(root, script)} exited with ${result.status ?? result.signal}`)
    return EXIT.usage
  }
  return EXIT.ok
}
