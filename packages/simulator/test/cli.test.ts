import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { spawnSimulator } from '../src/index.ts'
import { AUTH, TICKETS_CORPUS, TICKETS_SPEC } from './helpers.ts'

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url))

function run(args: string[]) {
  return spawn(process.execPath, ['--conditions=@lakeflow/source', CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
}

describe('lakeflow-simulator CLI', () => {
  it('prints the base URL, serves, and exits 0 on SIGTERM sent to its pid', async () => {
    const child = run(['--spec', TICKETS_SPEC, '--corpus', TICKETS_CORPUS, '--now', '2024-02-02T00:00:00Z'])
    try {
      const [chunk] = (await once(child.stdout, 'data')) as [Buffer]
      const url = chunk.toString().split('\n')[0]!
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const response = await fetch(`${url}/v2/tickets?per_page=2`, { headers: AUTH })
      expect(response.status).toBe(200)
      expect(((await response.json()) as { id: number }[]).map((ticket) => ticket.id)).toEqual([1, 2])
      process.kill(child.pid!, 'SIGTERM')
      const [code] = await once(child, 'exit')
      expect(code).toBe(0)
      await expect(fetch(url)).rejects.toThrow()
    } finally {
      child.kill('SIGKILL')
    }
  })

  it('exits 2 with the usage on missing flags and 1 naming the file on a bad spec', async () => {
    const missing = run(['--corpus', TICKETS_CORPUS])
    let stderr = ''
    missing.stderr.on('data', (chunk) => (stderr += chunk))
    expect((await once(missing, 'exit'))[0]).toBe(2)
    expect(stderr).toMatch(/^lakeflow-simulator: --spec is required\nUsage:/)

    const bad = run(['--spec', `${TICKETS_CORPUS}/tickets.json`, '--corpus', TICKETS_CORPUS])
    let badErr = ''
    bad.stderr.on('data', (chunk) => (badErr += chunk))
    expect((await once(bad, 'exit'))[0]).toBe(1)
    expect(badErr).toContain(
      `${TICKETS_CORPUS}/tickets.json: expected a mapping with an "endpoints" list at the top level`,
    )
  })

  it('--lenient serves a missing corpus empty and prints the warning on stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simulator-cli-'))
    writeFileSync(
      join(dir, 'endpoints.yaml'),
      'endpoints:\n  - path: /holidays\n    method: GET\n    corpus: holidays\n',
    )
    mkdirSync(join(dir, 'corpus'))
    const strict = run(['--spec', join(dir, 'endpoints.yaml'), '--corpus', join(dir, 'corpus')])
    expect((await once(strict, 'exit'))[0]).toBe(1)
    const child = run(['--spec', join(dir, 'endpoints.yaml'), '--corpus', join(dir, 'corpus'), '--lenient'])
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += chunk))
    try {
      const [chunk] = (await once(child.stdout, 'data')) as [Buffer]
      const url = chunk.toString().split('\n')[0]!
      expect(await (await fetch(`${url}/holidays`)).json()).toEqual([])
      expect(stderr).toMatch(
        /^lakeflow-simulator: warning: .*endpoints\[0\]\.corpus \(GET \/holidays\): corpus "holidays" not found: .*; served empty\n/,
      )
      process.kill(child.pid!, 'SIGTERM')
      expect((await once(child, 'exit'))[0]).toBe(0)
    } finally {
      child.kill('SIGKILL')
    }
  })

  it('spawnSimulator() starts it as a child process and stops it by pid', async () => {
    const spawned = await spawnSimulator({ spec: TICKETS_SPEC, corpus: TICKETS_CORPUS })
    try {
      expect(spawned.pid).toBeGreaterThan(0)
      expect((await fetch(`${spawned.baseUrl}/v2/me`)).status).toBe(200)
    } finally {
      await spawned.stop()
    }
    expect(spawned.process.exitCode).toBe(0)
    await expect(spawnSimulator({ spec: '/nonexistent.yaml', corpus: TICKETS_CORPUS })).rejects.toThrow(
      /exited with code 1 before printing its URL: lakeflow-simulator: \/nonexistent\.yaml: cannot read the spec file/,
    )
  })
})
