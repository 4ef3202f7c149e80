import { LakeflowError } from '../errors/lakeflow-error.ts'
import { matchSpark } from './match.ts'
import {
  type AnySparkNode,
  array,
  decimal,
  isScalarKind,
  map,
  SCALAR_KINDS,
  type SparkFields,
  type SparkTypeOptions,
  scalar,
  struct,
  type TableSchema,
} from './spark-types.ts'

/** Spark's JSON form of a data type (`DataType.jsonValue()`). */
export type SparkJsonType = string | SparkJsonStruct | SparkJsonArray | SparkJsonMap
/** Spark's JSON form of a struct field. */
export interface SparkJsonField {
  /** The field name. */
  name: string
  /** Its type. */
  type: SparkJsonType
  /** Whether it may be null. */
  nullable: boolean
  /** Field metadata; a description is `{"comment": "..."}`. */
  metadata: Record<string, unknown>
}
/** Spark's JSON form of a struct type. */
export interface SparkJsonStruct {
  /** Always `struct`. */
  type: 'struct'
  /** The fields, in order. */
  fields: SparkJsonField[]
}
/** Spark's JSON form of an array type. */
export interface SparkJsonArray {
  /** Always `array`. */
  type: 'array'
  /** The element type. */
  elementType: SparkJsonType
  /** Whether elements may be null. */
  containsNull: boolean
}
/** Spark's JSON form of a map type. */
export interface SparkJsonMap {
  /** Always `map`. */
  type: 'map'
  /** The key type. */
  keyType: SparkJsonType
  /** The value type. */
  valueType: SparkJsonType
  /** Whether values may be null. */
  valueContainsNull: boolean
}

/** The JSON value of a Spark type, as PySpark's `DataType.jsonValue()` returns it. */
export function toSparkJsonValue(type: AnySparkNode): SparkJsonType {
  return matchSpark<SparkJsonType>(type, {
    scalar: (scalar) => scalar['x-spark'],
    decimal: (decimalType) => `decimal(${decimalType.precision},${decimalType.scale})`,
    array: (arrayType) => ({
      type: 'array',
      elementType: toSparkJsonValue(arrayType.element),
      containsNull: arrayType.element.nullable,
    }),
    map: (mapType) => ({
      type: 'map',
      keyType: toSparkJsonValue(mapType.key),
      valueType: toSparkJsonValue(mapType.value),
      valueContainsNull: mapType.value.nullable,
    }),
    struct: (structType) => ({
      type: 'struct',
      fields: Object.entries(structType.fields).map(([name, field]) => ({
        name,
        type: toSparkJsonValue(field),
        nullable: field.nullable,
        metadata: field.description === undefined ? {} : { comment: field.description },
      })),
    }),
  })
}

/**
 * The schema's JSON text exactly as PySpark's `StructType.json()` writes it: keys sorted,
 * no whitespace, non-ASCII escaped (`json.dumps(..., separators=(",", ":"), sort_keys=True)`).
 * `StructType.fromJson(json.loads(text))` accepts it.
 */
export function toSparkJson(type: AnySparkNode): string {
  return pythonJsonDumps(toSparkJsonValue(type))
}

/** `json.dumps(value, separators=(",", ":"), sort_keys=True)` with Python's default `ensure_ascii`. */
export function pythonJsonDumps(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity'
    return Number.isInteger(value) ? String(value) : pythonFloatRepr(value)
  }
  if (typeof value === 'string') return asciiJsonString(value)
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(',')}]`
  if (typeof value === 'object') {
    const keys = Object.keys(value as object).sort(comparePythonStrings)
    return `{${keys.map((key) => `${asciiJsonString(key)}:${pythonJsonDumps((value as Record<string, unknown>)[key])}`).join(',')}}`
  }
  throw new TypeError(`Cannot serialise ${typeof value} as JSON`)
}

function pythonFloatRepr(value: number): string {
  const text = String(value)
  // Python writes 1e-07 and 1e+16 where JavaScript writes 1e-7 and 1e16.
  const match = /^(-?[\d.]+)e([+-])(\d+)$/.exec(text)
  if (!match) return text
  return `${match[1]}e${match[2]}${match[3]!.padStart(2, '0')}`
}

// Python sorts str keys by code point; JavaScript's default sort compares UTF-16 units.
function comparePythonStrings(left: string, right: string): number {
  const leftPoints = [...left]
  const rightPoints = [...right]
  const length = Math.min(leftPoints.length, rightPoints.length)
  for (let index = 0; index < length; index++) {
    const difference = leftPoints[index]!.codePointAt(0)! - rightPoints[index]!.codePointAt(0)!
    if (difference !== 0) return difference
  }
  return leftPoints.length - rightPoints.length
}

function asciiJsonString(text: string): string {
  let out = '"'
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index)
    const char = text[index]!
    if (char === '"') out += '\\"'
    else if (char === '\\') out += '\\\\'
    else if (char === '\n') out += '\\n'
    else if (char === '\r') out += '\\r'
    else if (char === '\t') out += '\\t'
    else if (char === '\b') out += '\\b'
    else if (char === '\f') out += '\\f'
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`
    else out += char
  }
  return `${out}"`
}

/** A Spark JSON schema could not be read. */
export class SparkJsonError extends LakeflowError {
  /**
   * Where in the schema: field names joined by dots, `element`, `key` and `value` for
   * array and map parts, `fields[i]` for a field without a usable name; empty for the root.
   * @example 'user.labels.element.name'
   */
  readonly path: string

