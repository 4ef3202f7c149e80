import { matchSpark } from '../schema/match.ts'
import type { AnySparkNode, SparkArray, SparkMap, SparkStruct } from '../schema/spark-types.ts'
import { expectedName } from './failure.ts'

// Generates the JavaScript source of a converter for one schema. Every struct position
// becomes one function whose parameters are the dynamic parts of its path (array indices
// and map keys of the enclosing lists and maps), so an error can name `labels[2].name`
// without building any path string while converting. Arrays and maps are inlined loops;
// primitives are an inline fast path for values that already have the right JavaScript
// type, falling back to the rule functions of numbers.ts / datetime.ts / binary.ts,
// which return FAIL instead of throwing (no try/catch on the hot path).

/** One segment of a field path: a field name, or the variable holding an index or key. */
type PathPart =
  | { kind: 'field'; name: string }
  | { kind: 'index'; variable: string }
  | { kind: 'key'; variable: string }

interface GeneratorState {
  /** Generated functions, one per struct position; the first is the root. */
  functions: string[]
  /** Counter for unique identifiers. */
  next: number
}

/** Names that would resolve through `Object.prototype` on a plain object when absent. */
function inheritedName(name: string): boolean {
  return name in Object.prototype || name === '__proto__'
}

/** A JavaScript expression that evaluates to the path text, e.g. `"labels[" + i1 + "].name"`. */
function pathExpression(parts: readonly PathPart[]): string {
  const pieces: string[] = []
  let literal = ''
  for (const part of parts) {
    if (part.kind === 'field') {
      literal += literal === '' && pieces.length === 0 ? part.name : `.${part.name}`
    } else {
      pieces.push(JSON.stringify(`${literal}[`))
      pieces.push(part.kind === 'index' ? part.variable : `keyText(${part.variable})`)
      literal = ']'
    }
  }
  if (literal !== '' || pieces.length === 0) pieces.push(JSON.stringify(literal))
  return pieces.join(' + ')
}

/** The dynamic variables of a path, in order: the parameters of a struct function. */
function dynamicVariables(parts: readonly PathPart[]): string[] {
  return parts.flatMap((part) => (part.kind === 'field' ? [] : [part.variable]))
}

/**
 * Emits statements that convert `input` (any value, possibly null or undefined) into the
 * variable `output` (already declared), throwing for null in a non-nullable position.
 */
function emitSlot(
  state: GeneratorState,
  type: AnySparkNode,
  input: string,
  output: string,
  parts: readonly PathPart[],
  lines: string[],
): void {
  const expected = JSON.stringify(expectedName(type))
  const onNull = type.nullable
    ? `${output} = null`
    : `throw missingError(table, ${pathExpression(parts)}, ${expected}, ${input})`
  lines.push(`if (${input} === undefined || ${input} === null) ${onNull}`)
  lines.push('else {')
  emitValue(state, type, input, output, parts, lines)
  lines.push('}')
}

/** Emits statements converting the non-null `input` into `output`. */
function emitValue(
  state: GeneratorState,
  type: AnySparkNode,
  input: string,
  output: string,
  parts: readonly PathPart[],
  lines: string[],
): void {
  // `fast` accepts values that already have the expected JavaScript type inline (null: none); `rule` is the general case.
  const primitive = (fast: string | null, rule: string): void => {
    const expected = JSON.stringify(expectedName(type))
    if (fast !== null) lines.push(`if (${fast}) ${output} = ${input}`)
    lines.push(
      `${fast !== null ? 'else ' : ''}if ((${output} = ${rule}) === FAIL) throw conversionError(table, ${pathExpression(parts)}, ${expected}, ${input})`,
    )
  }
  const integral = (min: number, max: number): void =>
    primitive(
      `typeof ${input} === 'number' && isSafeInteger(${input}) && ${input} >= ${min} && ${input} <= ${max}`,
      `toIntegral(${input}, ${min}, ${max})`,
    )
  matchSpark<void>(type, {
    string: () => primitive(`typeof ${input} === 'string'`, `toText(${input})`),
    long: () => primitive(`typeof ${input} === 'number' && isSafeInteger(${input})`, `toLong(${input})`),
    integer: () => integral(-2147483648, 2147483647),
    short: () => integral(-32768, 32767),
    byte: () => integral(-128, 127),
    double: () => primitive(`typeof ${input} === 'number'`, `toDouble(${input})`),
    float: () => primitive(`typeof ${input} === 'number'`, `toDouble(${input})`),
    boolean: () => primitive(`typeof ${input} === 'boolean'`, `toBoolean(${input})`),
    decimal: (decimal) => primitive(null, `toDecimal(${input}, ${decimal.precision}, ${decimal.scale})`),
    date: () => primitive(null, `toDate(${input})`),
    timestamp: () => primitive(null, `toTimestamp(${input})`),
    timestamp_ntz: () => primitive(null, `toTimestampNtz(${input})`),
    binary: () => primitive(null, `toBinary(${input})`),
    variant: () => primitive(`typeof ${input} !== 'string'`, `toVariant(${input})`),
    array: (array) => emitArray(state, array, input, output, parts, lines),
    map: (map) => emitMap(state, map, input, output, parts, lines),
    struct: (struct) => {
      const name = emitStructFunction(state, struct, parts)
      lines.push(`${output} = ${name}(${[input, ...dynamicVariables(parts)].join(', ')})`)
    },
  })
}

