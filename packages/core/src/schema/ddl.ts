import type { AnySparkNode, SparkArray, SparkDecimal, SparkMap, SparkStruct } from './spark-types.ts'

const SQL_NAMES: Record<string, string> = {
  string: 'STRING',
  long: 'BIGINT',
  integer: 'INT',
  short: 'SMALLINT',
  byte: 'TINYINT',
  double: 'DOUBLE',
  float: 'FLOAT',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  timestamp_ntz: 'TIMESTAMP_NTZ',
  binary: 'BINARY',
  variant: 'VARIANT',
}

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
  switch (type['x-spark']) {
    case 'decimal': {
      const decimalType = type as SparkDecimal
      return `DECIMAL(${decimalType.precision},${decimalType.scale})`
    }
    case 'array':
      return `ARRAY<${toSqlType((type as SparkArray).element)}>`
    case 'map': {
      const mapType = type as SparkMap
      return `MAP<${toSqlType(mapType.key)}, ${toSqlType(mapType.value)}>`
    }
    case 'struct': {
      const fields = Object.entries((type as SparkStruct).fields).map(
        ([name, field]) =>
          `${quoteIdentifier(name)}: ${toSqlType(field)}${field.nullable ? '' : ' NOT NULL'}${comment(field.description)}`,
      )
      return `STRUCT<${fields.join(', ')}>`
    }
    default:
      return SQL_NAMES[type['x-spark']] ?? type['x-spark'].toUpperCase()
  }
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
