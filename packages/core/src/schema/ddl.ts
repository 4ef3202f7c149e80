import { matchSpark } from './match.ts'
import type { AnySparkNode, SparkStruct } from './spark-types.ts'

const PLAIN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/

/** Quotes a column name with backticks when Spark's parser needs it. */
export function quoteIdentifier(name: string): string {
  return PLAIN_IDENTIFIER.test(name) ? name : `\`${name.replaceAll('`', '``')}\``
}

function comment(description: string | undefined): string {
  return description === undefined ? '' : ` COMMENT '${description.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`
}

/** Spark SQL's name for a type, e.g. `ARRAY<STRUCT<id: BIGINT NOT NULL>>`. */
export function toSqlType(type: AnySparkNode): string {
  return matchSpark(type, {
    // The integral types are spelled the SQL way; every other name is the Spark name upper-cased.
    long: () => 'BIGINT',
    integer: () => 'INT',
    short: () => 'SMALLINT',
    byte: () => 'TINYINT',
    scalar: (scalar) => scalar['x-spark'].toUpperCase(),
    decimal: (decimal) => `DECIMAL(${decimal.precision},${decimal.scale})`,
    array: (array) => `ARRAY<${toSqlType(array.element)}>`,
    map: (map) => `MAP<${toSqlType(map.key)}, ${toSqlType(map.value)}>`,
    struct: (struct) => {
      const fields = Object.entries(struct.fields).map(
        ([name, field]) =>
          `${quoteIdentifier(name)}: ${toSqlType(field)}${field.nullable ? '' : ' NOT NULL'}${comment(field.description)}`,
      )
      return `STRUCT<${fields.join(', ')}>`
    },
  })
}

/**
 * The table's column list as Spark DDL, as `StructType.toDDL` writes it
 * (`id BIGINT NOT NULL,title STRING,...`); accepted by `spark.read.schema(ddl)`.
 * Array element and map value nullability cannot be written in DDL and is not.
 */
export function toDdl(schema: SparkStruct): string {
  return Object.entries(schema.fields)
    .map(
      ([name, field]) =>
        `${quoteIdentifier(name)} ${toSqlType(field)}${field.nullable ? '' : ' NOT NULL'}${comment(field.description)}`,
    )
    .join(',')
}
