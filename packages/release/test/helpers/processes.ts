import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, symlinkSync } from 'node:fs'
import { dirname, join } from 'node:path'

/** What a finished command printed. */
export interface CommandResult {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
  readonly seconds: number
}

/** Runs a command to completion (never through a shell); throws with its output unless `allowFailure`. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; allowFailure?: boolean; timeoutMs?: number },
): CommandResult {
  const started = performance.now()
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 240_000,
    maxBuffer: 64 * 1024 * 1024,
  })
  const done: CommandResult = {
    status: result.status,
    stdout: result.stdout ?? '',
    stderr: result.stderr ?? '',
    seconds: (performance.now() - started) / 1000,
  }
  if (!options.allowFailure && result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} (in ${options.cwd}) exited with ${result.status ?? result.signal}:\n${done.stdout}\n${done.stderr}`,
    )
  }
  return done
}

/**
 * Copies the repository's working tree (tracked and untracked files, minus git-ignored ones and pending changesets, so
 * uncommitted work is what gets tested) into `target`, commits it there on `main`, and links
 * `.tools` (Node 24, pnpm, Verdaccio) so the copy needs no second bootstrap.
 */
export function copyWorkingTree(repoRoot: string, target: string): void {
  const listing = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  // The copy is a repository at a release: its pending changesets were consumed by the version
  // step, so none are copied (a pending one would excuse changes the tests expect flagged).
  const pendingChangeset = /^\.changeset\/(?!README\.md$)[^/]+\.md$/
  for (const file of new Set(listing.split('\0').filter(Boolean))) {
    if (pendingChangeset.test(file)) continue
    const from = join(repoRoot, file)
    if (!existsSync(from)) continue // deleted in the working tree
    mkdirSync(dirname(join(target, file)), { recursive: true })
    cpSync(from, join(target, file))
  }
  symlinkSync(join(repoRoot, '.tools'), join(target, '.tools'))
  const git = (...args: string[]) => execFileSync('git', args, { cwd: target, stdio: ['ignore', 'pipe', 'pipe'] })
  git('init', '-q', '-b', 'main')
  git('config', 'user.name', 'Release E2E')
  git('config', 'user.email', 'release-e2e@example.invalid')
  git('config', 'commit.gpgsign', 'false')
  git('add', '-A')
  git('commit', '-q', '-m', 'Snapshot of the working tree')
}

/** The environment child processes get: this process's, minus registry settings that would leak in, plus `extra`. */
export function childEnv(pathDirs: readonly string[], extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm|pnpm)_config_/i.test(key) || key === 'LAKEFLOW_REGISTRY_URL' || key === 'NPM_TOKEN') continue
    if (key === 'VITEST' || key.startsWith('VITEST_') || key === 'NODE_OPTIONS') continue
    env[key] = value
  }
  env.PATH = [...pathDirs, process.env.PATH ?? ''].join(':')
  env.TURBO_TELEMETRY_DISABLED = '1'
  env.DO_NOT_TRACK = '1'
  return { ...env, ...extra }
}

/** A long-running child process (a server), stopped by its process id. */
export interface Server {
  /** The first line it printed on stdout (the simulator prints its base URL there). */
  readonly firstLine: string
  stop(): Promise<void>
}

/** Starts a server process and waits for its first stdout line (at most `timeoutMs`). */
export async function startServer(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<Server> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid!, 'SIGTERM')
      await exited
    }
  }
  let stderr = ''
  child.stderr.on('data', (chunk) => (stderr += chunk))
  try {
    const firstLine = await new Promise<string>((resolve, reject) => {
      let stdout = ''
      const timer = setTimeout(
        () => reject(new Error(`${command} printed nothing in time: ${stderr}`)),
        options.timeoutMs ?? 20_000,
      )
      child.stdout.on('data', (chunk) => {
        stdout += chunk
        const end = stdout.indexOf('\n')
        if (end >= 0) {
          clearTimeout(timer)
          resolve(stdout.slice(0, end).trim())
        }
      })
      child.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`${command} exited with ${code} before printing: ${stderr}`))
      })
    })
    return { firstLine, stop }
  } catch (error) {
    await stop()
    throw error
  }
}
