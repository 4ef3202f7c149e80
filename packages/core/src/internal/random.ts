/**
 * A seeded pseudo-random generator (mulberry32) giving numbers in [0, 1): the same seed gives
 * the same sequence, on any machine. Committed corpora, fault injection and property tests
 * depend on the exact sequence, so the algorithm never changes.
 * @example
 * const random = seededRandom(42)
 * const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let value = state
    value = Math.imul(value ^ (value >>> 15), value | 1)
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61)
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296
  }
}
