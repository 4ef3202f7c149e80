import { type AnySparkNode, Spark } from '@lakeflow/core/schema'
import { hl7DateTime } from '../date-time.ts'
import type { FieldParts, Hl7Segment } from '../segment.ts'
import type { Composite, LeafField, NestedField } from './composites.ts'

/** One column of a segment table: its Spark type and how it is read from a segment. */
export interface Column {
  readonly name: string
  readonly type: AnySparkNode
  /** The value for `segment`; `ordinal` is its 1-based position among segments of its type. */
  read(segment: Hl7Segment, ordinal: number): unknown
}

type Repetition = FieldParts[number]

function componentValue(segment: Hl7Segment, repetition: Repetition, field: LeafField): string | undefined {
  const component = repetition[field.component - 1]
  if (!component) return undefined
  if (field.sub !== undefined) {
    const leaf = component[field.sub - 1]
    return leaf ? segment.decode(leaf) : undefined
  }
  if (component.length === 1) return component[0] ? segment.decode(component[0]) : undefined
  // A primitive position that holds subcomponents anyway: keep the sender's text intact.
  const text = component.join(segment.delimiters.subcomponent)
  return text.replaceAll(segment.delimiters.subcomponent, '') === '' ? undefined : text
}

function nestedValue(segment: Hl7Segment, repetition: Repetition, field: NestedField): Record<string, unknown> | null {
  const component = repetition[field.component - 1]
  if (!component) return null
  const out: Record<string, unknown> = {}
  let any = false
  for (const [index, name] of field.subcomponents.entries()) {
    const leaf = component[index]
    const value = leaf ? segment.decode(leaf) : null
    out[name] = value
    if (value !== null) any = true
  }
  return any ? out : null
}

/** A composite repetition as a struct; null when every field is empty. */
export function compositeValue(
  segment: Hl7Segment,
  repetition: Repetition,
  composite: Composite,
): Record<string, unknown> | null {
  const out: Record<string, unknown> = {}
  let any = false
  for (const field of composite.fields) {
    let value: unknown
    if ('subcomponents' in field) value = nestedValue(segment, repetition, field)
    else {
      // A date component may carry its precision as a second subcomponent (the TS type).
      value =
        (field.date
          ? hl7DateTime(componentValue(segment, repetition, { ...field, sub: field.sub ?? 1 }))
          : componentValue(segment, repetition, field)) ?? null
    }
    out[field.name] = value
    if (value !== null) any = true
  }
  return any ? out : null
}

/** The Spark struct of a composite: every field a nullable string (nested ones structs of strings). */
export function compositeType(composite: Composite): AnySparkNode {
  const fields: Record<string, AnySparkNode> = {}
  for (const field of composite.fields) {
    if ('subcomponents' in field) {
      fields[field.name] = Spark.struct(Object.fromEntries(field.subcomponents.map((name) => [name, Spark.string()])))
    } else fields[field.name] = Spark.string()
  }
  return Spark.struct(fields)
}

const structTypes = new WeakMap<Composite, AnySparkNode>()
const structOf = (composite: Composite) => {
  let type = structTypes.get(composite)
  if (!type) {
    type = compositeType(composite)
    structTypes.set(composite, type)
  }
  return type
}

const isEmpty = (repetition: Repetition) => repetition.every((component) => component.every((leaf) => leaf === ''))

/** An array<string> column of one value per repetition (`pick`), those it gives no value left out; null when none. */
function eachRepetition(
  name: string,
  field: number,
  pick: (segment: Hl7Segment, repetition: number) => string | undefined,
): Column {
  return {
    name,
    type: Spark.array(Spark.string()),
    read: (segment) => {
      const values = segment
        .parts(field)
        .map((_, index) => pick(segment, index + 1))
        .filter((value) => value !== undefined)
      return values.length > 0 ? values : null
    },
  }
}

const INTEGER = /^[+-]?\d+$/

function integerOf(text: string | undefined): number | null {
  const trimmed = text?.trim()
  if (!trimmed || !INTEGER.test(trimmed)) return null
  const value = Number(trimmed)
  return Number.isSafeInteger(value) ? value : null
}

/**
 * The column builders the segment tables are declared with. Field numbers are HL7's
 * (`PID-5` is field 5); composite columns read the first repetition, `many` every one.
 */
export const c = {
  /** The whole field: decoded when it is one plain value, as sent when it has structure. */
  text: (name: string, field: number): Column => ({
    name,
    type: Spark.string(),
    read: (segment) => segment.whole(field) ?? null,
  }),
  /** The first repetition of a field, whole. */
  firstText: (name: string, field: number): Column => ({
    name,
    type: Spark.string(),
    read: (segment) => segment.value(field, 1) ?? null,
  }),
  /** One component of the first repetition. */
  component: (name: string, field: number, component: number): Column => ({
    name,
    type: Spark.string(),
    read: (segment) => segment.value(field, 1, component) ?? null,
  }),
  /** A date/time (the first repetition's component `component`, default 1) as ISO 8601. */
  date: (name: string, field: number, component = 1): Column => ({
    name,
    type: Spark.string(),
    read: (segment) => hl7DateTime(segment.value(field, 1, component, 1)) ?? null,
  }),
  /** A whole number (NM/SI); null when empty or not an integer. */
  integer: (name: string, field: number): Column => ({
    name,
    type: Spark.long(),
    read: (segment) => integerOf(segment.value(field, 1, 1, 1)),
  }),
  /**
   * The set id: field 1 as a number. When it is empty (or, with `fromField: false`, always)
   * a non-nullable set id is the segment's position among segments of its type.
   */
  setId: (options: { nullable: boolean; fromField?: boolean }): Column => ({
    name: 'set_id',
    type: Spark.long({ nullable: options.nullable }),
    read: (segment, ordinal) => {
      const value = options.fromField === false ? null : integerOf(segment.value(1, 1, 1, 1))
      return value ?? (options.nullable ? null : ordinal)
    },
  }),
  /** A composite's first repetition as a struct. */
  one: (name: string, field: number, composite: Composite): Column => ({
    name,
    type: structOf(composite),
    read: (segment) => {
      const first = segment.parts(field)[0]
      return first && !isEmpty(first) ? compositeValue(segment, first, composite) : null
    },
  }),
  /** Every non-empty repetition of a composite, as an array of structs; null when none. */
  many: (name: string, field: number, composite: Composite): Column => ({
    name,
    type: Spark.array(structOf(composite)),
    read: (segment) => {
      const values = segment
        .parts(field)
        .filter((repetition) => !isEmpty(repetition))
        .map((repetition) => compositeValue(segment, repetition, composite))
      return values.length > 0 ? values : null
    },
  }),
  /** Every non-empty repetition, whole (see `Hl7Segment.value`); null when none. */
  texts: (name: string, field: number): Column =>
    eachRepetition(name, field, (segment, rep) => segment.value(field, rep)),
  /** The first component of every repetition (coded values); null when none. */
  codes: (name: string, field: number): Column =>
    eachRepetition(name, field, (segment, rep) => segment.value(field, rep, 1)),
  /** Every repetition parsed as a date/time; repetitions that are not dates are left out. */
  dates: (name: string, field: number): Column =>
    eachRepetition(name, field, (segment, rep) => hl7DateTime(segment.value(field, rep, 1, 1))),
}
