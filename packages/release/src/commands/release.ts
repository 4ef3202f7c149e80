import { parseArgs } from 'node:util'
import { releasePackages } from '../publish.ts'
import { registryConfig, scopeRegistry } from '../registry.ts'

const USAGE = `pnpm release [--filter @lakeflow/<package>]... [--dry-run] [--no-git-checks] [--no-build] [--no-tag]

  Builds and publishes every package whose current version is not in the registry yet (or, with
  --filter, that package plus the workspace packages it needs whose versions are unpublished),
  then tags each published <name>@<version>. The @lakeflow registry comes from LAKEFLOW_REGISTRY_URL
  (token from NPM_TOKEN) or from your user-level ~/.npmrc.`

/** `pnpm release` (scripts/release.ts); returns the exit code. */
export function main(argv: readonly string[], log: (line: string) => void = console.log): number {
  let values: {
    filter?: string[]
    'dry-run'?: boolean
    'no-git-checks'?: boolean
    'no-build'?: boolean
    'no-tag'?: boolean
  }
  try {
    ;({ values } = parseArgs({
      args: [...argv],
      options: {
        filter: { type: 'string', multiple: true, short: 'F' },
        'dry-run': { type: 'boolean' },
        'no-git-checks': { type: 'boolean' },
        'no-build': { type: 'boolean' },
        'no-tag': { type: 'boolean' },
      },
      strict: true,
    }))
  } catch (error) {
    log(`${(error as Error).message}\nUsage: ${USAGE}`)
    return 2
  }
  const root = process.cwd()
  using registry = registryConfig()
  const target = scopeRegistry({ cwd: root, env: registry.env })
  if (!target) {
    log('No registry for @lakeflow: set LAKEFLOW_REGISTRY_URL (and NPM_TOKEN), or add @lakeflow:registry to ~/.npmrc')
    return 1
  }
  if (registry.registryUrl && !registry.env.NPM_TOKEN) log('warning: NPM_TOKEN is not set; publishing anonymously')
  log(`Releasing to ${target}`)
  try {
    releasePackages({
      root,
      env: registry.env,
      filter: values.filter,
      dryRun: values['dry-run'],
      noGitChecks: values['no-git-checks'],
      noBuild: values['no-build'],
      noTag: values['no-tag'],
      log,
    })
    return 0
  } catch (error) {
    log(`release failed: ${(error as Error).message}`)
    return 1
  }
}
