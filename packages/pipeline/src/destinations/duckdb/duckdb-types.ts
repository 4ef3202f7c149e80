import { type AnySparkNode, matchSpark } from '@lakeflow/core/schema'

/** Quotes an SQL identifier for DuckDB. */
export function quoteId(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/** A SQL string literal: `'it''s'`. */
export function quoteString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`
}

/**
 * The DuckDB column type for a Spark type: struct → STRUCT, array → LIST (`T[]`), map → MAP,
 * decimal(p,s) → DECIMAL(p,s), timestamp → TIMESTAMPTZ, timestamp_ntz → TIMESTAMP,
 * binary → BLOB, variant → JSON, long → BIGINT (Spark's long is 64-bit, so no HUGEINT is needed).
 */
export function duckDbType(type: AnySparkNode): string {
  return matchSpark(type, {
    string: () => 'VARCHAR',
    long: () => 'BIGINT',
    integer: () => 'INTEGER',
    short: () => 'SMALLINT',
    byte: () => 'TINYINT',
    double: () => 'DOUBLE',
    float: () => 'FLOAT',
    boolean: () => 'BOOLEAN',
    date: () => 'DATE',
    timestamp: () => 'TIMESTAMPTZ',
    timestamp_ntz: () => 'TIMESTAMP',
    binary: () => 'BLOB',
    variant: () => 'JSON',
    decimal: (decimal) => `DECIMAL(${decimal.precision},${decimal.scale})`,
    array: (array) => `${duckDbType(array.element)}[]`,
    map: (map) => `MAP(${duckDbType(map.key)}, ${duckDbType(map.value)})`,
    struct: (struct) => {
      const fields = Object.entries(struct.fields)
      if (fields.length === 0) return 'JSON'
      return `STRUCT(${fields.map(([name, field]) => `${quoteId(name)} ${duckDbType(field)}`).join(', ')})`
    },
  })
}

/** True when a type holds binary somewhere (staged as base64 text, decoded in SQL). */
function hasBinary(type: AnySparkNode): boolean {
  return matchSpark(type, {
    binary: () => true,
    scalar: () => false,
    decimal: () => false,
    array: (array) => hasBinary(array.element),
    map: (map) => hasBinary(map.key) || hasBinary(map.value),
    struct: (struct) => Object.values(struct.fields).some(hasBinary),
  })
}

/** The type `read_json` reads a staged value as: the column type, with binary as base64 text. */
export function jsonReadType(type: AnySparkNode): string {
  if (!hasBinary(type)) return duckDbType(type)
  return matchSpark(type, {
    binary: () => 'VARCHAR',
    scalar: () => duckDbType(type),
    decimal: () => duckDbType(type),
    array: (array) => `${jsonReadType(array.element)}[]`,
    map: (map) => `MAP(${jsonReadType(map.key)}, ${jsonReadType(map.value)})`,
    struct: (struct) => {
      const fields = Object.entries(struct.fields)
      return `STRUCT(${fields.map(([name, field]) => `${quoteId(name)} ${jsonReadType(field)}`).join(', ')})`
    },
  })
}

/** SQL turning a value read as {@link jsonReadType} into the column type (decoding base64). */
export function fromJsonExpr(expression: string, type: AnySparkNode, depth = 0): string {
  if (!hasBinary(type)) return expression
  const variable = `v${depth}`
  return matchSpark(type, {
    binary: () => `from_base64(${expression})`,
    scalar: () => expression,
    decimal: () => expression,
    array: (array) =>
      `list_transform(${expression}, ${variable} -> ${fromJsonExpr(variable, array.element, depth + 1)})`,
    map: (map) =>
      `map_from_entries(list_transform(map_entries(${expression}), ${variable} -> {'key': ${fromJsonExpr(`${variable}.key`, map.key, depth + 1)}, 'value': ${fromJsonExpr(`${variable}.value`, map.value, depth + 1)}}))`,
    struct: (struct) => {
      const packed = Object.entries(struct.fields).map(
        ([name, field]) => `${quoteId(name)} := ${fromJsonExpr(`${expression}.${quoteId(name)}`, field, depth + 1)}`,
      )
      return `CASE WHEN ${expression} IS NULL THEN NULL ELSE struct_pack(${packed.join(', ')}) END`
    },
  })
}
