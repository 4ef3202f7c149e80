import type { AnySparkNode, SparkArray, SparkDecimal, SparkMap, SparkStruct, TableSchema } from '@lakeflow/core/schema'
import {
  Binary,
  Bool as Boolean_,
  type DataType,
  DateDay,
  Decimal,
  Field,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  List,
  Map_,
  Schema,
  Struct,
  TimestampMicrosecond,
  Utf8,
} from 'apache-arrow'

/**
 * Field metadata PySpark (`to_arrow_schema`) puts on the `metadata` child of a variant
 * column, which is a struct of two binaries, `value` and `metadata`, in Spark's variant
 * binary encoding.
 */
export const VARIANT_FIELD_METADATA: ReadonlyMap<string, string> = new Map([['variant', 'true']])

/**
 * The Arrow type PySpark expects for a Spark type: exactly what
 * `pyspark.sql.pandas.types.to_arrow_schema(schema, timezone="UTC")` produces, so batches
 * pass Spark's schema check unchanged. timestamp → timestamp[us, tz=UTC], timestamp_ntz →
 * timestamp[us], decimal → decimal128, date → date32, map → map<key not null, value>,
 * array → list<element>, variant → struct<value: binary not null, metadata: binary not null>.
 */
export function toArrowType(type: AnySparkNode): DataType {
  switch (type['x-spark']) {
    case 'string':
      return new Utf8()
    case 'binary':
      return new Binary()
    case 'long':
      return new Int64()
    case 'integer':
      return new Int32()
    case 'short':
      return new Int16()
    case 'byte':
      return new Int8()
    case 'double':
      return new Float64()
    case 'float':
      return new Float32()
    case 'boolean':
      return new Boolean_()
    case 'decimal': {
      const decimal = type as SparkDecimal
      return new Decimal(decimal.scale, decimal.precision, 128)
    }
    case 'date':
      return new DateDay()
    case 'timestamp':
      return new TimestampMicrosecond('UTC')
    case 'timestamp_ntz':
      return new TimestampMicrosecond(null)
    case 'variant':
      return new Struct([
        new Field('value', new Binary(), false),
        new Field('metadata', new Binary(), false, new Map(VARIANT_FIELD_METADATA)),
      ])
    case 'array': {
      const element = (type as SparkArray).element
      return new List(new Field('element', toArrowType(element), element.nullable))
    }
    case 'map': {
      const map = type as SparkMap
      const entries = new Struct([
        new Field('key', toArrowType(map.key), false),
        new Field('value', toArrowType(map.value), map.value.nullable),
      ])
      return new Map_(new Field('entries', entries, false), false)
    }
    case 'struct':
      return new Struct(Object.entries((type as SparkStruct).fields).map(([name, field]) => toArrowField(name, field)))
    default:
      throw new TypeError(`No Arrow mapping for Spark type ${JSON.stringify(type['x-spark'])}`)
  }
}

/** The Arrow field for a named Spark field. */
export function toArrowField(name: string, type: AnySparkNode): Field {
  return new Field(name, toArrowType(type), type.nullable)
}

/** The Arrow schema of a table, field for field. */
export function toArrowSchema(schema: TableSchema): Schema {
  return new Schema(Object.entries(schema.fields).map(([name, field]) => toArrowField(name, field)))
}
