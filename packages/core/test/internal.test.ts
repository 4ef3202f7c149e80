// The helpers the packages share through `@lakeflow/core/internal`.
import { describe, expect, it } from 'vitest'
import { registerSecret } from '../src/errors/index.ts'
import { describeKind, describeValue, isPlainObject, seededRandom } from '../src/internal/index.ts'

describe('seededRandom', () => {
  it('is mulberry32: the committed corpora and fault schedules depend on this exact sequence', () => {
    const random = seededRandom(42)
    expect([random(), random(), random()]).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099])
    expect(seededRandom(0)()).toBe(0.26642920868471265)
    // Seeds are taken as unsigned 32-bit integers.
    expect(seededRandom(-1)()).toBe(seededRandom(0xffffffff)())
  })

  it('gives the same sequence for the same seed, values in [0, 1)', () => {
    const left = seededRandom(7)
    const right = seededRandom(7)
    for (let index = 0; index < 1000; index++) {
      const value = left()
      expect(value).toBe(right())
      expect(value).toBeGreaterThanOrEqual(0)
      expect(value).toBeLessThan(1)
    }
    expect(seededRandom(8)()).not.toBe(seededRandom(7)())
  })
})

describe('isPlainObject', () => {
  it('accepts JSON-like objects only', () => {
    expect(isPlainObject({})).toBe(true)
    expect(isPlainObject({ a: 1 })).toBe(true)
    expect(isPlainObject(Object.create(null))).toBe(true)
    expect(isPlainObject(JSON.parse('{"__proto__": 1}'))).toBe(true)
    for (const value of [null, undefined, [], new Map(), new Date(0), new Uint8Array(1), 'x', 1, new (class {})()]) {
      expect(isPlainObject(value)).toBe(false)
    }
  })
})

describe('describeKind and describeValue', () => {
  it('describeKind names the kind, never the value', () => {
    expect(
      [
        undefined,
        null,
        'secret',
        1,
        true,
        5n,
        [1],
        new Uint8Array(2),
        new Date(0),
        new Map(),
        Promise.resolve(),
        {},
      ].map(describeKind),
    ).toEqual([
      'nothing',
      'null',
      'a string',
      'a number',
      'a boolean',
      'a bigint',
      'a list',
      'bytes',
      'a Date',
      'a Map',
      'a Promise',
      'an object',
    ])
  })

  it('describeValue shows the value as short, redacted JSON, or nothing', () => {
    expect([undefined, null, 'scd3', '', 42, false, 5n, ['a'], { a: 1 }, new Uint8Array(3)].map(describeValue)).toEqual(
      ['nothing', 'null', '"scd3"', '""', '42', 'false', '5n', '["a"]', '{"a":1}', '<3 bytes>'],
    )
    expect(describeValue('x'.repeat(70))).toBe(`"${'x'.repeat(59)}…(72 chars)`)
    registerSecret('hunter2-secret-value')
    expect(describeValue({ token: 'hunter2-secret-value' })).toBe('{"token":"[REDACTED]"}')
  })
})