function emitArray(
  state: GeneratorState,
  type: SparkArray,
  input: string,
  output: string,
  parts: readonly PathPart[],
  lines: string[],
): void {
  const id = state.next++
  const list = `list${id}`
  const index = `i${id}`
  const item = `item${id}`
  const converted = `out${id}`
  lines.push(`let ${list} = ${input}`)
  // Upstream wraps a single value in a list when the elements are nullable, and fails otherwise.
  const notList = type.element.nullable
    ? `${list} = [${list}]`
    : `throw conversionError(table, ${pathExpression(parts)}, 'array', ${input}, 'expected a list')`
  lines.push(`if (!Array.isArray(${list})) ${notList}`)
  lines.push(`${output} = []`)
  lines.push(`for (let ${index} = 0; ${index} < ${list}.length; ${index}++) {`)
  lines.push(`const ${item} = ${list}[${index}]`, `let ${converted}`)
  emitSlot(state, type.element, item, converted, [...parts, { kind: 'index', variable: index }], lines)
  lines.push(`${output}.push(${converted})`, '}')
}

function emitMap(
  state: GeneratorState,
  type: SparkMap,
  input: string,
  output: string,
  parts: readonly PathPart[],
  lines: string[],
): void {
  const id = state.next++
  const keys = `keys${id}`
  const position = `j${id}`
  const key = `k${id}`
  const convertedKey = `ck${id}`
  const convertedValue = `cv${id}`
  const rawValue = `v${id}`
  const entryParts: PathPart[] = [...parts, { kind: 'key', variable: key }]
  lines.push(
    `if (typeof ${input} !== 'object' || Array.isArray(${input})) throw conversionError(table, ${pathExpression(parts)}, 'map', ${input}, 'expected an object')`,
  )
  lines.push(`const ${keys} = Object.keys(${input})`, `${output} = new Map()`)
  lines.push(`for (let ${position} = 0; ${position} < ${keys}.length; ${position}++) {`)
  lines.push(`const ${key} = ${keys}[${position}]`, `const ${rawValue} = ${input}[${key}]`)
  lines.push(`let ${convertedKey}`, `let ${convertedValue}`)
  if (type.key['x-spark'] === 'string') lines.push(`${convertedKey} = ${key}`)
  else emitValue(state, type.key, key, convertedKey, entryParts, lines)
  emitSlot(state, type.value, rawValue, convertedValue, entryParts, lines)
  lines.push(`${output}.set(${convertedKey}, ${convertedValue})`, '}')
}

/** Emits the function converting one struct position; returns its name. */
function emitStructFunction(state: GeneratorState, type: SparkStruct, parts: readonly PathPart[]): string {
  const name = `struct${state.functions.length}`
  const slot = state.functions.length
  state.functions.push('') // reserve the slot so the root stays first
  const lines: string[] = []
  const parameters = ['value', ...dynamicVariables(parts)]
  const path = pathExpression(parts)
  lines.push(`function ${name}(${parameters.join(', ')}) {`)
  lines.push(
    `if (typeof value !== 'object' || value === null || Array.isArray(value)) throw conversionError(table, ${path}, 'struct', value, 'expected an object')`,
  )
  const fields = Object.entries(type.fields)
  fields.forEach(([fieldName], index) => {
    const literal = JSON.stringify(fieldName)
    const read = inheritedName(fieldName)
      ? `Object.hasOwn(value, ${literal}) ? value[${literal}] : undefined`
      : `value[${literal}]`
    lines.push(`const f${index} = ${read}`)
  })
  // Upstream rejects `{}` for a struct (a missing object must be null); only worth checking when no field is present.
  const allAbsent = fields.length === 0 ? 'true' : fields.map((_field, index) => `f${index} === undefined`).join(' && ')
  lines.push(
    `if (${allAbsent} && isEmptyObject(value)) throw conversionError(table, ${path}, 'struct', value, 'an empty object; use null for a missing object, not {}')`,
  )
  fields.forEach(([fieldName, field], index) => {
    lines.push(`let o${index}`)
    emitSlot(state, field, `f${index}`, `o${index}`, [...parts, { kind: 'field', name: fieldName }], lines)
  })
  const properties = fields.map(([fieldName], index) =>
    fieldName === '__proto__' ? `[${JSON.stringify(fieldName)}]: o${index}` : `${JSON.stringify(fieldName)}: o${index}`,
  )
  lines.push(`return { ${properties.join(', ')} }`, '}')
  state.functions[slot] = lines.join('\n')
  return name
}

/** Names the generated source expects in scope (see compile.ts). */
export const RUNTIME_NAMES = [
  'FAIL',
  'table',
  'isSafeInteger',
  'conversionError',
  'missingError',
  'isEmptyObject',
  'keyText',
  'toText',
  'toLong',
  'toIntegral',
  'toDouble',
  'toBoolean',
  'toDecimal',
  'toDate',
  'toTimestamp',
  'toTimestampNtz',
  'toBinary',
  'toVariant',
] as const

/**
 * The source of a function body that, given the runtime names as parameters, returns the
 * converter for `schema` (a struct: the table's row type).
 */
export function generateConverterSource(schema: SparkStruct): string {
  const state: GeneratorState = { functions: [], next: 0 }
  const root = emitStructFunction(state, schema, [])
  return `'use strict'\n${state.functions.join('\n\n')}\n\nreturn ${root}`
}
