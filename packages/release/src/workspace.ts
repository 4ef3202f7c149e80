import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { parse as parseYaml } from 'yaml'

/** A package of the pnpm workspace, as the release tools see it. */
export interface WorkspacePackage {
  /** npm name, e.g. `@lakeflow/connector-example`. */
  readonly name: string
  /** Version in its package.json. */
  readonly version: string
  /** Private packages are never published, versioned or checked. */
  readonly private: boolean
  /** Absolute directory. */
  readonly dir: string
  /** Directory relative to the workspace root, with `/` separators (`connectors/example`). */
  readonly relativeDir: string
  /** Names of workspace packages listed in `dependencies`, `peerDependencies` or `optionalDependencies`. */
  readonly workspaceDependencies: readonly string[]
  /** The parsed package.json. */
  readonly manifest: Record<string, unknown>
}

/** Reads a JSON file, naming the file when it is not valid JSON. */
export function readJson(file: string): Record<string, unknown> {
  const text = readFileSync(file, 'utf8')
  try {
    return JSON.parse(text) as Record<string, unknown>
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`)
  }
}

/**
 * The workspace's package globs from `pnpm-workspace.yaml`. Only `dir/*` and literal paths are
 * supported, which is all this repository uses; anything else is an error rather than a guess.
 */
function workspaceDirs(root: string): string[] {
  const file = join(root, 'pnpm-workspace.yaml')
  const config = parseYaml(readFileSync(file, 'utf8')) as { packages?: unknown }
  const patterns = Array.isArray(config?.packages) ? (config.packages as unknown[]) : []
  const dirs: string[] = []
  for (const pattern of patterns) {
    if (typeof pattern !== 'string' || pattern.startsWith('!')) continue
    if (pattern.endsWith('/*') && !pattern.slice(0, -2).includes('*')) {
      const parent = join(root, pattern.slice(0, -2))
      if (!existsSync(parent)) continue
      for (const entry of readdirSync(parent, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        if (entry.isDirectory()) dirs.push(join(parent, entry.name))
      }
    } else if (!pattern.includes('*')) {
      dirs.push(join(root, pattern))
    } else {
      throw new Error(`${file}: unsupported package pattern ${JSON.stringify(pattern)} (expected "dir/*" or a path)`)
    }
  }
  return dirs
}

const RUNTIME_DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies'] as const

/** Every package of the workspace rooted at `root` (the root package itself excluded), sorted by directory. */
export function listWorkspacePackages(root: string): WorkspacePackage[] {
  const found = workspaceDirs(root)
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, manifest: readJson(join(dir, 'package.json')) }))
  const names = new Set(found.map(({ manifest }) => manifest.name as string))
  return found.map(({ dir, manifest }) => {
    if (typeof manifest.name !== 'string' || typeof manifest.version !== 'string') {
      throw new Error(`${join(dir, 'package.json')}: expected string "name" and "version" fields`)
    }
    const dependencies = new Set<string>()
    for (const field of RUNTIME_DEPENDENCY_FIELDS) {
      const entries = (manifest[field] ?? {}) as Record<string, string>
      for (const dependency of Object.keys(entries)) if (names.has(dependency)) dependencies.add(dependency)
    }
    return {
      name: manifest.name,
      version: manifest.version,
      private: manifest.private === true,
      dir,
      relativeDir: relative(root, dir).split('\\').join('/'),
      workspaceDependencies: [...dependencies].sort(),
      manifest,
    }
  })
}

/** The packages that get published: not private. */
export function publishedPackages(root: string): WorkspacePackage[] {
  return listWorkspacePackages(root).filter((workspacePackage) => !workspacePackage.private)
}

/** Looks a package up by name, with an error listing what exists. */
export function findPackage(packages: readonly WorkspacePackage[], name: string): WorkspacePackage {
  const found = packages.find((candidate) => candidate.name === name)
  if (!found) {
    throw new Error(`No workspace package named ${name}; expected one of: ${packages.map((p) => p.name).join(', ')}`)
  }
  return found
}

/** `names` plus every workspace package they depend on at run time, transitively. */
export function withWorkspaceDependencies(packages: readonly WorkspacePackage[], names: Iterable<string>): Set<string> {
  const result = new Set<string>()
  const pending = [...names]
  while (pending.length > 0) {
    const name = pending.pop()!
    if (result.has(name)) continue
    result.add(name)
    pending.push(...findPackage(packages, name).workspaceDependencies)
  }
  return result
}

/** Packages in dependency order: every package after the workspace packages it depends on. */
export function topologicalOrder(packages: readonly WorkspacePackage[]): WorkspacePackage[] {
  const ordered: WorkspacePackage[] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (workspacePackage: WorkspacePackage, path: string[]) => {
    const seen = state.get(workspacePackage.name)
    if (seen === 'done') return
    if (seen === 'visiting') throw new Error(`Dependency cycle: ${[...path, workspacePackage.name].join(' -> ')}`)
    state.set(workspacePackage.name, 'visiting')
    for (const dependency of workspacePackage.workspaceDependencies) {
      const next = packages.find((candidate) => candidate.name === dependency)
      if (next) visit(next, [...path, workspacePackage.name])
    }
    state.set(workspacePackage.name, 'done')
    ordered.push(workspacePackage)
  }
  for (const workspacePackage of packages) visit(workspacePackage, [])
  return ordered
}

/** Whether a package is a connector (lives under `connectors/`). */
export function isConnector(workspacePackage: WorkspacePackage): boolean {
  return workspacePackage.relativeDir.startsWith('connectors/')
}
