import type { EndpointSpec, ParamSpec } from '../types.ts'
import { getPath } from '../util/dotted.ts'

/** What a request sends that params can read: its query and its parsed JSON body. */
export interface RequestInputs {
  /** Query parameters (the last value of a repeated one). */
  query: Record<string, string>
  /** The parsed JSON body; `undefined` without one. */
  body: unknown
}

/** A param the endpoint declares, where it is read from, and its value in one request. */
export interface DeclaredParam {
  /** Query parameter name, or dotted path into the JSON body. */
  name: string
  param: ParamSpec
  inBody: boolean
}

/** The endpoint's query params then its body params, in declaration order. */
export function declaredParams(endpoint: EndpointSpec): DeclaredParam[] {
  return [
    ...Object.entries(endpoint.params ?? {}).map(([name, param]) => ({ name, param, inBody: false })),
    ...Object.entries(endpoint.body ?? {}).map(([name, param]) => ({ name, param, inBody: true })),
  ]
}

/** The param declared with a role (at most one per endpoint), if any. */
export function roleParam(endpoint: EndpointSpec, role: ParamSpec['role']): DeclaredParam | undefined {
  return declaredParams(endpoint).find((declared) => declared.param.role === role)
}

/** The raw value of a declared param in a request (a body value as it is, a query value as text). */
export function rawValue(declared: DeclaredParam, inputs: RequestInputs): unknown {
  return declared.inBody ? getPath(inputs.body, declared.name) : inputs.query[declared.name]
}

/**
 * The value of a declared param as query-like text: body numbers and booleans as text, a
 * list as its items joined by commas (for `in`), anything else (objects, null) as absent.
 */
export function textValue(declared: DeclaredParam, inputs: RequestInputs): string | undefined {
  const value = rawValue(declared, inputs)
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value) && value.every((item) => ['string', 'number', 'boolean'].includes(typeof item)))
    return value.join(',')
  return undefined
}

/** The text value of the param declared with `role`, with its declaration. */
export function roleValue(
  endpoint: EndpointSpec,
  inputs: RequestInputs,
  role: ParamSpec['role'],
): { declared: DeclaredParam; value: string | undefined } | undefined {
  const declared = roleParam(endpoint, role)
  return declared && { declared, value: textValue(declared, inputs) }
}
