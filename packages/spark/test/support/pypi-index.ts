import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { ensurePypiServerEnv, PACKAGE_ROOT } from '../../scripts/python-env.ts'

/** A running private package index (pypiserver) on 127.0.0.1. */
export interface PypiIndex {
  /** The upload URL (the server root). */
  readonly url: string
  /** The PEP 503 index pip installs from. */
  readonly simpleUrl: string
  /** The token that may upload (user `__token__`). */
  readonly token: string
  readonly pid: number
  /** Its request log and errors. */
  log(): string
  /** Stops it by process id and removes its storage. */
  stop(): Promise<void>
}

/**
 * Starts pypiserver (from the project-local `.venv-pypiserver`, created on first use) on a
 * port the OS picks, uploads guarded by a fresh random token, packages in a temp directory.
 */
export async function startPypiIndex(): Promise<PypiIndex> {
  const { python } = ensurePypiServerEnv()
  const dir = mkdtempSync(join(tmpdir(), 'lakeflow-pypi-'))
  const token = `pypi-test-${randomBytes(16).toString('hex')}`
  mkdirSync(join(dir, 'packages'))
  const child = spawn(
    python,
    [join(PACKAGE_ROOT, 'test', 'python', 'pypi_index.py'), join(dir, 'packages'), join(dir, 'htpasswd')],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  )
  let log = ''
  child.stderr!.on('data', (chunk) => {
    log += chunk
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid!, 'SIGTERM')
      const timer = setTimeout(() => child.exitCode === null && process.kill(child.pid!, 'SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    }
    rmSync(dir, { recursive: true, force: true })
  }
  child.stdin!.end(`${token}\n`)
  const firstLine = new Promise<string | undefined>((resolve) => {
    const lines = createInterface({ input: child.stdout! })
    lines.once('line', (line) => resolve(line))
    lines.once('close', () => resolve(undefined))
  })
  const port = Number(await firstLine)
  if (!Number.isInteger(port) || port <= 0) {
    await stop()
    throw new Error(`pypiserver did not start: ${log}`)
  }
  const url = `http://127.0.0.1:${port}/`
  return { url, simpleUrl: `${url}simple/`, token, pid: child.pid!, log: () => log, stop }
}
