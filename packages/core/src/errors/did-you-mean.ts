/**
 * "Did you mean" hints for names a user typed: options, connectors, simulator endpoints.
 * One edit distance for every message that suggests a correction.
 */

/** Levenshtein distance: the fewest single-character insertions, deletions or substitutions turning one string into the other. */
export function editDistance(left: string, right: string): number {
  const previous = Array.from({ length: right.length + 1 }, (_, index) => index)
  for (let row = 1; row <= left.length; row++) {
    let diagonal = previous[0]!
    previous[0] = row
    for (let column = 1; column <= right.length; column++) {
      const above = previous[column]!
      previous[column] = Math.min(
        previous[column]! + 1,
        previous[column - 1]! + 1,
        diagonal + (left[row - 1] === right[column - 1] ? 0 : 1),
      )
      diagonal = above
    }
  }
  return previous[right.length]!
}

/**
 * The candidate closest to `word` (ignoring case) when it is close enough to be a typo of it:
 * at most 2 edits, or a quarter of the word's length for longer words. The first of equally
 * close candidates wins.
 * @example
 * closestMatch('pagesize', ['page_size', 'token']) // 'page_size'
 */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(2, Math.floor(word.length / 4))
  let best: { candidate: string; distance: number } | undefined
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase())
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { candidate, distance }
  }
  return best?.candidate
}

/** `; did you mean "x"?` for the closest candidate, or `` when none is close. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const closest = closestMatch(word, candidates)
  return closest === undefined ? '' : `; did you mean "${closest}"?`
}
