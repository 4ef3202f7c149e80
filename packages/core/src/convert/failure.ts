import { SchemaConversionError } from '../errors/errors.ts'
import { toSqlType } from '../schema/ddl.ts'
import type { AnySparkNode } from '../schema/spark-types.ts'

/**
 * What a conversion rule returns when a value does not fit its type. Rules return this
 * sentinel instead of throwing so that the generated code needs no try/catch: the caller
 * builds the {@link SchemaConversionError}, which only it can, because only it knows the
 * field path. The reason is left in {@link failure}.
 */
export const FAIL: unique symbol = Symbol('lakeflow.convert.fail')

/** The failed value's sentinel type. */
export type Fail = typeof FAIL

/** The reason of the most recent {@link FAIL} (conversion is synchronous, so one slot suffices). */
const failure = { reason: '' }

/** Records `reason` and returns {@link FAIL}. */
export function reject(reason: string): Fail {
  failure.reason = reason
  return FAIL
}

/** The type name used in error messages: Spark SQL's name for primitives (`bigint`, `decimal(10,2)`), the kind for nested types. */
export function expectedName(type: AnySparkNode): string {
  const kind = type['x-spark']
  return kind === 'array' || kind === 'map' || kind === 'struct' ? kind : toSqlType(type).toLowerCase()
}

/** A map key as it appears in a field path: `props["k"]`. */
export function keyText(key: unknown): string {
  return JSON.stringify(String(key))
}

/** Builds the error for a value that failed a rule (`reason` defaults to the rule's). */
export function conversionError(
  table: string,
  path: string,
  expected: string,
  value: unknown,
  reason: string = failure.reason,
): SchemaConversionError {
  return new SchemaConversionError({ table, path, expected, value, reason })
}

/** Builds the error for a null or absent value in a non-nullable position. */
export function missingError(table: string, path: string, expected: string, value: unknown): SchemaConversionError {
  const reason =
    value === undefined ? 'the field is not nullable but is not in the input' : 'null in a field that is not nullable'
  return new SchemaConversionError({ table, path, expected, value: value === undefined ? undefined : null, reason })
}

/** True when `value` has no own enumerable key holding a defined value (JSON's `{}`). */
export function isEmptyObject(value: object): boolean {
  for (const key in value) {
    if (Object.hasOwn(value, key) && (value as Record<string, unknown>)[key] !== undefined) return false
  }
  return true
}
