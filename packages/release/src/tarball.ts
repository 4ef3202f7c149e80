import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, matchesGlob, normalize } from 'node:path'

/**
 * Paths (relative to the package) that must never be in a published tarball: tests, fixtures,
 * snapshot and simulator corpora, benchmarks and build caches.
 */
export const FORBIDDEN_TARBALL_GLOBS: readonly string[] = [
  'test/**',
  'tests/**',
  '**/__tests__/**',
  '**/*.test.*',
  '**/*.spec.*',
  '**/fixtures/**',
  '**/__fixtures__/**',
  // Corpus *data*; a module named corpus (the simulator's corpus loader) is code and ships.
  '**/{corpus,corpora}/**/*.{json,jsonl,ndjson,csv,tsv,txt,gz,yaml,yml}',
  '**/__snapshots__/**',
  '**/*.snap',
  'simulator/**',
  'bench/**',
  '**/*.tsbuildinfo',
  '.turbo/**',
]

/** The files `pnpm pack` would put in the package's tarball (publishConfig applied), relative to it. */
export function packFileList(packageDir: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const result = spawnSync('pnpm', ['pack', '--dry-run', '--json'], { cwd: packageDir, env, encoding: 'utf8' })
  if (result.status !== 0) {
    throw new Error(`pnpm pack --dry-run failed in ${packageDir}: ${(result.stderr || result.stdout).trim()}`)
  }
  const parsed = JSON.parse(result.stdout) as { files?: { path: string }[] } | { files?: { path: string }[] }[]
  const entry = Array.isArray(parsed) ? parsed[0] : parsed
  if (!entry?.files) throw new Error(`pnpm pack --dry-run --json in ${packageDir} printed no file list`)
  return entry.files.map((file) => file.path.split('\\').join('/')).sort()
}

/** Problems with a tarball's file list; empty when it is clean. */
export function tarballProblems(packageDir: string, files: readonly string[]): string[] {
  const problems: string[] = []
  const shipped = new Set(files)
  for (const file of files) {
    const glob = FORBIDDEN_TARBALL_GLOBS.find((pattern) => matchesGlob(file, pattern))
    if (glob) problems.push(`${file} would be published (matches ${glob}: tests, fixtures and corpora never ship)`)
    if (file.endsWith('.map')) problems.push(...sourceMapProblems(packageDir, file, shipped))
  }
  const manifest = readManifest(packageDir) as {
    name?: unknown
    files?: unknown
    bin?: unknown
    publishConfig?: { bin?: unknown }
  }
  const bin = manifest.publishConfig?.bin ?? manifest.bin
  const bins = typeof bin === 'string' ? { [String(manifest.name)]: bin } : ((bin ?? {}) as Record<string, string>)
  for (const [command, target] of Object.entries(bins)) {
    const path = normalize(target).replaceAll('\\', '/')
    if (!shipped.has(path)) problems.push(`bin ${command} points at ${target}, which is not in the tarball`)
  }
  const declared = Array.isArray(manifest.files)
  if (
    declared &&
    !files.some((file) => file !== 'package.json' && !/^(readme|license|licence|changelog)/i.test(file))
  ) {
    problems.push('the tarball holds no build output: run the build first (pnpm build)')
  }
  return problems
}

function readManifest(packageDir: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as Record<string, unknown>
}

/** A shipped source map is only useful when every source it names ships too (or is embedded). */
function sourceMapProblems(packageDir: string, mapFile: string, shipped: ReadonlySet<string>): string[] {
  const path = join(packageDir, mapFile)
  if (!existsSync(path)) return []
  let map: { sources?: unknown; sourcesContent?: unknown }
  try {
    map = JSON.parse(readFileSync(path, 'utf8'))
  } catch {
    return [`${mapFile} is not a valid source map`]
  }
  const sources = Array.isArray(map.sources) ? map.sources.map(String) : []
  const embedded =
    Array.isArray(map.sourcesContent) && map.sourcesContent.every((content) => typeof content === 'string')
  if (embedded) return []
  const missing = sources
    .map((source) => normalize(join(dirname(mapFile), source)).replaceAll('\\', '/'))
    .filter((resolved) => resolved.startsWith('..') || !shipped.has(resolved))
  return missing.length === 0
    ? []
    : [
        `${mapFile} points at sources that are not published: ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', ...' : ''}`,
      ]
}
