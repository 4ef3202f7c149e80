import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { connector as example } from '@lakeflow/connector-example'
import { collectRead, type TableOptions } from '@lakeflow/core/connector'
import { compileConverter } from '@lakeflow/core/convert'
import { createSimulator, type Simulator } from '@lakeflow/simulator'
import { ensurePythonEnv, REPO_ROOT } from '../../scripts/python-env.ts'
import { normalise } from './normalise.ts'

const EXAMPLE_SIMULATOR = join(REPO_ROOT, 'connectors', 'example', 'simulator')

/** Starts the example connector's simulator (a real HTTP server on 127.0.0.1). */
export async function startExample(): Promise<{ simulator: Simulator; url: string }> {
  const simulator = createSimulator({
    spec: join(EXAMPLE_SIMULATOR, 'endpoints.yaml'),
    corpus: join(EXAMPLE_SIMULATOR, 'corpus'),
  })
  return { simulator, url: await simulator.start() }
}

/** Connection options of the example connector against a simulator. */
export function exampleOptions(url: string): Record<string, string> {
  return { base_url: url, username: 'simulator-user', password: 'simulator-fake-password' }
}

/** The example connector's own batch read (start null, one call), converted and normalised. */
export async function exampleRows(url: string, table: string, tableOptions: TableOptions = {}): Promise<unknown[]> {
  const connector = example.create(exampleOptions(url))
  const schema = await connector.getTableSchema(table, tableOptions)
  const convert = compileConverter(schema, { table })
  const { records } = await collectRead(connector.readTable(table, null, tableOptions))
  await connector.close?.()
  return records.map((record) => normalise(convert(record), schema))
}

/** Installs a wheel into the test venv (replacing an earlier install of it). */
export function installWheel(wheel: string): void {
  const { python } = ensurePythonEnv()
  execFileSync(
    python,
    ['-m', 'pip', 'install', '--disable-pip-version-check', '-q', '--force-reinstall', '--no-deps', wheel],
    {
      stdio: 'inherit',
    },
  )
}

/** Sorts rows by the given key columns. */
export function sortBy<T>(rows: readonly T[], keys: readonly string[]): T[] {
  const key = (row: T) => JSON.stringify(keys.map((name) => (row as Record<string, unknown>)[name]))
  return [...rows].sort((left, right) => (key(left) < key(right) ? -1 : key(left) > key(right) ? 1 : 0))
}
