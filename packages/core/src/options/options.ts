import Type, { type Static, type TObject, type TSchema } from 'typebox'
import { Value } from 'typebox/value'
import { didYouMean } from '../errors/did-you-mean.ts'
import { InvalidOptionsError } from '../errors/errors.ts'
import { excerpt, REDACTED, registerSecret } from '../errors/redact.ts'

/** Schema keyword marking an option as secret: redacted everywhere, never stored. */
export const SECRET_KEYWORD = 'x-lakeflow-secret'

/**
 * Marks an option schema as secret. Its value is registered for redaction as soon as it
 * is parsed, so it never appears in errors, logs, offsets or run state.
 * @example
 * const options = Type.Object({ token: secret(Type.String({ description: 'Personal access token' })) })
 */
export function secret<Schema extends TSchema>(schema: Schema): Schema {
  return { ...schema, [SECRET_KEYWORD]: true } as Schema
}

/** True when the option schema is marked secret. */
export function isSecretSchema(schema: unknown): boolean {
  return typeof schema === 'object' && schema !== null && (schema as Record<string, unknown>)[SECRET_KEYWORD] === true
}

/** The keys of an options object schema that are marked secret. */
export function secretKeys(schema: TObject): string[] {
  return Object.entries(schema.properties)
    .filter(([, property]) => isSecretSchema(property))
    .map(([key]) => key)
}

/** True when the schema is secret or has a secret anywhere inside (object properties, array items, unions). */
export function containsSecret(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null) return false
  if (isSecretSchema(schema)) return true
  const record = schema as Record<string, unknown>
  const children = [
    ...Object.values((record.properties as Record<string, unknown> | undefined) ?? {}),
    record.items,
    record.additionalProperties,
    ...((record.anyOf as unknown[] | undefined) ?? []),
    ...((record.oneOf as unknown[] | undefined) ?? []),
    ...((record.allOf as unknown[] | undefined) ?? []),
  ]
  return children.some(containsSecret)
}

/**
 * Walks a value along its schema and calls `visit` for each value at a secret position
 * (replacing it with the result). Used to register nested secrets and to mask them for display.
 */
function mapSecrets(schema: unknown, value: unknown, visit: (secretValue: unknown) => unknown): unknown {
  if (typeof schema !== 'object' || schema === null) return value
  if (isSecretSchema(schema)) return visit(value)
  if (!containsSecret(schema)) return value
  const record = schema as Record<string, unknown>
  if (Array.isArray(value)) return value.map((item) => mapSecrets(record.items, item, visit))
  if (typeof value === 'object' && value !== null) {
    const properties = (record.properties as Record<string, unknown> | undefined) ?? {}
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        key,
        mapSecrets(properties[key] ?? record.additionalProperties, inner, visit),
      ]),
    )
  }
  // A union that contains a secret: mask the whole value rather than guess the branch.
  return [...((record.anyOf as unknown[]) ?? []), ...((record.oneOf as unknown[]) ?? [])].some(containsSecret)
    ? visit(value)
    : value
}

function registerSecretValue(value: unknown): unknown {
  if (typeof value === 'string' || typeof value === 'number') registerSecret(String(value))
  return value
}

/** The value with every secret inside it (per the schema) replaced by `[REDACTED]`. */
function maskSecrets(schema: unknown, value: unknown): unknown {
  return mapSecrets(schema, value, () => REDACTED)
}

/**
 * Defines an options schema: a strict typebox object (unknown keys are errors).
 * Each property should carry a `description` and, when optional, a `default`.
 * @example
 * const GithubOptions = defineOptions({
 *   token: secret(Type.String({ minLength: 1, description: 'GitHub token' })),
 *   base_url: Type.String({ default: 'https://api.github.com', description: 'API base URL' }),
 * })
 */
export function defineOptions<const Properties extends Record<string, TSchema>>(properties: Properties) {
  return Type.Object(properties, { additionalProperties: false })
}

/** How {@link parseOptions} treats keys the schema does not declare. */
export interface ParseOptionsSettings {
  /** `error` (the default) rejects them, naming the closest known key; `ignore` drops them. */
  unknownKeys?: 'error' | 'ignore'
}

/**
 * Validates raw options (from a connections file, CLI flags or Spark, so often strings)
 * against a schema: coerces strings to the declared number, boolean, array or object
 * types, fills defaults, registers secrets for redaction and returns typed options.
 * Throws {@link InvalidOptionsError} naming the key, the expectation and the (redacted) value.
 * @param where what the options are for, used in messages: `connector github`, `table issues`.
 */
export function parseOptions<Schema extends TObject>(
  schema: Schema,
  raw: Readonly<Record<string, unknown>> | undefined,
  where: string,
  settings: ParseOptionsSettings = {},
): Static<Schema> {
  const properties = schema.properties as Record<string, TSchema>
  const values: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(raw ?? {})) {
    if (value === undefined) continue
    const property = properties[key]
    if (property === undefined) {
      if (settings.unknownKeys === 'ignore') continue
      throw new InvalidOptionsError({ key, where, problem: unknownKeyProblem(key, Object.keys(properties)) })
    }
    if (isSecretSchema(property)) registerSecretValue(value)
    values[key] = coerce(property, value, key, where)
    mapSecrets(property, values[key], registerSecretValue)
  }
  Value.Default(schema, values)
  const errors = Value.Errors(schema, values)
  if (errors.length > 0) throw toOptionsError(errors, properties, values, where)
  return values as Static<Schema>
}

