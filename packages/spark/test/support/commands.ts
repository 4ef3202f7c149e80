import { execFileSync } from 'node:child_process'
import { ensurePythonEnv } from '../../scripts/python-env.ts'

/** Runs a command to completion and returns its stdout (stderr kept for the error on failure). */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync(command, args, { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] })
}

/**
 * Installs a wheel into a directory of its own (`pip install --target`), beside the test venv
 * rather than into it: other test files install their wheels there at the same time. Put the
 * directory on `PYTHONPATH` to import from it.
 */
export function installWheelTo(wheel: string, target: string): void {
  const { python } = ensurePythonEnv()
  run(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '-q', '--no-deps', '--target', target, wheel])
}
