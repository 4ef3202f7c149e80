import { type AnySparkNode, matchSpark, type TableSchema } from '@lakeflow/core/schema'
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
  return matchSpark<DataType>(type, {
    string: () => new Utf8(),
    binary: () => new Binary(),
    long: () => new Int64(),
    integer: () => new Int32(),
    short: () => new Int16(),
    byte: () => new Int8(),
    double: () => new Float64(),
    float: () => new Float32(),
    boolean: () => new Boolean_(),
    decimal: (decimal) => new Decimal(decimal.scale, decimal.precision, 128),
    date: () => new DateDay(),
    timestamp: () => new TimestampMicrosecond('UTC'),
    timestamp_ntz: () => new TimestampMicrosecond(null),
    variant: () =>
      new Struct([
        new Field('value', new Binary(), false),
        new Field('metadata', new Binary(), false, new Map(VARIANT_FIELD_METADATA)),
      ]),
    array: (array) => new List(new Field('element', toArrowType(array.element), array.element.nullable)),
    map: (map) => {
      const entries = new Struct([
        new Field('key', toArrowType(map.key), false),
        new Field('value', toArrowType(map.value), map.value.nullable),
      ])
      return new Map_(new Field('entries', entries, false), false)
    },
    struct: (struct) => new Struct(Object.entries(struct.fields).map(([name, field]) => toArrowField(name, field))),
  })
}

/** The Arrow field for a named Spark field. */
export function toArrowField(name: string, type: AnySparkNode): Field {
  return new Field(name, toArrowType(type), type.nullable)
}

/** The Arrow schema of a table, field for field. */
export function toArrowSchema(schema: TableSchema): Schema {
  return new Schema(Object.entries(schema.fields).map(([name, field]) => toArrowField(name, field)))
}
