import { spawn, spawnSync } from 'node:child_process'
import { closeSync, constants, openSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
/** The CLI entry, run from source. */
export const BIN = path.resolve(here, '../src/bin.ts')
/** The shop test connector module (a path connector). */
export const SHOP_CONNECTOR = path.resolve(here, '../../pipeline/test/support/shop-connector.ts')

/** The result of one `lakeflow` child process. */
export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** The Node arguments that run the CLI from source. */
export const CLI_ARGS = ['--conditions=@lakeflow/source', '--no-warnings=ExperimentalWarning', BIN]

/**
 * Starts `lakeflow <args>` as a child process (Node 24, sources via the @lakeflow/source
 * condition). `stdout` may be a file descriptor to write to instead of a pipe read here.
 */
export function startCli(
  args: string[],
  options: {
    cwd: string
    env?: Record<string, string>
    stdout?: number
    /** Called with each complete line the child writes to stdout, as it arrives (with --json: each event). */
    onLine?: (line: string) => void
  },
) {
  const child = spawn(process.execPath, [...CLI_ARGS, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env, FORCE_COLOR: '0' },
    stdio: ['ignore', options.stdout ?? 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  let pending = ''
  const waiting: { pattern: RegExp; resolve: () => void }[] = []
  child.stdout?.on('data', (chunk) => {
    stdout += chunk
    for (const wait of waiting.filter((candidate) => candidate.pattern.test(stdout))) {
      waiting.splice(waiting.indexOf(wait), 1)
      wait.resolve()
    }
    if (!options.onLine) return
    pending += chunk
    const lines = pending.split('\n')
    pending = lines.pop()!
    for (const line of lines) options.onLine(line)
  })
  child.stderr?.on('data', (chunk) => {
    stderr += chunk
  })
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
  /** Resolves once stdout matches `pattern` (an event the child reported), or the child ended. */
  const until = (pattern: RegExp) =>
    new Promise<void>((resolve) => {
      if (pattern.test(stdout)) resolve()
      else waiting.push({ pattern, resolve })
      void done.then(() => resolve())
    })
  return { child, done, until }
}

/** Runs `lakeflow <args>` to completion. */
export function runCli(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<CliResult> {
  return startCli(args, options).done
}

/** Writes a connections file naming the shop connector (token from $SHOP_TOKEN) and a spec. */
export function writeShopProject(dir: string, baseUrl: string, objects: unknown[]): void {
  writeFileSync(
    path.join(dir, 'lakeflow.connections.yaml'),
    `connections:
  shop:
    connector: ${SHOP_CONNECTOR}
    options:
      base_url: ${baseUrl}
      token: \${SHOP_TOKEN}
      retry_base_ms: 5
`,
  )
  writeFileSync(path.join(dir, 'pipeline.yaml'), JSON.stringify({ connection_name: 'shop', objects }, null, 2))
}

/**
 * The write end of a pipe whose reader has already gone (a named pipe opened for reading and
 * closed again): the first write to it fails with EPIPE, like `… | head -1` once head has exited.
 * Returns the descriptor and a function closing it.
 */
export function pipeWithoutReader(dir: string): { fd: number; close: () => void } {
  const file = path.join(dir, `pipe-${process.pid}-${Date.now()}`)
  const made = spawnSync('mkfifo', [file])
  if (made.status !== 0) throw new Error(`mkfifo failed: ${made.stderr}`)
  const reader = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK)
  const fd = openSync(file, constants.O_WRONLY)
  closeSync(reader)
  return { fd, close: () => closeSync(fd) }
}
