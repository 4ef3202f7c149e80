import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** The Verdaccio version the end-to-end test runs (Node ≥ 22). */
export const VERDACCIO_VERSION = '6.10.4'

/**
 * Installs Verdaccio once into `<repo>/.tools/verdaccio` (git-ignored, outside the workspace, so
 * it never touches the workspace lockfile) and returns its entry point. `node-fetch@cjs` is
 * overridden because the registry here serves only `latest` dist-tags (toolchain.md §4).
 */
export function ensureVerdaccio(repoRoot: string): string {
  const dir = join(repoRoot, '.tools', 'verdaccio')
  const manifest = join(dir, 'node_modules', 'verdaccio', 'package.json')
  const entry = join(dir, 'node_modules', 'verdaccio', 'bin', 'verdaccio')
  if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).version === VERDACCIO_VERSION) return entry
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ private: true, dependencies: { verdaccio: VERDACCIO_VERSION }, overrides: { 'node-fetch@cjs': '2.7.0' } }, null, 2)}\n`,
  )
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return entry
}

/** A free TCP port on 127.0.0.1 (asked from the OS, then released for Verdaccio to take). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

/** A running Verdaccio: its URL, a publish/read token for one user, and a stop by process id. */
export interface RunningRegistry {
  readonly url: string
  readonly port: number
  readonly pid: number
  readonly token: string
  /** Everything Verdaccio printed (warnings and errors only: log level warn). */
  output(): string
  stop(): Promise<void>
}

/**
 * Starts Verdaccio on a free port of 127.0.0.1 with its storage in a temp directory. `@lakeflow/*`
 * needs an authenticated user to read and publish (like a company registry); there is no uplink:
 * everything else resolves from the default registry as usual.
 */
export async function startVerdaccio(entry: string): Promise<RunningRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'lakeflow-verdaccio-'))
  const port = await freePort()
  writeFileSync(
    join(dir, 'config.yaml'),
    [
      'storage: ./storage',
      'auth:',
      '  htpasswd:',
      '    file: ./htpasswd',
      '    max_users: 10',
      'uplinks: {}',
      'packages:',
      "  '@lakeflow/*':",
      '    access: $authenticated',
      '    publish: $authenticated',
      '    unpublish: $authenticated',
      "  '**':",
      '    access: $all',
      `listen: 127.0.0.1:${port}`,
      'log: { type: stdout, format: pretty, level: warn }',
      'middlewares: { audit: { enabled: false } }',
      '',
    ].join('\n'),
  )
  let output = ''
  const child: ChildProcess = spawn(process.execPath, [entry, '--config', join(dir, 'config.yaml')], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout?.on('data', (chunk) => (output += chunk))
  child.stderr?.on('data', (chunk) => (output += chunk))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = `http://127.0.0.1:${port}/`
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid!, 'SIGTERM')
      const timer = setTimeout(() => child.exitCode === null && process.kill(child.pid!, 'SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    }
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await waitForPing(
      url,
      () => child.exitCode,
      () => output,
    )
    const response = await fetch(new URL('-/user/org.couchdb.user:ci', url), {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ci', password: `pw-${Math.random().toString(36).slice(2)}` }),
    })
    const body = (await response.json()) as { token?: string; error?: string }
    if (!body.token) throw new Error(`Verdaccio did not create the user: ${JSON.stringify(body)}`)
    return { url, port, pid: child.pid!, token: body.token, output: () => output, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

async function waitForPing(url: string, exitCode: () => number | null, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (exitCode() !== null) throw new Error(`Verdaccio exited with ${exitCode()}: ${output()}`)
    try {
      if ((await fetch(new URL('-/ping', url))).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`Verdaccio did not answer ${url}-/ping within 30 s: ${output()}`)
}
