import type { Delimiters } from './delimiters.ts'
import { decodeEscapes, type HexDecoder } from './escapes.ts'

/**
 * A field cut at its delimiters, undecoded: repetitions, each a list of components, each a
 * list of subcomponents. `[[['']]]` is an empty field.
 */
export type FieldParts = readonly (readonly (readonly string[])[])[]

/**
 * One segment of a message. Fields are numbered as HL7 numbers them: field 0 is the segment
 * type; for MSH, MSH-1 is the field separator and MSH-2 the encoding characters, so MSH-3 is
 * the sending application; for every other segment field 1 is the first after the type.
 * Fields are cut on first use and kept; values are decoded on each access.
 */
export class Hl7Segment {
  /** The segment type (`PID`, `ZPD`), upper case. */
  readonly type: string
  /** The segment as it appears in the message, without its terminator. */
  readonly text: string
  /** 1-based position of the segment in its message (MSH is 1). */
  readonly position: number
  readonly delimiters: Delimiters
  readonly #hex: HexDecoder
  #fields: string[] | undefined
  #parts: (FieldParts | undefined)[] = []

  constructor(text: string, position: number, delimiters: Delimiters, hex: HexDecoder) {
    this.text = text
    this.position = position
    this.delimiters = delimiters
    this.#hex = hex
    const end = text.indexOf(delimiters.field)
    this.type = (end === -1 ? text : text.slice(0, end)).trim().toUpperCase()
  }

  /** Raw field texts; index n holds field n (index 0 the type). */
  fields(): readonly string[] {
    if (this.#fields) return this.#fields
    const fields = this.text.split(this.delimiters.field)
    // MSH-1 is the separator itself, so MSH-2 (the encoding characters) is the first text after it.
    if (this.type === 'MSH' || this.type === 'FHS' || this.type === 'BHS') fields.splice(1, 0, this.delimiters.field)
    this.#fields = fields
    return fields
  }

  /** Number of fields after the type (trailing empty fields included as sent). */
  get fieldCount(): number {
    return this.fields().length - 1
  }

  /** Field `n` as sent (undecoded), `''` when absent. */
  raw(n: number): string {
    return this.fields()[n] ?? ''
  }

  /** Field `n` cut into repetitions, components and subcomponents (undecoded). */
  parts(n: number): FieldParts {
    const cached = this.#parts[n]
    if (cached) return cached
    const raw = this.raw(n)
    const { repetition, component, subcomponent } = this.delimiters
    // MSH-1 and MSH-2 hold the delimiters themselves: never cut them.
    const header = n <= 2 && (this.type === 'MSH' || this.type === 'FHS' || this.type === 'BHS')
    const parts: FieldParts = header
      ? [[[raw]]]
      : raw
          .split(repetition)
          .map((rep) =>
            rep.split(component).map((comp) => (comp.includes(subcomponent) ? comp.split(subcomponent) : [comp])),
          )
    this.#parts[n] = parts
    return parts
  }

  /** Decodes escape sequences in a leaf value of this segment. */
  decode(text: string): string {
    return text.indexOf(this.delimiters.escape) === -1 ? text : decodeEscapes(text, this.delimiters, this.#hex)
  }

  /**
   * The decoded value at field `n`, repetition `rep`, component `comp`, subcomponent `sub`
   * (all 1-based), or `undefined` when absent or empty. Leave out the lower levels to read a
   * whole repetition or component: its text is decoded when it holds no lower delimiter,
   * and kept as sent (escapes and delimiters intact, so it can still be cut) when it does.
   * @example segment.value(5, 1, 1) // PID-5.1: the first patient name's family name
   */
  value(n: number, rep = 1, comp?: number, sub?: number): string | undefined {
    if (n <= 2 && (this.type === 'MSH' || this.type === 'FHS' || this.type === 'BHS')) {
      return comp === undefined || comp === 1 ? this.raw(n) || undefined : undefined
    }
    const repetition = this.parts(n)[rep - 1]
    if (!repetition) return undefined
    if (comp === undefined) return this.#whole(repetition, this.delimiters.component)
    const component = repetition[comp - 1]
    if (!component) return undefined
    if (sub === undefined) return this.#whole([component], this.delimiters.subcomponent)
    const leaf = component[sub - 1]
    return leaf ? this.decode(leaf) : undefined
  }

  /**
   * A field's whole text (all repetitions): decoded when it is one plain value, as sent when
   * it has repetitions, components or subcomponents.
   */
  whole(n: number): string | undefined {
    const raw = this.raw(n)
    if (raw === '') return undefined
    if (n <= 2 && (this.type === 'MSH' || this.type === 'FHS' || this.type === 'BHS')) return raw
    const { repetition, component, subcomponent } = this.delimiters
    if (raw.includes(repetition) || raw.includes(component) || raw.includes(subcomponent)) return raw
    return this.decode(raw)
  }

  #whole(levels: readonly (readonly string[])[], joiner: string): string | undefined {
    if (levels.length === 1 && levels[0]!.length === 1) {
      const only = levels[0]![0]!
      return only ? this.decode(only) : undefined
    }
    const text =
      joiner === this.delimiters.component
        ? levels.map((component) => component.join(this.delimiters.subcomponent)).join(joiner)
        : levels[0]!.join(joiner)
    return text.replaceAll(joiner, '').replaceAll(this.delimiters.subcomponent, '') === '' ? undefined : text
  }
}
