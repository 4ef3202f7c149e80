import type { IncomingMessage } from 'node:http'
import type { EndpointSpec } from '../types.ts'
import { json, type Served } from './encode.ts'
import type { CompiledEndpoint } from './match.ts'

/** Request bodies are read up to this size; a larger one is a 413. */
const MAX_BODY_BYTES = 1024 * 1024

/** The request body as text (undefined when empty), or a 413 when it is larger than 1 MiB. */
export async function readBody(request: IncomingMessage): Promise<{ text?: string; tooLarge?: Served }> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request) {
    size += (chunk as Buffer).length
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer)
  }
  if (size > MAX_BODY_BYTES)
    return {
      tooLarge: json(413, {
        error: `request body of ${size} bytes is larger than the simulator reads (1 MiB)`,
        status: 413,
      }),
    }
  return size === 0 ? {} : { text: Buffer.concat(chunks).toString('utf8') }
}

/** The JSON body an endpoint with `body` params reads; a 400 when it is not JSON. */
export function parseBody(endpoint: EndpointSpec, text: string | undefined): { body?: unknown; invalid?: Served } {
  if (text === undefined || Object.keys(endpoint.body ?? {}).length === 0) return {}
  try {
    return { body: JSON.parse(text) }
  } catch (error) {
    const reason = (error as Error).message.replace(/,? ".*" is not valid JSON$/s, '')
    return { invalid: json(400, { error: `request body is not valid JSON: ${reason}`, status: 400 }) }
  }
}

/**
 * An endpoint served by a Python handler in the original spec: it loads (so the rest of the
 * spec works) but cannot answer here. A 501 names the endpoint and the handler.
 */
export function unsupportedHandler(endpoint: CompiledEndpoint): Served | undefined {
  const handler = endpoint.spec.handler
  if (handler === undefined) return undefined
  return json(501, {
    error: `endpoints[${endpoint.index}] (${endpoint.label}) is served by the Python handler "${handler}", which cannot run in this simulator; describe the endpoint with params and response instead`,
    status: 501,
    endpoint: endpoint.label,
    handler,
  })
}

/**
 * 401 unless the declared credential is present: a header (with the prefix, and equal to the
 * value when one is set), or a query parameter (equal to the value when one is set).
 */
export function checkAuth(spec: EndpointSpec, request: IncomingMessage, url: URL): Served | undefined {
  const auth = spec.auth
  if (!auth) return undefined
  if ('query' in auth) {
    const sent = url.searchParams.get(auth.query)
    if (sent !== null && sent !== '' && (auth.value === undefined || sent === auth.value)) return undefined
    const problem = sent === null || sent === '' ? 'missing' : 'invalid'
    return json(401, { error: 'unauthorized', message: `${problem} ${auth.query} query parameter`, status: 401 })
  }
  const raw = request.headers[auth.header.toLowerCase()]
  const sent = Array.isArray(raw) ? raw[0] : raw
  const prefix = auth.prefix ?? ''
  const ok =
    sent?.startsWith(prefix) === true &&
    sent.length > prefix.length &&
    (auth.value === undefined || sent.slice(prefix.length) === auth.value)
  if (ok) return undefined
  const problem = sent === undefined ? 'missing' : 'invalid'
  const challenge: Record<string, string> = prefix.trim() ? { 'www-authenticate': prefix.trim() } : {}
  return json(401, { error: 'unauthorized', message: `${problem} ${auth.header} header`, status: 401 }, challenge)
}

/** `strict_params`: 400 for query params the endpoint does not declare (the auth query param is declared). */
export function checkParams(spec: EndpointSpec, query: Record<string, string>): Served | undefined {
  if (!spec.strict_params) return undefined
  const declared = Object.keys(spec.params ?? {})
  if (spec.auth && 'query' in spec.auth) declared.push(spec.auth.query)
  const unknown = Object.keys(query).filter((name) => !declared.includes(name))
  if (unknown.length === 0) return undefined
  return json(400, {
    error: `unknown query parameter(s) ${unknown.join(', ')}; declared: ${declared.join(', ') || '(none)'}`,
    status: 400,
  })
}
