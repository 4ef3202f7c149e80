import type { ServerResponse } from 'node:http'
import type { Fault } from '../types.ts'
import type { Served } from './encode.ts'

/** Writes a response, whole. */
export function writeServed(response: ServerResponse, served: Served): void {
  if (response.destroyed) return
  response.writeHead(served.status, { ...served.headers, 'content-length': Buffer.byteLength(served.body) })
  response.end(served.body)
}

/** A status fault's response: the status, an optional `Retry-After` exactly as given, and a JSON error body. */
export function faultResponse(fault: Extract<Fault, { kind: 'status' }>): Served {
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    ...(fault.headers ?? {}),
  }
  if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter
  const body = fault.body ?? JSON.stringify({ error: 'injected fault', status: fault.status })
  return { status: fault.status, headers, body }
}

/**
 * `reset`: announces the full length, sends the headers and half the body, then destroys the
 * socket, so the client sees a network error while reading the body.
 */
export function writeReset(response: ServerResponse, served: Served): void {
  if (response.destroyed) return
  const body = typeof served.body === 'string' ? Buffer.from(served.body, 'utf8') : served.body
  response.writeHead(served.status, { ...served.headers, 'content-length': body.length })
  response.flushHeaders()
  response.write(body.subarray(0, Math.floor(body.length / 2)), () => response.socket?.destroy())
}

/**
 * `truncate`: a complete HTTP message (valid status, matching Content-Length, connection
 * closed) whose JSON body stops half way, so the client's JSON parse fails.
 */
export function writeTruncated(response: ServerResponse, served: Served): void {
  if (response.destroyed) return
  const body = typeof served.body === 'string' ? Buffer.from(served.body, 'utf8') : served.body
  const cut = body.subarray(0, Math.max(1, Math.floor(body.length / 2)))
  response.writeHead(served.status, { ...served.headers, 'content-length': cut.length, connection: 'close' })
  response.end(cut)
}
