import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { SimulatorError } from './errors.ts'

/** Options of {@link spawnSimulator}: the CLI's flags. */
export interface SpawnSimulatorOptions {
  /** Path to `endpoints.yaml`. */
  spec: string
  /** Corpus directory. */
  corpus: string
  /** @default 0 (a free port) */
  port?: number
  /** Initial clock (ISO). */
  now?: string
  /** Seed for probabilistic faults. @default 42 */
  seed?: number
  /** Load specs written for the Python simulator as it did (see `SimulatorOptions.lenient`). @default false */
  lenient?: boolean
  /** How long to wait for the URL line. @default 15000 */
  startTimeoutMs?: number
}

/** A simulator running as a child process. */
export interface SpawnedSimulator {
  /** `http://127.0.0.1:<port>`, as the child printed it. */
  baseUrl: string
  /** The child's process id (stop it by this id). */
  pid: number
  /** The child process. */
  process: ChildProcess
  /** Sends SIGTERM to the process (SIGKILL after 5 s) and waits for it to exit. */
  stop(): Promise<void>
}

/**
 * Starts `lakeflow-simulator` as a child process (for tests that need the source outside
 * their own process, such as CLI and Spark tests) and resolves once it prints its URL.
 * From the sources it runs the TypeScript entry with the `@lakeflow/source` condition.
 */
export function spawnSimulator(options: SpawnSimulatorOptions): Promise<SpawnedSimulator> {
  const fromSource = import.meta.url.endsWith('.ts')
  const entry = fileURLToPath(new URL(fromSource ? './cli.ts' : './cli.js', import.meta.url))
  const args = [
    ...(fromSource ? ['--conditions=@lakeflow/source'] : []),
    entry,
    '--spec',
    options.spec,
    '--corpus',
    options.corpus,
  ]
  if (options.port !== undefined) args.push('--port', String(options.port))
  if (options.now !== undefined) args.push('--now', options.now)
  if (options.lenient) args.push('--lenient')
  if (options.seed !== undefined) args.push('--seed', String(options.seed))
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise<void>((done) => child.once('exit', () => done()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(timer)
    }
  }
  return new Promise((resolve, reject) => {
    let stdout = ''
    let stderr = ''
    const timer = setTimeout(() => {
      void stop()
      reject(
        new SimulatorError(
          `lakeflow-simulator did not print its URL within ${options.startTimeoutMs ?? 15_000} ms; stderr: ${stderr}`,
        ),
      )
    }, options.startTimeoutMs ?? 15_000)
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      const newline = stdout.indexOf('\n')
      if (newline < 0) return
      clearTimeout(timer)
      resolve({ baseUrl: stdout.slice(0, newline).trim(), pid: child.pid!, process: child, stop })
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(
        new SimulatorError(`lakeflow-simulator exited with code ${code} before printing its URL: ${stderr.trim()}`),
      )
    })
  })
}
