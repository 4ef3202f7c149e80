// A plain recursive converter: walks the schema for every value, written the obvious way
// (a switch on the type, path strings built as it descends). Same rules as the compiled
// converter (it calls the same rule functions), so it serves both as the benchmark's
// reference and as the oracle of the compiled converter's property test.
import { toBinary, toVariant } from '../../packages/core/src/convert/binary.ts'
import { toDate, toTimestamp, toTimestampNtz } from '../../packages/core/src/convert/datetime.ts'
import {
  conversionError,
  expectedName,
  FAIL,
  isEmptyObject,
  keyText,
  missingError,
} from '../../packages/core/src/convert/failure.ts'
import { toBoolean, toDecimal, toDouble, toIntegral, toLong, toText } from '../../packages/core/src/convert/numbers.ts'
import type { AnySparkNode, SparkStruct } from '../../packages/core/src/schema/index.ts'

const RANGES: Record<string, [number, number]> = {
  integer: [-2147483648, 2147483647],
  short: [-32768, 32767],
  byte: [-128, 127],
}

function convertPrimitive(type: AnySparkNode, value: unknown): unknown {
  switch (type['x-spark']) {
    case 'string':
      return toText(value)
    case 'long':
      return toLong(value)
    case 'integer':
    case 'short':
    case 'byte': {
      const [min, max] = RANGES[type['x-spark']]!
      return toIntegral(value, min, max)
    }
    case 'double':
    case 'float':
      return toDouble(value)
    case 'boolean':
      return toBoolean(value)
    case 'decimal': {
      return toDecimal(value, type.precision, type.scale)
    }
    case 'date':
      return toDate(value)
    case 'timestamp':
      return toTimestamp(value)
    case 'timestamp_ntz':
      return toTimestampNtz(value)
    case 'binary':
      return toBinary(value)
    case 'variant':
      return toVariant(value)
    default:
      throw new TypeError(`Cannot convert values of Spark type ${type['x-spark']}`)
  }
}

/** Converts `value` (possibly null/undefined) at `path` to `type`. */
function plainConvertValue(table: string, type: AnySparkNode, value: unknown, path: string): unknown {
  if (value === undefined || value === null) {
    if (type.nullable) return null
    throw missingError(table, path, expectedName(type), value)
  }
  switch (type['x-spark']) {
    case 'struct': {
      const fields = type.fields
      if (typeof value !== 'object' || Array.isArray(value)) {
        throw conversionError(table, path, 'struct', value, 'expected an object')
      }
      if (isEmptyObject(value)) {
        throw conversionError(table, path, 'struct', value, 'an empty object; use null for a missing object, not {}')
      }
      const out: Record<string, unknown> = {}
      for (const name of Object.keys(fields)) {
        // Names such as `constructor` would otherwise be found on Object.prototype.
        const input =
          name in Object.prototype && !Object.hasOwn(value, name) ? undefined : (value as Record<string, unknown>)[name]
        const converted = plainConvertValue(table, fields[name]!, input, path === '' ? name : `${path}.${name}`)
        if (name === '__proto__')
          Object.defineProperty(out, name, { value: converted, enumerable: true, writable: true })
        else out[name] = converted
      }
      return out
    }
    case 'array': {
      const element = type.element
      let list = value
      if (!Array.isArray(list)) {
        if (!element.nullable) throw conversionError(table, path, 'array', value, 'expected a list')
        list = [list]
      }
      return (list as unknown[]).map((item, index) => plainConvertValue(table, element, item, `${path}[${index}]`))
    }
    case 'map': {
      const mapType = type
      if (typeof value !== 'object' || Array.isArray(value)) {
        throw conversionError(table, path, 'map', value, 'expected an object')
      }
      const out = new Map<unknown, unknown>()
      for (const [key, item] of Object.entries(value)) {
        const entryPath = `${path}[${keyText(key)}]`
        const convertedKey = mapType.key['x-spark'] === 'string' ? key : convertPrimitive(mapType.key, key)
        if (convertedKey === FAIL) throw conversionError(table, entryPath, expectedName(mapType.key), key)
        out.set(convertedKey, plainConvertValue(table, mapType.value, item, entryPath))
      }
      return out
    }
    default: {
      const converted = convertPrimitive(type, value)
      if (converted === FAIL) throw conversionError(table, path, expectedName(type), value)
      return converted
    }
  }
}

/** The plain converter of a table schema. */
export function plainConverter(schema: SparkStruct, table: string): (record: Record<string, unknown>) => unknown {
  return (record) => {
    if (typeof record !== 'object' || record === null) {
      throw conversionError(table, '', 'struct', record, 'expected an object')
    }
    return plainConvertValue(table, schema, record, '')
  }
}
