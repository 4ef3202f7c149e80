import Type, { type TUnsafe } from 'typebox'

/**
 * The Spark types that take no parameters: a node of one of these is its name, its
 * nullability and its comment, nothing more. The order is the one messages list them in.
 */
export const SCALAR_KINDS = [
  'string',
  'long',
  'integer',
  'short',
  'byte',
  'double',
  'float',
  'boolean',
  'date',
  'timestamp',
  'timestamp_ntz',
  'binary',
  'variant',
] as const

/** The name of a Spark type without parameters. */
export type SparkScalarKind = (typeof SCALAR_KINDS)[number]

/** The Spark SQL type names a schema node can carry. */
export type SparkKind = SparkScalarKind | 'decimal' | 'array' | 'map' | 'struct'

/** Options every type builder accepts. */
export interface SparkTypeOptions {
  /**
   * Whether the value at this position may be null: a struct field's `nullable`, an
   * array element's `containsNull`, a map value's `valueContainsNull`.
   * @default true
   */
  readonly nullable?: boolean
  /** Becomes the field's `comment` metadata in Spark and `COMMENT` in DDL. */
  readonly description?: string
}

type NullableOf<Options> = Options extends { readonly nullable: false } ? false : true
type WithNull<Value, Nullable extends boolean> = Nullable extends true ? Value | null : Value

/**
 * A Spark type as a typebox schema. `Static<typeof node>` is the type of the
 * converted value (see `@lakeflow/core/convert`), including `null` when nullable.
 */
export interface SparkNode<Kind extends SparkKind = SparkKind, Value = unknown, Nullable extends boolean = boolean>
  extends TUnsafe<WithNull<Value, Nullable>> {
  /** The Spark type name. */
  readonly 'x-spark': Kind
  /** Whether null is allowed at this position. */
  readonly nullable: Nullable
  /** The field comment, if any. */
  readonly description?: string
}

/**
 * The converted value type of a node (what `Static<typeof node>` gives), read straight off
 * the node. typebox's generic `Static` resolves any schema and costs about a million type
 * instantiations for a small table; this costs a handful.
 */
export type SparkValue<Node> = Node extends { readonly '~unsafe': infer Value } ? Value : never

/**
 * Any Spark type node: a union discriminated by `x-spark`, so a `switch` on the kind (or
 * {@link matchSpark}) sees `element`, `key`/`value`, `fields` or `precision`/`scale`
 * without a cast.
 */
export type AnySparkNode = SparkScalar | SparkDecimal | SparkArray | SparkMap | SparkStruct

/** A type without parameters (`long`, `string`, `timestamp`, ...). */
export type SparkScalar<
  Kind extends SparkScalarKind = SparkScalarKind,
  Value = unknown,
  Nullable extends boolean = boolean,
> = SparkNode<Kind, Value, Nullable>

/** `decimal(precision, scale)`: converted values are exact decimal strings such as `"12.50"`. */
export interface SparkDecimal<Nullable extends boolean = boolean> extends SparkNode<'decimal', string, Nullable> {
  /** Total digits, 1 to 38. */
  readonly precision: number
  /** Digits after the decimal point, 0 to `precision`. */
  readonly scale: number
}

/** `array<element>`; `containsNull` is the element's `nullable`. */
export interface SparkArray<Element extends AnySparkNode = AnySparkNode, Nullable extends boolean = boolean>
  extends SparkNode<'array', SparkValue<Element>[], Nullable> {
  /** The element type; its `nullable` is Spark's `containsNull`. */
  readonly element: Element
}

/**
 * `map<key, value>`; converted values are `Map` objects. `valueContainsNull` is the value's
 * `nullable`. Keys are never null (Spark's rule): the builder stores the key node with `nullable: false`.
 */
export interface SparkMap<
  Key extends AnySparkNode = AnySparkNode,
  Value extends AnySparkNode = AnySparkNode,
  Nullable extends boolean = boolean,
> extends SparkNode<'map', Map<Exclude<SparkValue<Key>, null>, SparkValue<Value>>, Nullable> {
  /** The key type (never nullable). */
  readonly key: Key
  /** The value type; its `nullable` is Spark's `valueContainsNull`. */
  readonly value: Value
}

/** The fields of a struct, in order. */
export type SparkFields = { readonly [name: string]: AnySparkNode }

