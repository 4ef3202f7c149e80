import { once } from 'node:events'
import type { ConnectorDefinition } from '@lakeflow/core/connector'
import { loadConnector } from '@lakeflow/core/resolve'
import { serveBridge } from './server.ts'

/** Settings of {@link serveStdio}. */
export interface ServeStdioSettings {
  /**
   * The connector: a definition, or what to load it from, resolved from `cwd` by
   * `@lakeflow/core/resolve` like every runner does: a short name (`github`, `azure_devops`),
   * a package name, a package directory or a module file.
   */
  connector: ConnectorDefinition | string
  /** Where package names are resolved from. @default process.cwd() */
  cwd?: string
}

/**
 * Serves the bridge protocol on this process's stdin/stdout until stdin closes — what the
 * Python data source runs (`lakeflow-bridge --connector <name>`, `lakeflow serve --stdio`).
 * stdout carries only protocol frames: anything else written to it (a connector's
 * `console.log`) is redirected to stderr, which the Python side keeps for error reports.
 * @example
 * await serveStdio({ connector: 'github' })
 */
export async function serveStdio(settings: ServeStdioSettings): Promise<void> {
  const stdout = process.stdout
  const writeFrame = stdout.write.bind(stdout) as (chunk: Uint8Array) => boolean
  // Keep stray writes (console.log in a connector or a library) out of the frame stream.
  stdout.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) =>
    (process.stderr.write as (...args: unknown[]) => boolean)(chunk, encoding, callback)) as typeof stdout.write
  const log = (line: string) => process.stderr.write(`${line}\n`)
  try {
    const definition =
      typeof settings.connector === 'string'
        ? (await loadConnector(settings.connector, settings.cwd, [import.meta.filename])).definition
        : settings.connector
    await serveBridge({
      definition,
      input: process.stdin,
      output: {
        write: (chunk) => void writeFrame(chunk),
        buffered: () => stdout.writableLength,
        drain: () => (stdout.writableLength === 0 ? Promise.resolve() : once(stdout, 'drain').then(() => undefined)),
      },
      log,
    })
  } finally {
    stdout.write = writeFrame as typeof stdout.write
  }
}
