import { parseArgs } from 'node:util'
import { syncWorkflows } from '../workflows.ts'

const USAGE = `node scripts/gen-workflows.ts [--check]

  Writes one release workflow per connector (.github/workflows/release-connector-<name>.yml) and one
  for the framework packages (release-packages.yml), each calling release-package.yml, and deletes
  generated workflows whose package is gone. --check changes nothing and fails on any drift.`

/** `scripts/gen-workflows.ts`; returns the exit code. */
export function main(argv: readonly string[], log: (line: string) => void = console.log, root = process.cwd()): number {
  let check = false
  try {
    check = parseArgs({ args: [...argv], options: { check: { type: 'boolean' } }, strict: true }).values.check ?? false
  } catch (error) {
    log(`${(error as Error).message}\nUsage: ${USAGE}`)
    return 2
  }
  const drift = syncWorkflows(root, { check })
  const lines = [
    ...drift.missing.map((file) => `missing: ${file}`),
    ...drift.outdated.map((file) => `out of date: ${file}`),
    ...drift.stale.map((file) => `stale (its package is gone): ${file}`),
  ]
  if (!check) {
    log(
      lines.length === 0 ? 'Release workflows are up to date.' : `Updated release workflows:\n  ${lines.join('\n  ')}`,
    )
    return 0
  }
  if (lines.length === 0) {
    log('Release workflows are up to date.')
    return 0
  }
  log(`Release workflows drifted from the package list:\n  ${lines.join('\n  ')}\nRun: node scripts/gen-workflows.ts`)
  return 1
}
