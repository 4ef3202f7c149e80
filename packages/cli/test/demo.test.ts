import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryFile } from '../../pipeline/test/support/harness.ts'
import { runCli } from './support.ts'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'lakeflow-demo-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('lakeflow demo', () => {
  it('syncs the example source, changes it, syncs incrementally and shows the result', async () => {
    const result = await runCli(['demo'], { cwd: dir })
    expect(result.code).toBe(0)
    const [, second] = result.stdout.split('== Second sync')
    expect(second).toMatch(/main\.users\s+cdc\s+2\s+1\s+1\s+0\s/)
    expect(second).toMatch(/main\.orders\s+cdc_with_deletes\s+2\s+0\s+1\s+1\s/)
    expect(second).toMatch(/main\.products\s+snapshot\s+52\s+0\s+1\s+1\s/)
    expect(second).toMatch(/main\.events\s+append\s+1\s+1\s+0\s+0\s/)
    const file = path.join(dir, 'lakeflow-demo.duckdb')
    expect(await queryFile(file, `SELECT display_name FROM users WHERE user_id IN (1, 9001) ORDER BY user_id`)).toEqual(
      [{ display_name: 'renamed_in_demo' }, { display_name: 'new_demo_user' }],
    )
    expect(await queryFile(file, 'SELECT count(*)::INT AS n FROM orders WHERE order_id = 1002')).toEqual([{ n: 0 }])
    expect(await queryFile(file, 'SELECT count(*)::INT AS n FROM readings')).toEqual([{ n: 90 }])
  })
})
