// Debug notes (LAKEFLOW_DEBUG) and the one "did you mean" helper every message uses.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  closestMatch,
  debugFromEnvironment,
  debugLog,
  debugOnce,
  didYouMean,
  editDistance,
  registerSecret,
  setDebugSink,
} from '../src/errors/index.ts'

const ERRORS_MODULE = fileURLToPath(new URL('../src/errors/index.ts', import.meta.url))

/** Runs a snippet in a fresh Node process with the given environment; returns its stderr. */
function stderrOf(code: string, env: Record<string, string>): string {
  const result = spawnSync(
    process.execPath,
    [
      '--no-warnings',
      '--input-type=module',
      '-e',
      `const core = await import(${JSON.stringify(ERRORS_MODULE)});\n${code}`,
    ],
    { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' },
  )
  expect(result.status, result.stderr).toBe(0)
  return result.stderr
}

describe('debug notes', () => {
  it('go to stderr only with LAKEFLOW_DEBUG, redacted, and debugOnce notes a key once', () => {
    const code = [
      "core.registerSecret('hunter2-secret')",
      "core.debugOnce('k', 'first hunter2-secret')",
      "core.debugOnce('k', 'again')",
      "core.debugLog('plain')",
    ].join(';')
    expect(stderrOf(code, {})).toBe('')
    expect(stderrOf(code, { LAKEFLOW_DEBUG: '0' })).toBe('')
    expect(stderrOf(code, { LAKEFLOW_DEBUG: '1' })).toBe('lakeflow debug: first [REDACTED]\nlakeflow debug: plain\n')
  })

  it('reads LAKEFLOW_DEBUG as on for anything but empty, 0 or false', () => {
    expect(debugFromEnvironment({})).toBe(false)
    expect(debugFromEnvironment({ LAKEFLOW_DEBUG: '' })).toBe(false)
    expect(debugFromEnvironment({ LAKEFLOW_DEBUG: 'False' })).toBe(false)
    expect(debugFromEnvironment({ LAKEFLOW_DEBUG: '1' })).toBe(true)
    expect(debugFromEnvironment({ LAKEFLOW_DEBUG: 'yes' })).toBe(true)
  })

  it('a sink receives notes; a note made while output is off is still given once it is on', () => {
    const key = `sink-test-${process.pid}-${Date.now()}`
    const lines: string[] = []
    debugOnce(key, 'while off')
    const previous = setDebugSink((line) => lines.push(line))
    try {
      registerSecret('sink-secret-42')
      debugOnce(key, 'on: sink-secret-42')
      debugOnce(key, 'on again')
      debugLog('second')
      setDebugSink(() => {
        throw new Error('broken sink')
      })
      expect(() => debugLog('ignored')).not.toThrow()
    } finally {
      setDebugSink(previous)
    }
    expect(lines).toEqual(['on: [REDACTED]', 'second'])
  })
})

describe('did you mean', () => {
  it('measures edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3)
    expect(editDistance('', 'abc')).toBe(3)
    expect(editDistance('same', 'same')).toBe(0)
  })

  it('suggests the closest candidate within a typo distance, ignoring case', () => {
    expect(closestMatch('pagesize', ['token', 'page_size'])).toBe('page_size')
    expect(closestMatch('GITHB', ['example', 'github'])).toBe('github')
    expect(closestMatch('zzzzzzzz', ['page_size', 'token'])).toBeUndefined()
    expect(closestMatch('start_dat', ['state', 'start_date'])).toBe('start_date')
    expect(didYouMean('pagesize', ['page_size'])).toBe('; did you mean "page_size"?')
    expect(didYouMean('zzzzzzzz', ['page_size'])).toBe('')
  })
})
