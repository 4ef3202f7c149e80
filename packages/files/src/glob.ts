/**
 * A shell-style name pattern as a RegExp, as Python's `fnmatch` reads it: `*` any run of
 * characters, `?` one character, `[abc]` / `[a-z]` a set, `[!abc]` its complement; every
 * other character stands for itself. Case-sensitive.
 * @example globToRegExp('*.hl7').test('adt_1.hl7') // true
 */
export function globToRegExp(glob: string): RegExp {
  let source = ''
  for (let index = 0; index < glob.length; index++) {
    const character = glob[index]!
    if (character === '*') source += '.*'
    else if (character === '?') source += '.'
    else if (character === '[') {
      const close = glob.indexOf(']', index + 2)
      if (close === -1) {
        source += '\\['
        continue
      }
      let set = glob.slice(index + 1, close)
      const negated = set.startsWith('!')
      if (negated) set = set.slice(1)
      source += `[${negated ? '^' : ''}${set.replace(/[\\\]^]/g, '\\$&')}]`
      index = close
    } else source += character.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  }
  return new RegExp(`^${source}$`, 's')
}

/** Names Spark, Hadoop and Auto Loader never list: hidden (`.`) and metadata (`_`) names. */
export function isHiddenName(name: string): boolean {
  return name.startsWith('.') || name.startsWith('_')
}
