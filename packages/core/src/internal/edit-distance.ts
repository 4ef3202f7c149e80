/**
 * The Levenshtein distance between two strings: the fewest single-character insertions,
 * deletions and substitutions that turn one into the other. For "did you mean" hints.
 * @example editDistance('base_ulr', 'base_url') // 2
 */
export function editDistance(left: string, right: string): number {
  // One row of the table at a time: previous[column] is the distance between left[0..row) and right[0..column).
  const previous = Array.from({ length: right.length + 1 }, (_, index) => index)
  for (let row = 1; row <= left.length; row++) {
    let diagonal = previous[0]!
    previous[0] = row
    for (let column = 1; column <= right.length; column++) {
      const above = previous[column]!
      previous[column] = Math.min(
        above + 1,
        previous[column - 1]! + 1,
        diagonal + (left[row - 1] === right[column - 1] ? 0 : 1),
      )
      diagonal = above
    }
  }
  return previous[right.length]!
}

/**
 * The candidate closest to `word` (case-insensitively) when it is close enough to be a likely
 * typo: at most 2 edits, or a quarter of the word's length for longer words.
 * @example closestMatch('tokn', ['token', 'base_url']) // 'token'
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
