import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root: the nearest folder above this file with `pnpm-workspace.yaml`. */
export function repositoryRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(folder, 'pnpm-workspace.yaml'))) {
    const parent = dirname(folder)
    if (parent === folder) throw new Error('no pnpm-workspace.yaml above the test-services package')
    folder = parent
  }
  return folder
}

/**
 * The git-ignored folder where fetched services live (Kafka jars, moto's virtualenv).
 * `LAKEFLOW_SERVICES_CACHE` moves it (CI may keep it between runs).
 */
export function cacheRoot(): string {
  return process.env.LAKEFLOW_SERVICES_CACHE ?? join(repositoryRoot(), '.cache', 'services')
}
