import type { TSchema } from 'typebox'
import { Value } from 'typebox/value'
import { isPlainObject as isMapping, describeValue as shown } from '../internal/values.ts'

/**
 * Schema keyword holding the phrase a message uses for what was expected at that position:
 * `expected <phrase>, got <value>`. Without it the phrase is derived from the schema
 * (`a non-empty string`, `an integer ≥ 1`, `one of a, b`).
 * @example Type.String({ pattern: '^/', [EXPECTED]: 'a path starting with "/"' })
 */
export const EXPECTED = 'x-expected'

/** One problem in a document: where (as key segments and as text) and what. */
export interface DocumentIssue {
  /** Keys and list indexes from the document root: `['endpoints', 3, 'params', 'since', 'op']`. */
  readonly segments: readonly (string | number)[]
  /** The segments as text: `endpoints[3].params.since.op`; `''` is the document itself. */
  readonly path: string
  /** What was expected and what arrived. */
  readonly message: string
}

type Segments = readonly (string | number)[]
type Schema = Record<string, unknown>

const SAFE_KEY = /^[^.[\]\s"]+$/

/**
 * Formats key segments as a path: keys joined by `.`, list indexes as `[3]`, and keys that
 * contain a dot, a bracket, a quote or white space as `["@odata.nextLink"]`.
 * @example formatDocumentPath(['endpoints', 3, 'params', 'since']) // 'endpoints[3].params.since'
 */
export function formatDocumentPath(segments: Segments): string {
  let path = ''
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`
    else if (SAFE_KEY.test(segment)) path += path === '' ? segment : `.${segment}`
    else path += `[${JSON.stringify(segment)}]`
  }
  return path
}

function jsonType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number'
  return typeof value
}

/** The JSON types a schema accepts (`undefined`: any). */
function acceptedTypes(schema: Schema): string[] | undefined {
  if ('const' in schema) return [jsonType(schema.const)]
  if (Array.isArray(schema.enum)) return [...new Set(schema.enum.map(jsonType))]
  if (Array.isArray(schema.anyOf)) {
    const types = (schema.anyOf as Schema[]).map(acceptedTypes)
    return types.some((entry) => entry === undefined) ? undefined : [...new Set(types.flat() as string[])]
  }
  if (typeof schema.type === 'string') return schema.type === 'number' ? ['number', 'integer'] : [schema.type]
  return undefined
}

/** The allowed values of an enum or of a union of literals. */
function literals(schema: Schema): unknown[] | undefined {
  if (Array.isArray(schema.enum)) return schema.enum
  const branches = schema.anyOf as Schema[] | undefined
  if (!branches?.every((branch) => 'const' in branch)) return undefined
  return branches.map((branch) => branch.const)
}

/** The phrase for what a schema expects: its `x-expected`, else one derived from its keywords. */
export function expectedPhrase(schema: TSchema): string {
  const record = schema as Schema
  if (typeof record[EXPECTED] === 'string') return record[EXPECTED] as string
  const values = literals(record)
  if (values)
    return `one of ${values.map((value) => (typeof value === 'string' ? value : JSON.stringify(value))).join(', ')}`
  if ('const' in record) return JSON.stringify(record.const)
  if (Array.isArray(record.anyOf)) {
    const branches = record.anyOf as Schema[]
    const tag = discriminator(branches)
    if (tag !== undefined) return `a mapping with a ${tag}`
    return [...new Set(branches.map((branch) => expectedPhrase(branch as TSchema)))].join(' or ')
  }
  switch (record.type) {
    case 'string':
      if (typeof record.pattern === 'string') return `text matching /${record.pattern}/`
      return record.minLength === 1 ? 'a non-empty string' : 'a string'
    case 'integer':
    case 'number': {
      const noun = record.type === 'integer' ? 'an integer' : 'a number'
      if (typeof record.minimum === 'number') return `${noun} ≥ ${record.minimum}`
      if (typeof record.exclusiveMinimum === 'number') return `${noun} > ${record.exclusiveMinimum}`
      return noun
    }
    case 'boolean':
      return 'true or false'
    case 'null':
      return 'null'
    case 'array':
      return record.minItems === 1 ? 'a non-empty list' : 'a list'
    case 'object':
      return 'a mapping'
    default:
      return 'a value'
  }
}

/** A union of objects that share a property holding a different literal in each branch (`role`, `kind`). */
function discriminator(branches: Schema[]): string | undefined {
  const first = branches[0]
  if (first?.type !== 'object' || !isMapping(first.properties)) return undefined
  for (const key of Object.keys(first.properties)) {
    const tags = branches.map((branch) => (branch.properties as Record<string, Schema> | undefined)?.[key])
    if (tags.every((tag) => tag !== undefined && 'const' in tag)) return key
  }
  return undefined
}

interface Walker {
  readonly issues: DocumentIssue[]
}

function report(walker: Walker, segments: Segments, message: string): void {
  walker.issues.push({ segments: [...segments], path: formatDocumentPath(segments), message })
}

function expected(walker: Walker, schema: TSchema | Schema, value: unknown, segments: Segments): void {
  report(walker, segments, `expected ${expectedPhrase(schema as TSchema)}, got ${shown(value)}`)
}

function walk(walker: Walker, schema: Schema, value: unknown, segments: Segments, context = ''): void {
  const values = literals(schema)
  if (values) walkLiterals(walker, schema, values, value, segments)
  else if (Array.isArray(schema.anyOf)) walkUnion(walker, schema, value, segments)
  else if (schema.type === 'object') walkObject(walker, schema, value, segments, context)
  else if (schema.type === 'array') walkArray(walker, schema, value, segments)
  else if (!Value.Check(schema, value)) expected(walker, schema, value, segments)
}

function walkArray(walker: Walker, schema: Schema, value: unknown, segments: Segments): void {
  if (!Array.isArray(value) || (typeof schema.minItems === 'number' && value.length < schema.minItems)) {
    expected(walker, schema, value, segments)
    return
  }
  const items = schema.items as Schema | undefined
  if (!items) return
  value.forEach((item, index) => {
    walk(walker, items, item, [...segments, index])
  })
}

/** An enum or a union of literals: an unknown text value is named as such, with the choices. */
function walkLiterals(walker: Walker, schema: Schema, values: unknown[], value: unknown, segments: Segments): void {
  if (values.includes(value)) return
  const key = segments.at(-1)
  if (typeof value === 'string' && typeof key === 'string' && typeof schema[EXPECTED] !== 'string')
    report(walker, segments, `unknown ${key} ${shown(value)}; expected ${expectedPhrase(schema as TSchema)}`)
  else expected(walker, schema, value, segments)
}

function walkUnion(walker: Walker, schema: Schema, value: unknown, segments: Segments): void {
  const branches = schema.anyOf as Schema[]
  const tag = isMapping(value) ? discriminator(branches) : undefined
  if (tag !== undefined && isMapping(value)) {
    walkTagged(walker, branches, tag, value, segments)
    return
  }
  const type = jsonType(value)
  const candidates = branches.filter((branch) => {
    const types = acceptedTypes(branch)
    return types === undefined || types.includes(type) || (type === 'integer' && types.includes('number'))
  })
  if (candidates.some((branch) => Value.Check(branch, value))) return
  const chosen = candidates.length === 1 ? candidates[0] : closestObject(candidates, value)
  if (chosen) walk(walker, chosen, value, segments)
  else expected(walker, schema, value, segments)
}

/**
 * Among object branches, the one declaring the most of the value's keys, when exactly one
 * does: `{prefix: "Bearer "}` is checked as the `{header, prefix}` branch, not `{query}`.
 */
function closestObject(branches: Schema[], value: unknown): Schema | undefined {
  if (!isMapping(value)) return undefined
  const keys = Object.keys(value)
  const scored = branches.map((branch) => ({
    branch,
    score: keys.filter((key) => Object.hasOwn((branch.properties ?? {}) as object, key)).length,
  }))
  const best = Math.max(...scored.map((entry) => entry.score))
  const top = scored.filter((entry) => entry.score === best)
  return best > 0 && top.length === 1 ? top[0]!.branch : undefined
}

/** A tagged union: the branch whose tag literal equals the value's tag, or an issue naming the tags. */
function walkTagged(
  walker: Walker,
  branches: Schema[],
  tag: string,
  value: Record<string, unknown>,
  segments: Segments,
): void {
  const tags = branches.map((branch) => (branch.properties as Record<string, Schema>)[tag]!.const)
  const index = tags.indexOf(value[tag])
  if (index >= 0) {
    walk(walker, branches[index]!, value, segments, ` for ${tag} ${String(value[tag])}`)
    return
  }
  const list = tags.map(String).join(', ')
  const message =
    value[tag] === undefined
      ? `missing ${tag}; expected one of ${list}`
      : `unknown ${tag} ${shown(value[tag])}; expected one of ${list}`
  report(walker, [...segments, tag], message)
}

function walkObject(walker: Walker, schema: Schema, value: unknown, segments: Segments, context: string): void {
  if (!isMapping(value)) {
    expected(walker, schema, value, segments)
    return
  }
  const properties = (schema.properties ?? {}) as Record<string, Schema>
  const patterns = Object.values((schema.patternProperties ?? {}) as Record<string, Schema>)
  const rest = isMapping(schema.additionalProperties) ? (schema.additionalProperties as Schema) : undefined
  if (schema.additionalProperties === false && patterns.length === 0) {
    const known = Object.keys(properties)
    for (const key of Object.keys(value)) {
      if (!Object.hasOwn(properties, key))
        report(walker, [...segments, key], `unknown key "${key}"${context}; expected one of ${known.join(', ')}`)
    }
  }
  const required = new Set((schema.required as string[] | undefined) ?? [])
  for (const [key, property] of Object.entries(properties)) {
    const inner = value[key]
    if (inner !== undefined) walk(walker, property, inner, [...segments, key])
    else if (required.has(key)) expected(walker, property, undefined, [...segments, key])
  }
  const open = patterns[0] ?? rest
  if (open) {
    for (const [key, inner] of Object.entries(value)) {
      if (!Object.hasOwn(properties, key)) walk(walker, open, inner, [...segments, key])
    }
  }
  if (typeof schema.minProperties === 'number' && Object.keys(value).length < schema.minProperties)
    expected(walker, schema, value, segments)
}

/**
 * Checks a parsed document (a spec file, a connections file, a response body) against a
 * typebox schema and reports **every** problem with its path, never just the first. Messages
 * say what was expected and what arrived: unknown keys list the known ones (naming the
 * branch of a tagged union: `unknown key "max" for role page`), a literal union names the
 * choices (`unknown op "gtt"; expected one of eq, ne`), a tagged union (objects told apart by
 * one literal property such as `role`) is checked against the branch its tag selects, and
 * other mismatches read `expected <phrase>, got <value>` (the schema's `x-expected`, see
 * {@link EXPECTED}). Values in messages are shortened and redacted. An empty list means valid.
 * @example
 * const issues = documentIssues(SpecSchema, parse(text))
 * for (const issue of issues) console.error(`${file}: ${issue.path}: ${issue.message}`)
 */
export function documentIssues(schema: TSchema, value: unknown): DocumentIssue[] {
  const walker: Walker = { issues: [] }
  walk(walker, schema as Schema, value, [])
  return walker.issues
}
