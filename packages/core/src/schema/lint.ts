import { isPlainObject } from '../internal/values.ts'
import type { AnySparkNode, SparkStruct } from './spark-types.ts'

/** One finding of {@link lintSchema}. */
export interface SchemaLintWarning {
  /** Dotted field path (`user.id`, `labels[].name`). */
  path: string
  /** `prefer-long`, `prefer-struct`, `string-timestamp` or `empty-struct`. */
  code: 'prefer-long' | 'prefer-struct' | 'string-timestamp' | 'empty-struct'
  /** What to change, in one sentence. */
  message: string
}

/** Options for {@link lintSchema}. */
export interface SchemaLintOptions {
  /**
   * Raw sample records. When given, a `map<string, …>` column is reported only if the
   * samples show a small, fixed set of keys (so a struct is known); without samples
   * every string-keyed map is reported.
   */
  samples?: readonly Record<string, unknown>[]
  /** A map whose samples use at most this many distinct keys counts as a known struct. @default 32 */
  maxStructKeys?: number
}

const TIMESTAMP_NAME = /(?:_at|_on|_time|_date|timestamp|^date|^time)$/i

/**
 * Reports schema choices that usually lose information or hurt downstream users:
 * `integer`/`short`/`byte` where `long` fits any source id, a `map` where the keys are a
 * known struct, and strings holding what looks like a timestamp.
 */
export function lintSchema(schema: SparkStruct, options: SchemaLintOptions = {}): SchemaLintWarning[] {
  const warnings: SchemaLintWarning[] = []
  const maxStructKeys = options.maxStructKeys ?? 32
  const visit = (type: AnySparkNode, path: string, name: string, samples: unknown[] | undefined): void => {
    switch (type['x-spark']) {
      case 'integer':
      case 'short':
      case 'byte':
        warnings.push({
          path,
          code: 'prefer-long',
          message: `${path} is ${type['x-spark']}; prefer long, which holds any integer id a source may grow into`,
        })
        return
      case 'string':
        if (TIMESTAMP_NAME.test(name)) {
          warnings.push({
            path,
            code: 'string-timestamp',
            message: `${path} looks like a timestamp but is typed string; use timestamp so it sorts and filters as time`,
          })
        }
        return
      case 'map': {
        if (type.key['x-spark'] !== 'string') return
        const keys = new Set<string>()
        let objects = 0
        for (const sample of samples ?? []) {
          if (isPlainObject(sample)) {
            objects++
            for (const key of Object.keys(sample)) keys.add(key)
          }
        }
        if (samples === undefined || (objects > 0 && keys.size <= maxStructKeys)) {
          const seen = samples === undefined ? '' : ` (samples use only ${[...keys].sort().join(', ')})`
          warnings.push({
            path,
            code: 'prefer-struct',
            message: `${path} is a map${seen}; when the keys are known, a struct keeps their types and names`,
          })
        }
        return
      }
      case 'array': {
        const elementSamples = samples?.flatMap((sample) => (Array.isArray(sample) ? sample : []))
        visit(type.element, `${path}[]`, name, elementSamples)
        return
      }
      case 'struct': {
        const fields = Object.entries(type.fields)
        if (fields.length === 0)
          warnings.push({ path, code: 'empty-struct', message: `${path} is a struct with no fields` })
        for (const [fieldName, field] of fields) {
          const fieldSamples = samples?.map((sample) =>
            sample && typeof sample === 'object' ? (sample as Record<string, unknown>)[fieldName] : undefined,
          )
          visit(field, path ? `${path}.${fieldName}` : fieldName, fieldName, fieldSamples)
        }
        return
      }
      default:
        return
    }
  }
  visit(schema, '', '', options.samples ? [...options.samples] : undefined)
  return warnings
}
