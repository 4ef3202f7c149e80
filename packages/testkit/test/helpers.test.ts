import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Spark } from '@lakeflow/core/schema'
import { describe, expect, it } from 'vitest'
import { loadLiveConfig, resolveMode } from '../src/mode.ts'
import { canonical, emptyStructs, isAllNull, nonNullableViolations } from '../src/records.ts'
import { leaksCanary } from '../src/secrets.ts'
import { crashPoints } from '../src/suites/completeness-checks.ts'
import { fieldsMovedBack, futureOffset } from '../src/suites/read-checks.ts'

const schema = Spark.table({
  id: Spark.long({ nullable: false }),
  address: Spark.struct({ city: Spark.string({ nullable: false }), zip: Spark.string() }),
  tags: Spark.array(Spark.string()),
})

describe('record helpers', () => {
  it('find null non-nullable fields, all-null records and {} structs', () => {
    expect(nonNullableViolations({ address: { zip: '1' } }, schema)).toEqual(['id', 'address.city'])
    expect(nonNullableViolations({ id: 1, address: null }, schema)).toEqual([])
    expect(isAllNull({ id: null, address: { city: null } }, schema)).toBe(true)
    expect(isAllNull({ id: null, tags: [] }, schema)).toBe(false)
    expect(emptyStructs({ id: 1, address: {} }, schema)).toEqual(['address'])
  })

  it('canonical text ignores key order and spells maps, bigints and bytes', () => {
    expect(canonical({ b: 1, a: [1n, new Map([['k', 2]])] })).toBe(canonical({ a: [1n, new Map([['k', 2]])], b: 1 }))
    expect(canonical(new Uint8Array([1, 2]))).not.toBe(canonical([1, 2]))
  })
})

describe('offset helpers', () => {
  it('moves timestamps and numbers into the future, and leaves opaque tokens alone', () => {
    expect(futureOffset({ cursor: '2024-05-01T00:00:00.000Z' })?.cursor).toMatch(/^207\d-/)
    expect(futureOffset({ cursor: '2024-05-01' })?.cursor).toMatch(/^207\d-\d\d-\d\d$/)
    expect(futureOffset({ since_id: 42, token: 'abc' })).toMatchObject({ token: 'abc' })
    expect(futureOffset({ token: 'abc' })).toBeUndefined()
  })

  it('notices a field that went back', () => {
    expect(fieldsMovedBack({ cursor: '2024-05-02T00:00:00Z' }, { cursor: '2024-05-01T00:00:00Z' })).toEqual(['cursor'])
    expect(fieldsMovedBack({ page: 3, cursor: 'a' }, { page: 4, cursor: 'b' })).toEqual([])
  })
})

describe('crash points', () => {
  it('crash after the first record, at every page boundary, at call boundaries and one past them', () => {
    // 103 records read in calls of 7 from pages of 20.
    const calls = Array.from({ length: 14 }, (_, index) => 7 * (index + 1)).concat(103)
    const points = crashPoints(calls, 20, 103)
    for (const boundary of [1, 20, 40, 60, 80, 100]) expect(points, `boundary ${boundary}`).toContain(boundary)
    // Eight of the fourteen call boundaries, and eight points one record past them, first and last kept.
    expect(points.filter((point) => calls.includes(point))).toHaveLength(8)
    expect(points.filter((point) => calls.includes(point - 1))).toHaveLength(8)
    expect(points).toContain(7)
    expect(points).toContain(98)
    expect(points).toContain(99)
    expect(Math.max(...points)).toBeLessThan(103)
    expect(new Set(points).size).toBe(points.length)
  })

  it('keeps every page boundary up to 64, and spreads call boundaries to 8 of each kind', () => {
    const calls = Array.from({ length: 500 }, (_, index) => 7 * (index + 1))
    const points = crashPoints(calls, 50, 3500)
    const pages = points.filter((point) => point % 50 === 0)
    expect(pages.length).toBeGreaterThanOrEqual(64)
    expect(
      Array.from({ length: 69 }, (_, index) => 50 * (index + 1)).filter((page) => points.includes(page)).length,
    ).toBe(64)
    expect(points.filter((point) => point % 7 === 0 && point % 50 !== 0).length).toBeLessThanOrEqual(8)
    expect(points.filter((point) => point % 7 === 1 && point > 1 && point % 50 !== 0).length).toBeLessThanOrEqual(8)
    const few = crashPoints([7, 14, 21], 10, 25)
    expect(few).toEqual([1, 7, 8, 10, 14, 15, 20, 21, 22])
  })
})

