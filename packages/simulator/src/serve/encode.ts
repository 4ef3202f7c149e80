import { gzipSync } from 'node:zlib'
import { toCsv, writeZip } from '@lakeflow/core/formats'
import type { Rec } from '../corpus/view.ts'
import type { EndpointSpec } from '../types.ts'
import { getPath } from '../util/dotted.ts'

/** A response ready to write. */
export interface Served {
  status: number
  headers: Record<string, string>
  body: string | Buffer
}

/** A JSON response; the body is serialised once. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Served {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  }
}

const CONTENT_TYPES = { ndjson: 'application/x-ndjson', csv: 'text/csv; charset=utf-8' } as const
const EXTENSIONS = { json: 'json', ndjson: 'ndjson', csv: 'csv' } as const

/** A page as NDJSON lines or CSV rows (a header row of `csv.columns`, else of the page's top-level keys). */
function recordsText(endpoint: EndpointSpec, records: Rec[], format: 'ndjson' | 'csv'): string {
  if (format === 'ndjson') return records.map((record) => `${JSON.stringify(record)}\n`).join('')
  const settings = endpoint.response?.csv ?? {}
  const columns = settings.columns ?? [...new Set(records.flatMap((record) => Object.keys(record)))]
  if (columns.length === 0) return ''
  const rows = records.map((record) => columns.map((column) => getPath(record, column)))
  return toCsv([columns, ...rows], { bom: settings.bom, delimiter: settings.delimiter })
}

/** Renders a page in the endpoint's body format (JSON, NDJSON, CSV), packed as the spec says (see {@link pack}). */
export function encodePage(
  endpoint: EndpointSpec,
  status: number,
  body: unknown,
  records: Rec[],
  headers: Record<string, string>,
): Served {
  const format = endpoint.response?.format ?? 'json'
  if (format === 'json') return pack(endpoint, json(status, body, headers))
  const contentType = { 'content-type': CONTENT_TYPES[format], ...headers }
  return pack(endpoint, { status, headers: contentType, body: recordsText(endpoint, records, format) })
}

/**
 * Packs a body as the spec says: a `.gz` file or a ZIP archive holding one file
 * (`archive`), and/or `Content-Encoding: gzip` (`encoding`).
 */
export function pack(endpoint: EndpointSpec, rendered: Served): Served {
  const response = endpoint.response ?? {}
  const format = response.format ?? 'json'
  let served = rendered
  const archive = response.archive
  if (archive?.type === 'gzip') {
    served = {
      ...served,
      headers: { ...served.headers, 'content-type': 'application/gzip' },
      body: gzipSync(served.body),
    }
  } else if (archive?.type === 'zip') {
    const name = archive.entry ?? `${endpoint.corpus ?? 'data'}.${EXTENSIONS[format]}`
    const data = Buffer.from(served.body)
    served = {
      ...served,
      headers: { ...served.headers, 'content-type': 'application/zip' },
      body: writeZip([{ name, data }], { dataDescriptor: archive.data_descriptor }),
    }
  }
  if (response.encoding === 'gzip')
    served = { ...served, headers: { ...served.headers, 'content-encoding': 'gzip' }, body: gzipSync(served.body) }
  return served
}

/** A single-entity corpus value that is text (an NDJSON export, say), served as it is. */
export function text(value: string | number | boolean, headers: Record<string, string>): Served {
  return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }, body: String(value) }
}
