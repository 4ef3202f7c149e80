import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
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

/** Starts `lakeflow <args>` as a child process (Node 24, sources via the @lakeflow/source condition). */
export function startCli(
  args: string[],
  options: {
    cwd: string
    env?: Record<string, string>
    /** Called with each complete line the child writes to stdout, as it arrives (with --json: each event). */
    onLine?: (line: string) => void
  },
) {
  const child = spawn(
    process.execPath,
    ['--conditions=@lakeflow/source', '--no-warnings=ExperimentalWarning', BIN, ...args],
    {
      cwd: options.cwd,
      env: { ...process.env, ...options.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let stdout = ''
  let stderr = ''
  let pending = ''
  child.stdout.on('data', (chunk) => {
    stdout += chunk
    if (!options.onLine) return
    pending += chunk
    const lines = pending.split('\n')
    pending = lines.pop()!
    for (const line of lines) options.onLine(line)
  })
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
  return { child, done }
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
