import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  missingTuningEnv,
  missingTuningFlags,
  NODE_TUNING_ENV_DEFAULTS,
  NODE_TUNING_FLAGS,
} from '../src/node-tuning.ts'
import { BIN } from './support.ts'

const CLI_ROOT = path.resolve(path.dirname(BIN), '..')

/** Starts `lakeflow serve --stdio` (it waits on stdin), reads its command line from /proc, ends it. */
async function commandLineOf(
  env: Record<string, string>,
): Promise<{ pid: number; argv: string[]; environ: Record<string, string>; code: number }> {
  const child = spawn(
    process.execPath,
    ['--conditions=@lakeflow/source', BIN, 'serve', '--stdio', '--connector', 'example'],
    { cwd: CLI_ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] },
  )
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)))
  // The bridge answers hello once the (possibly re-executed) process has loaded.
  child.stdin.write(`${JSON.stringify({ v: 1, id: 1, method: 'hello', params: {} })}\n`)
  await new Promise((resolve) => child.stdout.once('data', resolve))
  const argv = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0').filter(Boolean)
  const environ = Object.fromEntries(
    readFileSync(`/proc/${child.pid}/environ`, 'utf8')
      .split('\0')
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  )
  child.stdin.end()
  return { pid: child.pid!, argv, environ, code: await exited }
}

describe('Node tuning of the lakeflow command', () => {
  it('adds only the heap flags the user did not give (arguments or NODE_OPTIONS, - or _ spelling)', () => {
    expect(missingTuningFlags([], '')).toEqual([...NODE_TUNING_FLAGS])
    expect(missingTuningFlags(['--max-semi-space-size=16'], '')).toEqual(['--max-old-space-size=256'])
    expect(missingTuningFlags([], '--max_old_space_size=2048 --max-semi-space-size=1')).toEqual([])
    expect(missingTuningFlags(['--conditions=@lakeflow/source'], undefined)).toEqual([...NODE_TUNING_FLAGS])
  })

  it('adds only the allocator settings the environment does not set', () => {
    expect(missingTuningEnv({})).toEqual(NODE_TUNING_ENV_DEFAULTS)
    expect(missingTuningEnv({ MALLOC_ARENA_MAX: '4', DUCKDB_JE_MALLOC_CONF: '' })).toEqual({
      MALLOC_TRIM_THRESHOLD_: '131072',
    })
  })

  it.skipIf(!existsSync('/proc/self/cmdline'))(
    're-executes itself with the flags, keeping its process id; LAKEFLOW_NODE_TUNING=off runs with the defaults',
    async () => {
      const tuned = await commandLineOf({})
      expect(tuned.code).toBe(0)
      // /proc/<pid> of the process we spawned shows the flags: the same process, re-executed.
      expect(tuned.argv).toEqual(expect.arrayContaining([...NODE_TUNING_FLAGS]))
      expect(tuned.argv.slice(-5)).toEqual([BIN, 'serve', '--stdio', '--connector', 'example'])
      expect(tuned.environ).toMatchObject({ ...NODE_TUNING_ENV_DEFAULTS, LAKEFLOW_NODE_TUNING: 'applied' })
      // A setting of the user's own is kept.
      const own = await commandLineOf({ MALLOC_ARENA_MAX: '3' })
      expect(own.environ.MALLOC_ARENA_MAX).toBe('3')
      expect(own.environ.DUCKDB_JE_MALLOC_CONF).toBe(NODE_TUNING_ENV_DEFAULTS.DUCKDB_JE_MALLOC_CONF)
      const plain = await commandLineOf({ LAKEFLOW_NODE_TUNING: 'off' })
      expect(plain.code).toBe(0)
      expect(plain.argv.some((arg) => arg.startsWith('--max-semi-space-size'))).toBe(false)
      expect(plain.environ.DUCKDB_JE_MALLOC_CONF).toBeUndefined()
    },
  )
})
