import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { readManifest } from './package-entry.ts'

/**
 * The packages of the workspace that contains `directory`, by package name (to directory):
 * the nearest ancestor with a `pnpm-workspace.yaml`, or a `package.json` with `workspaces`
 * (npm, yarn, bun). Patterns may be directories, `dir/*` or `dir/**`; `!pattern` excludes.
 * Empty when `directory` is in no workspace.
 */
export function workspacePackages(directory: string): Map<string, string> {
  const found = findWorkspace(path.resolve(directory))
  const packages = new Map<string, string>()
  if (!found) return packages
  const include = found.patterns.filter((pattern) => !pattern.startsWith('!'))
  const exclude = new Set(
    found.patterns
      .filter((pattern) => pattern.startsWith('!'))
      .flatMap((pattern) => expand(found.root, pattern.slice(1))),
  )
  for (const dir of include.flatMap((pattern) => expand(found.root, pattern))) {
    if (exclude.has(dir)) continue
    const name = readManifest(dir)?.name
    if (typeof name === 'string' && !packages.has(name)) packages.set(name, dir)
  }
  return packages
}

function findWorkspace(start: string): { root: string; patterns: string[] } | undefined {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const pnpmFile = path.join(dir, 'pnpm-workspace.yaml')
    if (existsSync(pnpmFile)) return { root: dir, patterns: pnpmPatterns(readFileSync(pnpmFile, 'utf8')) }
    const workspaces = (readManifest(dir) as { workspaces?: unknown } | undefined)?.workspaces
    const patterns = Array.isArray(workspaces)
      ? workspaces
      : (workspaces as { packages?: unknown } | undefined)?.packages
    if (Array.isArray(patterns)) return { root: dir, patterns: patterns.filter((item) => typeof item === 'string') }
    if (path.dirname(dir) === dir) return undefined
  }
}

function unquote(text: string): string {
  return text.trim().replace(/^(['"])(.*)\1$/, '$2')
}

/** The `packages:` list of a `pnpm-workspace.yaml` (block or flow style); the rest of the file is not needed. */
function pnpmPatterns(text: string): string[] {
  const lines = text.split(/\r?\n/).map((line) => line.replace(/\s+#.*$/, ''))
  const start = lines.findIndex((line) => /^packages\s*:/.test(line))
  if (start === -1) return []
  const inline = lines[start]!.replace(/^packages\s*:/, '').trim()
  if (inline.startsWith('['))
    return inline
      .replace(/^\[|\]$/g, '')
      .split(',')
      .map(unquote)
      .filter(Boolean)
  const patterns: string[] = []
  for (const line of lines.slice(start + 1)) {
    const item = /^\s+-\s*(.+)$/.exec(line)
    if (item) patterns.push(unquote(item[1]!))
    else if (/^\S/.test(line)) break
  }
  return patterns
}

function subdirectories(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== 'node_modules' && !entry.name.startsWith('.'))
      .map((entry) => path.join(dir, entry.name))
  } catch {
    return []
  }
}

function expand(root: string, pattern: string): string[] {
  const clean = pattern.replace(/^\.\//, '').replace(/\/+$/, '')
  if (clean.endsWith('/**')) {
    const out: string[] = []
    const walk = (dir: string, depth: number) => {
      for (const child of subdirectories(dir)) {
        out.push(child)
        if (depth < 4) walk(child, depth + 1)
      }
    }
    walk(path.join(root, clean.slice(0, -3)), 1)
    return out
  }
  if (clean.endsWith('/*')) return subdirectories(path.join(root, clean.slice(0, -2)))
  return clean.includes('*') ? [] : [path.join(root, clean)]
}