describe('secret scanning', () => {
  const canary = 'lakeflow-canary-0123456789abcdef'
  it('finds a canary verbatim, URL-encoded and inside base64 basic auth', () => {
    expect(leaksCanary(`token=${canary}`, canary)).toBe(true)
    expect(leaksCanary(`Authorization: Basic ${Buffer.from(`user:${canary}`).toString('base64')}`, canary)).toBe(true)
    expect(leaksCanary('Authorization: Basic [REDACTED]', canary)).toBe(false)
  })
})

describe('modes', () => {
  it('defaults to simulate with a simulator and rejects unknown modes', () => {
    expect(resolveMode(undefined, true, {})).toBe('simulate')
    expect(resolveMode(undefined, false, {})).toBe('live')
    expect(resolveMode(undefined, true, { LAKEFLOW_TEST_MODE: ' LIVE ' })).toBe('live')
    expect(() => resolveMode(undefined, true, { LAKEFLOW_TEST_MODE: 'replay' })).toThrow(/"simulate" or "live"/)
  })

  it('reads live credentials from JSON, naming both variables when none is set', () => {
    expect(loadLiveConfig({ LAKEFLOW_TEST_CONFIG_JSON: '{"token":"t"}' })).toEqual({ options: { token: 't' } })
    expect(
      loadLiveConfig({ LAKEFLOW_TEST_CONFIG_JSON: '{"options":{"token":"t"},"tableOptions":{"a":{"x":"1"}}}' }),
    ).toEqual({
      options: { token: 't' },
      tableOptions: { a: { x: '1' } },
    })
    expect(() => loadLiveConfig({})).toThrow(/LAKEFLOW_TEST_CONFIG_JSON.*LAKEFLOW_TEST_CONFIG_PATH/)
    expect(() => loadLiveConfig({ LAKEFLOW_TEST_CONFIG_JSON: '{' })).toThrow(/not valid JSON/)
  })

  it('reads live credentials from the file LAKEFLOW_TEST_CONFIG_PATH names; inline JSON wins', () => {
    const folder = mkdtempSync(join(tmpdir(), 'testkit-live-'))
    try {
      const file = join(folder, 'live.json')
      writeFileSync(file, JSON.stringify({ options: { token: 'from-file' }, tableOptions: { t: { since: 'x' } } }))
      expect(loadLiveConfig({ LAKEFLOW_TEST_CONFIG_PATH: file })).toEqual({
        options: { token: 'from-file' },
        tableOptions: { t: { since: 'x' } },
      })
      expect(
        loadLiveConfig({ LAKEFLOW_TEST_CONFIG_PATH: file, LAKEFLOW_TEST_CONFIG_JSON: '{"token":"inline"}' }),
      ).toEqual({ options: { token: 'inline' } })
      const missing = join(folder, 'missing.json')
      expect(() => loadLiveConfig({ LAKEFLOW_TEST_CONFIG_PATH: missing })).toThrow(
        `LAKEFLOW_TEST_CONFIG_PATH points at ${missing}, which does not exist`,
      )
      writeFileSync(file, '[1, 2]')
      expect(() => loadLiveConfig({ LAKEFLOW_TEST_CONFIG_PATH: file })).toThrow(`${file} must hold a JSON object`)
    } finally {
      rmSync(folder, { recursive: true, force: true })
    }
  })
})
