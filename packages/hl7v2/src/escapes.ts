import type { Delimiters } from './delimiters.ts'

/** Decodes the bytes of a `\X..\` escape in the message's character set. */
export type HexDecoder = (bytes: Uint8Array) => string

const latin1Hex: HexDecoder = (bytes) => Buffer.from(bytes).toString('latin1')

function count(argument: string, fallback: number): number {
  const parsed = Number.parseInt(argument.trim(), 10)
  return Number.isFinite(parsed) && parsed >= 0 ? Math.min(parsed, 1000) : fallback
}

/**
 * The text an escape sequence stands for (its body is what lies between the escape
 * characters), or undefined when the sequence is not one HL7 defines (kept as written).
 *
 * - `F S T R E P`: the field, component, subcomponent, repetition, escape and truncation characters;
 * - `Xhh…`: bytes in hexadecimal, decoded in the message's character set (`\X0D\` is a carriage return);
 * - `H`, `N` (highlighting on and off), `Cxxyy`, `Mxxyyzz` (character-set switches): no text;
 * - formatting commands of FT/TX fields: `.br` a line break, `.sp n` a line break and n blank
 *   lines, `.sk n` n spaces, `.ce` a line break; `.fi .nf .in n .ti n` (fill and indent
 *   modes) no text;
 * - `Z…` (locally defined) and anything else: undefined.
 */
function expand(body: string, delimiters: Delimiters, hex: HexDecoder): string | undefined {
  switch (body) {
    case 'F':
      return delimiters.field
    case 'S':
      return delimiters.component
    case 'T':
      return delimiters.subcomponent
    case 'R':
      return delimiters.repetition
    case 'E':
      return delimiters.escape
    case 'P':
      return delimiters.truncation || undefined
    case 'H':
    case 'N':
      return ''
  }
  const lead = body[0]
  if (lead === 'X') {
    const digits = body.slice(1)
    if (digits.length === 0 || digits.length % 2 !== 0 || !/^[0-9A-Fa-f]+$/.test(digits)) return undefined
    return hex(Uint8Array.from(Buffer.from(digits, 'hex')))
  }
  if (lead === 'C' || lead === 'M') return /^[0-9A-Fa-f]+$/.test(body.slice(1)) ? '' : undefined
  if (lead === '.') {
    const command = body.slice(1, 3)
    const argument = body.slice(3)
    switch (command) {
      case 'br':
        return argument.trim() === '' ? '\n' : undefined
      case 'sp':
        return '\n'.repeat(1 + count(argument, 1))
      case 'sk':
        return ' '.repeat(count(argument, 1))
      case 'ce':
        return '\n'
      case 'fi':
      case 'nf':
      case 'in':
      case 'ti':
        return ''
    }
  }
  return undefined
}

/**
 * Decodes HL7 escape sequences in a leaf value (a field, component or subcomponent already
 * cut at its delimiters). An escape character without a closing one, or a sequence HL7 does
 * not define, is kept as written.
 * @example decodeEscapes('Smith\\S\\Jones\\.br\\line 2', STANDARD_DELIMITERS) // 'Smith^Jones\nline 2'
 */
export function decodeEscapes(text: string, delimiters: Delimiters, hex: HexDecoder = latin1Hex): string {
  const marker = delimiters.escape
  let start = text.indexOf(marker)
  if (start === -1) return text
  let out = ''
  let copied = 0
  while (start !== -1) {
    const end = text.indexOf(marker, start + 1)
    if (end === -1) break
    const expanded = expand(text.slice(start + 1, end), delimiters, hex)
    if (expanded === undefined) {
      // Not a sequence we know: keep its opening escape character and look again from the closing one.
      start = end
      continue
    }
    out += text.slice(copied, start) + expanded
    copied = end + 1
    start = text.indexOf(marker, copied)
  }
  return out + text.slice(copied)
}
