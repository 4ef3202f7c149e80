import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'

/** A service process started by a test, stopped by its process id. */
export interface ServiceProcess {
  readonly pid: number
  readonly child: ChildProcess
  /** True until the process exits. */
  alive(): boolean
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>
}

/** Starts `command` with its output appended to `logFile`; never inherits the test's stdio. */
export function startService(
  command: string,
  args: readonly string[],
  options: { logFile: string; cwd?: string; env?: NodeJS.ProcessEnv },
): ServiceProcess {
  const log = openSync(options.logFile, 'a')
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', log, log],
  })
  closeSync(log)
  let exited = false
  const done = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true
      resolve()
    }),
  )
  if (child.pid === undefined) throw new Error(`could not start ${command}`)
  const pid = child.pid
  return {
    pid,
    child,
    alive: () => !exited,
    async stop(graceMs = 10_000) {
      if (exited) return
      process.kill(pid, 'SIGTERM')
      const timer = setTimeout(() => {
        if (!exited) process.kill(pid, 'SIGKILL')
      }, graceMs)
      await done
      clearTimeout(timer)
    },
  }
}

/** Runs a command to its end; rejects with its output when it fails. */
export function run(command: string, args: readonly string[], options: { cwd?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.once('error', reject)
    child.once('exit', (code) => {
      if (code === 0) resolve(output)
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output.slice(-4000)}`))
    })
  })
}