/** The converted value of a struct: one property per field. */
export type StructValue<Fields extends SparkFields> = { -readonly [Name in keyof Fields]: SparkValue<Fields[Name]> }

/** `struct<...>`: converted values are plain objects with the fields in schema order. */
export interface SparkStruct<Fields extends SparkFields = SparkFields, Nullable extends boolean = boolean>
  extends SparkNode<'struct', StructValue<Fields>, Nullable> {
  /** The fields, by name, in schema order. */
  readonly fields: Fields
}

/** A table's schema: a struct that is never null itself. */
export type TableSchema<Fields extends SparkFields = SparkFields> = SparkStruct<Fields, false>

/** The converted row type of a table schema. */
export type Row<Schema extends AnySparkNode> = Exclude<SparkValue<Schema>, null>

/** Builds a node: the kind, its nullability and comment, and the kind's own members (`extra`). */
function node<Kind extends SparkKind, Value, Options extends SparkTypeOptions, Extra extends object = {}>(
  kind: Kind,
  options: Options | undefined,
  extra?: Extra,
): SparkNode<Kind, Value, NullableOf<Options>> & Extra {
  const schema: Record<string, unknown> = { 'x-spark': kind, nullable: options?.nullable !== false, ...extra }
  if (options?.description !== undefined) schema.description = options.description
  return Type.Unsafe<WithNull<Value, NullableOf<Options>>>(schema as never) as unknown as SparkNode<
    Kind,
    Value,
    NullableOf<Options>
  > &
    Extra
}

const SCALARS: ReadonlySet<string> = new Set(SCALAR_KINDS)

/** True when `name` is the name of a type without parameters. */
export function isScalarKind(name: string): name is SparkScalarKind {
  return SCALARS.has(name)
}

/** The node of a type without parameters, by name: `scalar('long')` is `long()`. */
export function scalar<Kind extends SparkScalarKind>(kind: Kind, options?: SparkTypeOptions): SparkScalar<Kind> {
  return node<Kind, unknown, SparkTypeOptions>(kind, options)
}

/** `string`. */
export function string<const Options extends SparkTypeOptions = {}>(options?: Options) {
  return node<'string', string, Options>('string', options)
}
/** `long` (64-bit). Converted values are numbers, or bigints beyond ±2^53. Prefer it over `integer`. */
export function long<const Options extends SparkTypeOptions = {}>(options?: Options) {
  return node<'long', number | bigint, Options>('long', options)
}
/** `integer` (32-bit). Prefer `long` unless the source guarantees 32 bits. */
export function integer<const Options extends SparkTypeOptions = {}>(options?: Options) {
  return node<'integer', number, Options>('integer', options)
}
/** `short` (16-bit). */
export function short<const Options extends SparkTypeOptions = {}>(options?: Options) {
  return node<'short', number, Options>('short', options)
}
/** `byte` (8-bit). */
export function byte<const Options extends SparkTypeOptions = {}>(options?: Options) {
  return node<'byte', number, Options>('byte', options)
}
/** `double`. */
export function double<const Options extends SparkTypeOptions = {}>(options?: Options) {
  return node<'double', number, Options>('double', options)
}
/** `float` (32-bit). */
export function float<const Options extends SparkTypeOptions = {}>(options?: Options) {
  return node<'float', number, Options>('float', options)
}
/** `boolean`. */
export function boolean<const Options extends SparkTypeOptions = {}>(options?: Options) {
  return node<'boolean', boolean, Options>('boolean', options)
}
/** `date`. Converted values are days since 1970-01-01. */
export function date<const Options extends SparkTypeOptions = {}>(options?: Options) {
  return node<'date', number, Options>('date', options)
}
/** `timestamp` (an instant). Converted values are microseconds since the epoch, UTC. */
export function timestamp<const Options extends SparkTypeOptions = {}>(options?: Options) {
  return node<'timestamp', number, Options>('timestamp', options)
}
/** `timestamp_ntz` (wall-clock time, no zone). Converted values are microseconds since 1970-01-01T00:00. */
export function timestampNtz<const Options extends SparkTypeOptions = {}>(options?: Options) {
  return node<'timestamp_ntz', number, Options>('timestamp_ntz', options)
}
/** `binary`. Converted values are `Uint8Array`s. */
export function binary<const Options extends SparkTypeOptions = {}>(options?: Options) {
  return node<'binary', Uint8Array, Options>('binary', options)
}
/** `variant` (semi-structured). Converted values are parsed JSON values. */
export function variant<const Options extends SparkTypeOptions = {}>(options?: Options) {
  return node<'variant', unknown, Options>('variant', options)
}