function unknownKeyProblem(key: string, known: readonly string[]): string {
  const hint = didYouMean(key, known)
  const list = known.join(', ') || '(none)'
  return hint ? `unknown option${hint} Known options: ${list}` : `unknown option. Known options: ${list}`
}

function schemaTypes(schema: TSchema): string[] {
  const record = schema as Record<string, unknown>
  if (typeof record.type === 'string') return [record.type]
  if (Array.isArray(record.type)) return record.type as string[]
  const variants = (record.anyOf ?? record.oneOf) as TSchema[] | undefined
  if (variants) return variants.flatMap(schemaTypes)
  if ('const' in record) return [typeof record.const]
  return []
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'y', 'on'])
const FALSE_WORDS = new Set(['false', '0', 'no', 'n', 'off'])

function coerce(schema: TSchema, value: unknown, key: string, where: string): unknown {
  if (typeof value !== 'string') return value
  const types = schemaTypes(schema)
  if (types.includes('string') || types.length === 0) return value
  const text = value.trim()
  if ((types.includes('integer') || types.includes('number')) && text !== '' && Number.isFinite(Number(text))) {
    return Number(text)
  }
  if (types.includes('boolean')) {
    const lower = text.toLowerCase()
    if (TRUE_WORDS.has(lower)) return true
    if (FALSE_WORDS.has(lower)) return false
  }
  if ((types.includes('array') || types.includes('object')) && /^[[{]/.test(text)) {
    try {
      return JSON.parse(text)
    } catch (error) {
      throw new InvalidOptionsError({
        key,
        where,
        problem: `expected JSON, got ${containsSecret(schema) ? REDACTED : excerpt(value)} (${jsonProblem(error)})`,
      })
    }
  }
  return value
}

interface ValidationErrorLike {
  keyword: string
  instancePath: string
  params: Record<string, unknown>
  message: string
}

function toOptionsError(
  errors: readonly ValidationErrorLike[],
  properties: Record<string, TSchema>,
  values: Record<string, unknown>,
  where: string,
): InvalidOptionsError {
  const required = errors.find((error) => error.keyword === 'required')
  if (required) {
    const missing = (required.params.requiredProperties as string[] | undefined) ?? []
    const key = missing[0] ?? '?'
    const description = (properties[key] as { description?: string } | undefined)?.description
    return new InvalidOptionsError({
      key,
      where,
      problem: `required but missing${description ? ` (${description})` : ''}`,
    })
  }
  // The most specific error is the deepest one; anyOf summaries come last for a key.
  const error = errors.find((candidate) => candidate.instancePath !== '' && candidate.keyword !== 'anyOf') ?? errors[0]!
  const key = error.instancePath.replace(/^\//, '').replaceAll('/', '.') || '?'
  const topKey = key.split('.')[0]!
  const property = properties[topKey]
  const shown =
    property === undefined
      ? excerpt(values[topKey])
      : isSecretSchema(property)
        ? REDACTED
        : excerpt(maskSecrets(property, values[topKey]))
  const allowed = literalValues(property)
  const expected = allowed ? `one of ${allowed.map((item) => JSON.stringify(item)).join(', ')}` : describeError(error)
  return new InvalidOptionsError({ key, where, problem: `expected ${expected}, got ${shown}` })
}

function literalValues(schema: TSchema | undefined): unknown[] | undefined {
  const variants = (schema as { anyOf?: TSchema[] } | undefined)?.anyOf
  if (!variants?.every((variant) => 'const' in (variant as object))) return undefined
  return variants.map((variant) => (variant as { const: unknown }).const)
}

function describeError(error: ValidationErrorLike): string {
  const params = error.params
  switch (error.keyword) {
    case 'type':
      return `a value of type ${[params.type].flat().join(' or ')}`
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `a number ${params.comparison} ${params.limit}`
    case 'minLength':
      return Number(params.limit) === 1 ? 'a non-empty string' : `at least ${params.limit} characters`
    case 'maxLength':
      return `at most ${params.limit} characters`
    case 'pattern':
      return `text matching ${params.pattern}`
    case 'format':
      return `a ${params.format}`
    case 'enum':
      return `one of ${(params.allowedValues as unknown[]).map((item) => JSON.stringify(item)).join(', ')}`
    case 'const':
      return JSON.stringify(params.allowedValue)
    default:
      return error.message.replace(/^must (be )?/, '')
  }
}

/** A copy of parsed options with every secret value replaced by `[REDACTED]`, for display. */
export function redactOptions(schema: TObject, values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const properties = schema.properties as Record<string, TSchema>
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, maskSecrets(properties[key], value)]))
}

/** V8's JSON.parse messages quote the text; keep only the reason. */
function jsonProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.replace(/,? ".*" is not valid JSON$/s, '').slice(0, 120)
}
