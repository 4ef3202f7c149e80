import type { RawRecord } from '../connector/types.ts'
import type { Row, SparkStruct } from '../schema/spark-types.ts'
import { toBinary, toVariant } from './binary.ts'
import { toDate, toTimestamp, toTimestampNtz } from './datetime.ts'
import { conversionError, FAIL, isEmptyObject, keyText, missingError } from './failure.ts'
import { generateConverterSource, RUNTIME_NAMES } from './generator.ts'
import { toBoolean, toDecimal, toDouble, toIntegral, toLong, toText } from './numbers.ts'

/** Options of {@link compileConverter}. */
export interface ConverterOptions {
  /**
   * The table name that conversion errors report.
   * @example 'issues'
   */
  readonly table: string
}

/**
 * Converts one raw record (JSON as the source returned it) into a typed row of `Schema`.
 * Throws `SchemaConversionError` naming the table, the field path, the expected type and
 * a truncated, redacted excerpt of the value.
 */
export type Converter<Schema extends SparkStruct = SparkStruct> = (record: RawRecord) => Row<Schema>

type ConverterFactory = (...runtime: unknown[]) => (record: unknown) => unknown

const runtimeValues: Record<(typeof RUNTIME_NAMES)[number], unknown> = {
  FAIL,
  table: '',
  isSafeInteger: Number.isSafeInteger,
  conversionError,
  missingError,
  isEmptyObject,
  keyText,
  toText,
  toLong,
  toIntegral,
  toDouble,
  toBoolean,
  toDecimal,
  toDate,
  toTimestamp,
  toTimestampNtz,
  toBinary,
  toVariant,
}

/** One factory per schema object: the generated code is compiled once, whatever the tables. */
const factories = new WeakMap<SparkStruct, ConverterFactory>()
/** Converters of {@link convertRecord}, per schema object and table name. */
const converters = new WeakMap<SparkStruct, Map<string, Converter>>()
let compilations = 0

/** How many schemas have been compiled so far in this process (tests check the cache with it). */
export function compilationCount(): number {
  return compilations
}

function factoryFor(schema: SparkStruct): ConverterFactory {
  let factory = factories.get(schema)
  if (factory === undefined) {
    // The source embeds field names only as JSON string literals, never as code.
    factory = new Function(...RUNTIME_NAMES, generateConverterSource(schema)) as ConverterFactory
    factories.set(schema, factory)
    compilations++
  }
  return factory
}

/**
 * Compiles the converter of a table schema: JavaScript generated for this schema (one
 * function per struct, inline loops for lists and maps, inline fast paths for values that
 * already have the right type), so no per-field interpretation happens at run time. The
 * code is generated once per schema object and reused for every table name.
 *
 * Output values follow the converted-row contract: string → `string`; long → `number`,
 * or `bigint` beyond ±(2^53−1); integer/short/byte/double/float → `number`; boolean →
 * `boolean`; decimal → exact `string` with `scale` fractional digits; date → days since
 * 1970-01-01; timestamp → microseconds since the epoch (UTC); timestamp_ntz → wall-clock
 * microseconds; binary → `Uint8Array`; array → array; map → `Map`; struct → plain object
 * with the fields in schema order, or `null`; variant → the parsed JSON value.
 * The rules, and where they deviate from the Python `parse_value`, are in the package README.
 *
 * @example
 * const convert = compileConverter(issueSchema, { table: 'issues' })
 * for await (const record of connector.readTable('issues', offset, {})) writer.append(convert(record))
 */
export function compileConverter<Schema extends SparkStruct>(
  schema: Schema,
  options: ConverterOptions,
): Converter<Schema> {
  const runtime = RUNTIME_NAMES.map((name) => (name === 'table' ? options.table : runtimeValues[name]))
  return factoryFor(schema)(...runtime) as Converter<Schema>
}

/**
 * Converts a single record; for one-off conversions. The converter is compiled on first
 * use and cached per schema object and table name (weakly: it goes with the schema).
 * For a stream of records, hold on to {@link compileConverter}'s result instead.
 */
export function convertRecord<Schema extends SparkStruct>(
  schema: Schema,
  record: RawRecord,
  table: string,
): Row<Schema> {
  let byTable = converters.get(schema)
  if (byTable === undefined) {
    byTable = new Map()
    converters.set(schema, byTable)
  }
  let converter = byTable.get(table)
  if (converter === undefined) {
    converter = compileConverter(schema, { table }) as Converter
    byTable.set(table, converter)
  }
  return converter(record) as Row<Schema>
}

/** The generated source for a schema, for debugging and tests. */
export function converterSource(schema: SparkStruct): string {
  return generateConverterSource(schema)
}