  constructor(path: string, problem: string) {
    super(`Invalid Spark schema JSON at ${path || '<root>'}: ${problem}`, { category: 'config' })
    this.name = 'SparkJsonError'
    this.path = path
  }
}

function childPath(path: string, segment: string): string {
  return path === '' ? segment : `${path}.${segment}`
}

const DECIMAL_PATTERN = /^decimal\(\s*(\d+)\s*,\s*(-?\d+)\s*\)$/

/**
 * Reads Spark's JSON schema form back into type nodes: JSON text (`StructType.json()`,
 * or `DataType.json()` such as `"long"`), a parsed JSON value, or a bare type name
 * (`long`, `decimal(10,2)`). A top-level struct becomes a {@link TableSchema}. Field
 * metadata other than `comment` is dropped. Throws {@link SparkJsonError} naming the path.
 */
export function fromSparkJson(json: string | SparkJsonType): AnySparkNode {
  let value: unknown = json
  // JSON text: a type object, or a quoted simple type as `DataType.json()` writes it (`"long"`).
  const start = typeof json === 'string' ? json.trimStart()[0] : undefined
  if (start === '{' || start === '"') {
    try {
      value = JSON.parse(json as string)
    } catch (error) {
      throw new SparkJsonError('', `not valid JSON (${(error as Error).message})`)
    }
  }
  const type = readType(value, '', { nullable: true })
  return type['x-spark'] === 'struct' ? { ...type, nullable: false } : type
}

/** Reads a Spark JSON struct schema into a table schema; anything else is an error. */
export function tableSchemaFromSparkJson(json: string | SparkJsonType): TableSchema {
  const type = fromSparkJson(json)
  if (type['x-spark'] !== 'struct') throw new SparkJsonError('', `expected a struct, got ${type['x-spark']}`)
  return type as TableSchema
}

function readType(value: unknown, path: string, options: SparkTypeOptions): AnySparkNode {
  if (typeof value === 'string') return readSimple(value, path, options)
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SparkJsonError(path, `expected a type name or a type object, got ${JSON.stringify(value)}`)
  }
  const record = value as Record<string, unknown>
  switch (record.type) {
    case 'struct': {
      if (!Array.isArray(record.fields)) throw new SparkJsonError(path, 'a struct needs a "fields" list')
      const fields: Record<string, AnySparkNode> = {}
      record.fields.forEach((field: unknown, index: number) => {
        const fieldPath = `${path === '' ? '' : `${path}.`}fields[${index}]`
        if (typeof field !== 'object' || field === null) throw new SparkJsonError(fieldPath, 'expected a field object')
        const { name, type, nullable, metadata } = field as Record<string, unknown>
        if (typeof name !== 'string') throw new SparkJsonError(fieldPath, 'a field needs a string "name"')
        if (nullable !== undefined && typeof nullable !== 'boolean') {
          throw new SparkJsonError(childPath(path, name), '"nullable" must be true or false')
        }
        if (Object.hasOwn(fields, name)) throw new SparkJsonError(fieldPath, `duplicate field name "${name}"`)
        const comment = (metadata as Record<string, unknown> | undefined)?.comment
        const fieldType = readType(type, childPath(path, name), {
          nullable: nullable !== false,
          ...(typeof comment === 'string' ? { description: comment } : {}),
        })
        // defineProperty: a field may be called `__proto__`.
        Object.defineProperty(fields, name, { value: fieldType, enumerable: true, writable: true, configurable: true })
      })
      return rebuild(struct(fields as SparkFields), options)
    }
    case 'array': {
      if (typeof record.containsNull !== 'boolean' && record.containsNull !== undefined) {
        throw new SparkJsonError(path, '"containsNull" must be true or false')
      }
      const element = readType(record.elementType, childPath(path, 'element'), {
        nullable: record.containsNull !== false,
      })
      return rebuild(array(element), options)
    }
    case 'map': {
      const key = readType(record.keyType, childPath(path, 'key'), { nullable: false })
      const mapValue = readType(record.valueType, childPath(path, 'value'), {
        nullable: record.valueContainsNull !== false,
      })
      return rebuild(map(key, mapValue), options)
    }
    default:
      throw new SparkJsonError(path, `unsupported type ${JSON.stringify(record.type)}`)
  }
}

function rebuild(type: AnySparkNode, options: SparkTypeOptions): AnySparkNode {
  const out: Record<string, unknown> = { ...type, nullable: options.nullable !== false }
  if (options.description !== undefined) out.description = options.description
  return out as unknown as AnySparkNode
}

function readSimple(name: string, path: string, options: SparkTypeOptions): AnySparkNode {
  if (isScalarKind(name)) return scalar(name, options)
  if (name === 'decimal') return decimal(10, 0, options)
  const match = DECIMAL_PATTERN.exec(name)
  if (match) {
    try {
      return decimal(Number(match[1]), Number(match[2]), options)
    } catch (error) {
      throw new SparkJsonError(path, (error as Error).message)
    }
  }
  throw new SparkJsonError(
    path,
    `unsupported type ${JSON.stringify(name)}; supported: ${[...SCALAR_KINDS, 'decimal(p,s)', 'array', 'map', 'struct'].join(', ')}`,
  )
}
