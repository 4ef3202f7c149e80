import { parseArgs } from 'node:util'
import { versionPackages } from '../version.ts'

const USAGE = `node scripts/release-version.ts --filter @lakeflow/<package> [--filter ...] [--commit]

  Applies the pending changesets of the named packages only (changeset version, scoped): bumps their
  versions and writes their CHANGELOGs; changesets for other packages stay pending. With --commit,
  commits the result. Without --filter use plain "pnpm exec changeset version" (everything).`

/** `scripts/release-version.ts`: scoped versioning for one package's release pipeline; returns the exit code. */
export function main(argv: readonly string[], log: (line: string) => void = console.log): number {
  let values: { filter?: string[]; commit?: boolean }
  try {
    ;({ values } = parseArgs({
      args: [...argv],
      options: { filter: { type: 'string', multiple: true, short: 'F' }, commit: { type: 'boolean' } },
      strict: true,
    }))
  } catch (error) {
    log(`${(error as Error).message}\nUsage: ${USAGE}`)
    return 2
  }
  if (!values.filter?.length) {
    log(`--filter is required\nUsage: ${USAGE}`)
    return 2
  }
  try {
    const result = versionPackages(process.cwd(), values.filter, { commit: values.commit })
    if (result.bumped.size === 0) log(`No pending changesets for ${values.filter.join(', ')}`)
    for (const [name, [before, after]] of result.bumped) log(`${name}: ${before} -> ${after}`)
    for (const name of result.followUps) log(`queued a patch changeset for ${name} (a dependency left its range)`)
    if (result.commit) log(`committed ${result.commit.slice(0, 9)}`)
    return 0
  } catch (error) {
    log(`versioning failed: ${(error as Error).message}`)
    return 1
  }
}
