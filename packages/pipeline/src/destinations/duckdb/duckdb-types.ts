import type { AnySparkNode, SparkArray, SparkDecimal, SparkMap, SparkStruct } from '@lakeflow/core/schema'

/** Quotes an SQL identifier for DuckDB. */
export function quoteId(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/** A SQL string literal: `'it''s'`. */
export function quoteString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`
}

const SIMPLE: Record<string, string> = {
  string: 'VARCHAR',
  long: 'BIGINT',
  integer: 'INTEGER',
  short: 'SMALLINT',
  byte: 'TINYINT',
  double: 'DOUBLE',
  float: 'FLOAT',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMPTZ',
  timestamp_ntz: 'TIMESTAMP',
  binary: 'BLOB',
  variant: 'JSON',
}

/**
 * The DuckDB column type for a Spark type: struct → STRUCT, array → LIST (`T[]`), map → MAP,
 * decimal(p,s) → DECIMAL(p,s), timestamp → TIMESTAMPTZ, timestamp_ntz → TIMESTAMP,
 * binary → BLOB, variant → JSON, long → BIGINT (Spark's long is 64-bit, so no HUGEINT is needed).
 */
export function duckDbType(type: AnySparkNode): string {
  switch (type['x-spark']) {
    case 'decimal': {
      const decimal = type as SparkDecimal
      return `DECIMAL(${decimal.precision},${decimal.scale})`
    }
    case 'array':
      return `${duckDbType((type as SparkArray).element)}[]`
    case 'map': {
      const map = type as SparkMap
      return `MAP(${duckDbType(map.key)}, ${duckDbType(map.value)})`
    }
    case 'struct': {
      const fields = Object.entries((type as SparkStruct).fields)
      if (fields.length === 0) return 'JSON'
      return `STRUCT(${fields.map(([name, field]) => `${quoteId(name)} ${duckDbType(field)}`).join(', ')})`
    }
    default: {
      const simple = SIMPLE[type['x-spark']]
      if (simple === undefined) throw new TypeError(`No DuckDB type for Spark type ${type['x-spark']}`)
      return simple
    }
  }
}

/** True when a type holds binary somewhere (staged as base64 text, decoded in SQL). */
function hasBinary(type: AnySparkNode): boolean {
  switch (type['x-spark']) {
    case 'binary':
      return true
    case 'array':
      return hasBinary((type as SparkArray).element)
    case 'map':
      return hasBinary((type as SparkMap).key) || hasBinary((type as SparkMap).value)
    case 'struct':
      return Object.values((type as SparkStruct).fields).some(hasBinary)
    default:
      return false
  }
}

/** The type `read_json` reads a staged value as: the column type, with binary as base64 text. */
export function jsonReadType(type: AnySparkNode): string {
  if (!hasBinary(type)) return duckDbType(type)
  switch (type['x-spark']) {
    case 'binary':
      return 'VARCHAR'
    case 'array':
      return `${jsonReadType((type as SparkArray).element)}[]`
    case 'map':
      return `MAP(${jsonReadType((type as SparkMap).key)}, ${jsonReadType((type as SparkMap).value)})`
    default: {
      const fields = Object.entries((type as SparkStruct).fields)
      return `STRUCT(${fields.map(([name, field]) => `${quoteId(name)} ${jsonReadType(field)}`).join(', ')})`
    }
  }
}

/** SQL turning a value read as {@link jsonReadType} into the column type (decoding base64). */
export function fromJsonExpr(expression: string, type: AnySparkNode, depth = 0): string {
  if (!hasBinary(type)) return expression
  const variable = `v${depth}`
  switch (type['x-spark']) {
    case 'binary':
      return `from_base64(${expression})`
    case 'array':
      return `list_transform(${expression}, ${variable} -> ${fromJsonExpr(variable, (type as SparkArray).element, depth + 1)})`
    case 'map': {
      const map = type as SparkMap
      return `map_from_entries(list_transform(map_entries(${expression}), ${variable} -> {'key': ${fromJsonExpr(`${variable}.key`, map.key, depth + 1)}, 'value': ${fromJsonExpr(`${variable}.value`, map.value, depth + 1)}}))`
    }
    default: {
      const fields = Object.entries((type as SparkStruct).fields)
      const packed = fields.map(
        ([name, field]) => `${quoteId(name)} := ${fromJsonExpr(`${expression}.${quoteId(name)}`, field, depth + 1)}`,
      )
      return `CASE WHEN ${expression} IS NULL THEN NULL ELSE struct_pack(${packed.join(', ')}) END`
    }
  }
}
