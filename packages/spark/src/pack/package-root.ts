import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

let cached: string | undefined

/**
 * The directory of the `@lakeflow/spark` package, found by walking up from this module
 * (works from the sources and from the built `dist/` chunks alike).
 */
export function sparkPackageRoot(): string {
  if (cached) return cached
  let directory = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const manifest = join(directory, 'package.json')
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === '@lakeflow/spark') {
      cached = directory
      return directory
    }
    const parent = dirname(directory)
    if (parent === directory) throw new Error('Cannot find the @lakeflow/spark package root')
    directory = parent
  }
}
