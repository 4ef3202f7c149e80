import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { TableOptions } from '@lakeflow/core/connector'

/** What a fresh process reports about a connector. */
export interface ChildSchemas {
  tables: string[]
  schemas: Record<string, string>
}

function childScript(): string {
  for (const name of ['./schema-child.ts', './schema-child.js']) {
    const path = fileURLToPath(new URL(name, import.meta.url))
    if (existsSync(path)) return path
  }
  throw new Error('schema-child script not found next to the testkit')
}

/**
 * Loads the connector module in a new Node process and returns its tables and schemas
 * (Spark JSON). The child runs with the `@lakeflow/source` condition, so workspace
 * packages resolve to their sources as they do in tests.
 */
export function schemasInChildProcess(
  specifier: string,
  exportName: string,
  options: Record<string, unknown>,
  tableOptions: Record<string, TableOptions>,
  timeoutMs = 30_000,
): Promise<ChildSchemas> {
  const args = ['--conditions=@lakeflow/source', '--no-warnings', childScript(), specifier, exportName]
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      args,
      { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new Error(`the child process failed (${error.message.split('\n')[0]}): ${stderr.trim().slice(0, 600)}`),
          )
          return
        }
        try {
          resolve(JSON.parse(stdout) as ChildSchemas)
        } catch {
          reject(new Error(`the child process printed no JSON: ${stdout.slice(0, 300)} ${stderr.slice(0, 300)}`))
        }
      },
    )
    child.stdin?.end(JSON.stringify({ options, tableOptions }))
  })
}
