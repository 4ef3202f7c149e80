import { Hl7Error } from './hl7-error.ts'

/**
 * The delimiters of one message, read from its MSH segment: MSH-1 is the field separator
 * (the character after `MSH`), MSH-2 the encoding characters that follow it.
 */
export interface Delimiters {
  /** MSH-1, `|` by convention. */
  readonly field: string
  /** First encoding character, `^` by convention. */
  readonly component: string
  /** Second encoding character, `~` by convention. */
  readonly repetition: string
  /** Third encoding character, `\` by convention. */
  readonly escape: string
  /** Fourth encoding character, `&` by convention. */
  readonly subcomponent: string
  /** Fifth encoding character (HL7 v2.7 and later), `#` by convention; empty when absent. */
  readonly truncation: string
}

/** The delimiters HL7 recommends, for building messages. */
export const STANDARD_DELIMITERS: Delimiters = {
  field: '|',
  component: '^',
  repetition: '~',
  escape: '\\',
  subcomponent: '&',
  truncation: '',
}

/** Where a problem with a message was found, for typed errors. */
export interface Location {
  /** The file (or other container) the message came from. */
  readonly file?: string
  /** 1-based position of the message in its file. */
  readonly messageIndex?: number
}

/**
 * Reads the delimiters from an MSH (or FHS/BHS) line: the fourth character is the field
 * separator and the characters up to the next field separator are the encoding characters.
 * HL7 allows two to five of them (later ones take their defaults when absent); they must be
 * distinct, and none may be a letter, a digit, a space or a line break.
 * @throws Hl7Error (`invalid_msh`) naming what was found
 */
export function readDelimiters(headerLine: string, where: Location = {}): Delimiters {
  const field = headerLine[3]
  if (field === undefined) {
    throw new Hl7Error('invalid_msh', `the ${headerLine.slice(0, 3)} segment ends before its field separator`, where, {
      excerpt: headerLine,
    })
  }
  const end = headerLine.indexOf(field, 4)
  const encoding = headerLine.slice(4, end === -1 ? undefined : end)
  const problem = delimiterProblem(field, encoding)
  if (problem) {
    throw new Hl7Error(
      'invalid_msh',
      `${headerLine.slice(0, 3)}-1/-2 (delimiters): expected a field separator and 2 to 5 distinct encoding characters such as |^~\\&, found ${JSON.stringify(field + encoding)}: ${problem}`,
      where,
      { excerpt: headerLine },
    )
  }
  return {
    field,
    component: encoding[0]!,
    repetition: encoding[1]!,
    escape: encoding[2] ?? '\\',
    subcomponent: encoding[3] ?? '&',
    truncation: encoding[4] ?? '',
  }
}

function delimiterProblem(field: string, encoding: string): string | undefined {
  if (encoding.length < 2) return `only ${encoding.length} encoding character(s)`
  if (encoding.length > 5) return `${encoding.length} encoding characters`
  const all = field + encoding
  for (const character of all) {
    if (/[A-Za-z0-9\s]/.test(character)) return `${JSON.stringify(character)} cannot be a delimiter`
  }
  if (new Set(all).size !== all.length) return 'a character is used twice'
  return undefined
}
