import { type AnySparkNode, SCALAR_KINDS, type SparkKind, type SparkStruct } from './spark-types.ts'

/**
 * Resolves a dotted column path (`user.login`) through nested structs. Returns the type
 * at that path, or undefined when some segment does not exist or is not a struct.
 */
export function resolveField(schema: SparkStruct, path: string): AnySparkNode | undefined {
  let current: AnySparkNode = schema
  for (const segment of path.split('.')) {
    if (current['x-spark'] !== 'struct' || !Object.hasOwn(current.fields, segment)) return undefined
    const next: AnySparkNode | undefined = current.fields[segment]
    if (next === undefined) return undefined
    current = next
  }
  return current
}

/**
 * Types whose values have a total order a cursor can advance along: decimal and every type
 * without parameters except boolean, binary and variant.
 */
export const ORDERABLE_KINDS: ReadonlySet<SparkKind> = new Set<SparkKind>([
  ...SCALAR_KINDS.filter((kind) => kind !== 'boolean' && kind !== 'binary' && kind !== 'variant'),
  'decimal',
])

/** Types a primary key column may have (primitive and comparable for equality). */
export const KEY_KINDS: ReadonlySet<SparkKind> = new Set<SparkKind>([...ORDERABLE_KINDS, 'boolean', 'binary'])