/** Spark's decimal bounds. */
export const MAX_DECIMAL_PRECISION = 38

/** `decimal(precision, scale)`, 1 ≤ precision ≤ 38, 0 ≤ scale ≤ precision. */
export function decimal<const Options extends SparkTypeOptions = {}>(
  precision: number,
  scale: number,
  options?: Options,
): SparkDecimal<NullableOf<Options>> {
  if (!Number.isInteger(precision) || precision < 1 || precision > MAX_DECIMAL_PRECISION) {
    throw new RangeError(`decimal precision must be an integer from 1 to 38, got ${precision}`)
  }
  if (!Number.isInteger(scale) || scale < 0 || scale > precision) {
    throw new RangeError(`decimal scale must be an integer from 0 to the precision (${precision}), got ${scale}`)
  }
  return node<'decimal', string, Options, { readonly precision: number; readonly scale: number }>('decimal', options, {
    precision,
    scale,
  })
}

/** `array<element>`. The element's `nullable` is the array's `containsNull`. */
export function array<Element extends AnySparkNode, const Options extends SparkTypeOptions = {}>(
  element: Element,
  options?: Options,
): SparkArray<Element, NullableOf<Options>> {
  return node<'array', SparkValue<Element>[], Options, { readonly element: Element }>('array', options, { element })
}

/**
 * `map<key, value>`. Keys are never null (the key node is stored with `nullable: false`);
 * the value's `nullable` is `valueContainsNull`.
 */
export function map<Key extends AnySparkNode, Value extends AnySparkNode, const Options extends SparkTypeOptions = {}>(
  key: Key,
  value: Value,
  options?: Options,
): SparkMap<Key, Value, NullableOf<Options>> {
  // Spark map keys are never null: the stored key node says so, whatever was passed.
  return node<
    'map',
    Map<Exclude<SparkValue<Key>, null>, SparkValue<Value>>,
    Options,
    { readonly key: Key; readonly value: Value }
  >('map', options, { key: key.nullable ? withNullable(key, false) : key, value })
}

/** `struct<...>`. Field order is declaration order. */
export function struct<const Fields extends SparkFields, const Options extends SparkTypeOptions = {}>(
  fields: Fields,
  options?: Options,
): SparkStruct<Fields, NullableOf<Options>> {
  const names = Object.keys(fields)
  const seen = new Map<string, string>()
  for (const name of names) {
    if (name.length === 0) throw new RangeError('struct field names must not be empty')
    const folded = name.toLowerCase()
    const earlier = seen.get(folded)
    if (earlier !== undefined) {
      throw new RangeError(`struct fields "${earlier}" and "${name}" differ only by case; Spark treats them as one`)
    }
    seen.set(folded, name)
  }
  return node<'struct', StructValue<Fields>, Options, { readonly fields: Fields }>('struct', options, { fields })
}

/** A table schema: a non-nullable struct. */
export function table<const Fields extends SparkFields>(fields: Fields): TableSchema<Fields> {
  return struct(fields, { nullable: false })
}

/** Returns a copy of `type` with a different `nullable`. */
export function withNullable<Node extends AnySparkNode, const Nullable extends boolean>(
  type: Node,
  nullable: Nullable,
): Node & { readonly nullable: Nullable } {
  return { ...type, nullable } as Node & { readonly nullable: Nullable }
}

/** The Spark type builders. `Spark.long()`, `Spark.struct({...})`, `Spark.table({...})`. */
export const Spark = {
  string,
  long,
  integer,
  short,
  byte,
  double,
  float,
  boolean,
  date,
  timestamp,
  timestampNtz,
  binary,
  variant,
  decimal,
  array,
  map,
  struct,
  table,
  withNullable,
} as const

/** True when `value` is a Spark type node built by these builders (or by `fromSparkJson`). */
export function isSparkNode(value: unknown): value is AnySparkNode {
  return (
    typeof value === 'object' && value !== null && typeof (value as { 'x-spark'?: unknown })['x-spark'] === 'string'
  )
}

/** True when `value` is a struct node. */
export function isSparkStruct(value: unknown): value is SparkStruct {
  return isSparkNode(value) && value['x-spark'] === 'struct'
}
