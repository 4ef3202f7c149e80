/**
 * Creates a connector package from tooling/connector-template:
 *
 *   pnpm new-connector <name> [--dir <connectors directory>] [--description "<one line>"]
 *
 * `<name>` is kebab-case (`acme-crm`); the package becomes `@lakeflow/connector-<name>` in
 * `connectors/<name>`, with a simulated API, one table and a contract test that passes as
 * generated. Placeholders in the template: `acme` (kebab, in names and paths), `Acme`
 * (PascalCase, in identifiers), `ACME` (upper snake case).
 */
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)))
const TEMPLATE = join(ROOT, 'tooling', 'connector-template')
const NAME_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/

/** The spellings of a connector name the template needs. */
export interface NameForms {
  kebab: string
  pascal: string
  upper: string
  title: string
}

/** Spells a kebab-case name every way the template uses. */
export function nameForms(name: string): NameForms {
  if (!NAME_PATTERN.test(name)) {
    throw new Error(
      `connector name must be kebab-case (lower-case letters, digits and single dashes, starting with a letter), got ${JSON.stringify(name)}`,
    )
  }
  const words = name.split('-')
  const capitalised = words.map((word) => word[0]!.toUpperCase() + word.slice(1))
  return {
    kebab: name,
    pascal: capitalised.join(''),
    upper: words.join('_').toUpperCase(),
    title: capitalised.join(' '),
  }
}

/** Replaces the template's placeholders in a text or a path. */
export function fillPlaceholders(text: string, forms: NameForms): string {
  return text.replaceAll('ACME', forms.upper).replaceAll('Acme', forms.pascal).replaceAll('acme', forms.kebab)
}

function walk(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry)
    return statSync(path).isDirectory() ? walk(path) : [path]
  })
}

/** What {@link createConnector} takes. */
export interface CreateConnectorOptions {
  name: string
  /** Directory holding connector packages. @default <repo>/connectors */
  directory?: string
  /** The package description. */
  description?: string
}

/** Copies the template to `<directory>/<name>`, filling placeholders in paths and contents. Returns the new directory. */
export function createConnector(options: CreateConnectorOptions): string {
  const forms = nameForms(options.name)
  const target = resolve(options.directory ?? join(ROOT, 'connectors'), forms.kebab)
  if (existsSync(target)) throw new Error(`${target} already exists; pick another name or remove it first`)
  cpSync(TEMPLATE, target, { recursive: true, filter: (source) => !/[/\\](node_modules|dist)$/.test(source) })
  for (const file of walk(target)) {
    const text = readFileSync(file, 'utf8')
    let filled = fillPlaceholders(text, forms)
    if (options.description && file.endsWith('package.json')) {
      const manifest = JSON.parse(filled) as { description: string }
      manifest.description = options.description
      filled = `${JSON.stringify(manifest, null, 2)}\n`
    }
    if (filled !== text) writeFileSync(file, filled)
    const renamed = join(target, fillPlaceholders(relative(target, file), forms))
    if (renamed !== file) renameSync(file, renamed)
  }
  return target
}

function parseArguments(argv: string[]): CreateConnectorOptions {
  const positional: string[] = []
  const options: Partial<CreateConnectorOptions> = {}
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!
    if (argument === '--dir') options.directory = argv[++index]
    else if (argument === '--description') options.description = argv[++index]
    else if (argument.startsWith('--')) throw new Error(`unknown flag ${argument}; expected --dir or --description`)
    else positional.push(argument)
  }
  if (positional.length !== 1)
    throw new Error('usage: pnpm new-connector <name> [--dir <directory>] [--description "<text>"]')
  return { ...options, name: positional[0]! }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const options = parseArguments(process.argv.slice(2))
    const target = createConnector(options)
    const project = `connector-${options.name}`
    console.log(`Created ${relative(process.cwd(), target) || target} (@lakeflow/connector-${options.name}).
Next:
  pnpm install
  vitest run --project ${project}     # the contract suite, green out of the box
Then describe the real API in simulator/endpoints.yaml and simulator/corpus/, and replace
the items table in src/tables/ with the source's tables.`)
  } catch (error) {
    console.error(`new-connector: ${(error as Error).message}`)
    process.exitCode = 1
  }
}
