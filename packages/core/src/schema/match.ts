import { LakeflowError } from '../errors/lakeflow-error.ts'
import {
  type AnySparkNode,
  isScalarKind,
  type SparkArray,
  type SparkDecimal,
  type SparkMap,
  type SparkScalar,
  type SparkScalarKind,
  type SparkStruct,
} from './spark-types.ts'

/** Handlers for the types with parameters or children. */
interface ComplexCases<Result> {
  /** `decimal(precision, scale)`. */
  readonly decimal: (type: SparkDecimal) => Result
  /** `array<element>`. */
  readonly array: (type: SparkArray) => Result
  /** `map<key, value>`. */
  readonly map: (type: SparkMap) => Result
  /** `struct<...>`. */
  readonly struct: (type: SparkStruct) => Result
}

/** One handler per type without parameters. */
type ScalarCases<Result> = { readonly [Kind in SparkScalarKind]: (type: SparkScalar<Kind>) => Result }

/**
 * What {@link matchSpark} calls for each kind of node: a handler for each of `decimal`,
 * `array`, `map` and `struct`, and either one handler per type without parameters
 * (`string`, `long`, ...) or a `scalar` handler for those not listed. The compiler checks
 * that every kind is covered, so a new kind cannot be forgotten by one target.
 */
export type SparkCases<Result> = ComplexCases<Result> &
  (
    | ScalarCases<Result>
    | (Partial<ScalarCases<Result>> & {
        /** Every type without parameters that has no handler of its own. */
        readonly scalar: (type: SparkScalar) => Result
      })
  )

/**
 * Calls the handler of `type`'s kind with the node, narrowed to that kind: the one place
 * that dispatches on `x-spark` for the schema's targets (Spark JSON, DDL, DuckDB and Arrow
 * types, converters). Handlers recurse by calling their own function on the children.
 * Throws a `LakeflowError` for a node of an unknown kind (one not built by the `Spark` builders).
 * @example
 * const sqlName = (type: AnySparkNode): string =>
 *   matchSpark(type, {
 *     scalar: (node) => node['x-spark'].toUpperCase(),
 *     decimal: (node) => `DECIMAL(${node.precision},${node.scale})`,
 *     array: (node) => `ARRAY<${sqlName(node.element)}>`,
 *     map: (node) => `MAP<${sqlName(node.key)}, ${sqlName(node.value)}>`,
 *     struct: () => 'STRUCT<...>',
 *   })
 */
export function matchSpark<Result>(type: AnySparkNode, cases: SparkCases<Result>): Result {
  const kind: string = type['x-spark']
  const handlers = cases as unknown as Readonly<Record<string, ((node: AnySparkNode) => Result) | undefined>>
  const handler =
    (kind !== 'scalar' && Object.hasOwn(handlers, kind) ? handlers[kind] : undefined) ??
    (isScalarKind(kind) ? handlers.scalar : undefined)
  if (handler === undefined) throw new LakeflowError(`Unknown Spark type node ${JSON.stringify(kind)}`)
  return handler(type)
}
