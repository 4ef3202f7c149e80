import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml'

/** A semver bump a changeset asks for. */
export type BumpType = 'patch' | 'minor' | 'major'
const BUMP_TYPES: readonly string[] = ['patch', 'minor', 'major']

/** One pending changeset file under `.changeset/`. */
export interface Changeset {
  /** File name without directory, e.g. `brave-lions-sing.md`. */
  readonly file: string
  /** Package name → bump. */
  readonly releases: ReadonlyMap<string, BumpType>
  /** The changelog text below the front matter. */
  readonly summary: string
}

const FRONT_MATTER = /^\s*---\r?\n([\s\S]*?)\r?\n?---\r?\n?([\s\S]*)$/

/** Parses a changeset file's text; the error names the file and what was expected. */
export function parseChangeset(file: string, text: string): Changeset {
  const match = FRONT_MATTER.exec(text)
  if (!match) throw new Error(`.changeset/${file}: expected front matter between "---" lines`)
  const header = match[1]!.trim() === '' ? {} : (parseYaml(match[1]!) as unknown)
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new Error(`.changeset/${file}: expected "package": bump lines in the front matter`)
  }
  const releases = new Map<string, BumpType>()
  for (const [name, bump] of Object.entries(header)) {
    if (typeof bump !== 'string' || !BUMP_TYPES.includes(bump)) {
      throw new Error(`.changeset/${file}: ${name} has bump ${JSON.stringify(bump)}, expected patch, minor or major`)
    }
    releases.set(name, bump as BumpType)
  }
  return { file, releases, summary: match[2]!.trim() }
}

/** Every pending changeset in `<root>/.changeset` (README.md and non-Markdown files skipped). */
export function readChangesets(root: string): Changeset[] {
  const dir = join(root, '.changeset')
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((file) => file.endsWith('.md') && file.toLowerCase() !== 'readme.md')
    .sort()
    .map((file) => parseChangeset(file, readFileSync(join(dir, file), 'utf8')))
}

/** Renders a changeset in the format `changeset` writes. */
export function renderChangeset(releases: ReadonlyMap<string, BumpType>, summary: string): string {
  const header =
    releases.size === 0
      ? ''
      : stringifyYaml(Object.fromEntries(releases), { defaultKeyType: 'QUOTE_DOUBLE', defaultStringType: 'PLAIN' })
  return `---\n${header}---\n\n${summary}\n`
}

/** Writes a changeset file into `<root>/.changeset`. */
export function writeChangeset(
  root: string,
  file: string,
  releases: ReadonlyMap<string, BumpType>,
  summary: string,
): void {
  writeFileSync(join(root, '.changeset', file), renderChangeset(releases, summary))
}

const ORDER: Record<BumpType, number> = { patch: 0, minor: 1, major: 2 }

/** The largest bump pending for `name` across `changesets`, or `null` when none mentions it. */
export function pendingBump(changesets: readonly Changeset[], name: string): BumpType | null {
  let best: BumpType | null = null
  for (const changeset of changesets) {
    const bump = changeset.releases.get(name)
    if (bump && (best === null || ORDER[bump] > ORDER[best])) best = bump
  }
  return best
}
