import { parseArgs } from 'node:util'
import { checkReleasePolicy, DEFAULT_IGNORED_CHANGE_GLOBS, DEFAULT_SNAPSHOT_GLOBS } from '../policy.ts'
import { publishedVersions, registryConfig, scopeRegistry } from '../registry.ts'

const USAGE = `node scripts/check-release-policy.ts [--root DIR] [--registry auto|never] [--no-pack]
    [--snapshots GLOB]... [--ignore GLOB]...

  --registry auto   consult the registry for versions without a git tag when the @lakeflow scope has
                    one (LAKEFLOW_REGISTRY_URL, or @lakeflow:registry in your pnpm/npm config) (default)
  --registry never  tags only; untagged versions count as never released
  --no-pack         skip the tarball check (it needs a build: run pnpm build first)
  --snapshots GLOB  schema snapshot files, relative to each package (repeatable)
                    default: ${DEFAULT_SNAPSHOT_GLOBS.join(', ')}
  --ignore GLOB     changed files that need no changeset, relative to each package (repeatable)
                    default: ${DEFAULT_IGNORED_CHANGE_GLOBS.join(', ')}`

/** `scripts/check-release-policy.ts`: prints a verdict per package; returns the exit code (1 on any violation). */
export function main(argv: readonly string[], write: (line: string) => void = console.log): number {
  let values: { root?: string; registry?: string; 'no-pack'?: boolean; snapshots?: string[]; ignore?: string[] }
  try {
    ;({ values } = parseArgs({
      args: [...argv],
      options: {
        root: { type: 'string' },
        registry: { type: 'string' },
        'no-pack': { type: 'boolean' },
        snapshots: { type: 'string', multiple: true },
        ignore: { type: 'string', multiple: true },
      },
      strict: true,
    }))
  } catch (error) {
    write(`${(error as Error).message}\nUsage: ${USAGE}`)
    return 2
  }
  const mode = values.registry ?? 'auto'
  if (mode !== 'auto' && mode !== 'never') {
    write(`--registry must be auto or never, got ${JSON.stringify(mode)}\nUsage: ${USAGE}`)
    return 2
  }
  const root = values.root ?? process.cwd()
  using registry = registryConfig()
  const scopeUrl = mode === 'auto' ? scopeRegistry({ cwd: root, env: registry.env }) : null
  const lookup = scopeUrl ? (name: string) => publishedVersions(name, { cwd: root, env: registry.env }) : null
  write(
    scopeUrl
      ? `Release policy (last release: git tag <name>@<version>, else ${scopeUrl})`
      : 'Release policy (last release: git tag <name>@<version>; no registry consulted)',
  )
  const verdicts = checkReleasePolicy({
    root,
    lookup,
    snapshotGlobs: values.snapshots,
    ignoredChangeGlobs: values.ignore,
    checkTarballs: !values['no-pack'],
    env: registry.env,
  })
  let failed = 0
  for (const verdict of verdicts) {
    write(`${verdict.violations.length === 0 ? 'ok  ' : 'FAIL'} ${verdict.name}: ${verdict.basis}`)
    for (const violation of verdict.violations) write(`     - ${violation}`)
    if (verdict.violations.length > 0) failed++
  }
  write(
    failed === 0
      ? `${verdicts.length} packages comply`
      : `${failed} of ${verdicts.length} packages break the release policy`,
  )
  return failed === 0 ? 0 : 1
}
