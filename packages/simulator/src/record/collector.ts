import type { CompiledEndpoint } from '../serve/match.ts'
import type { SourceSpec } from '../types.ts'
import { getPath } from '../util/dotted.ts'
import { REDACTED_RESPONSE_HEADERS, REDACTED_SECRET, type ScrubOptions, scrubText, scrubValue } from './scrub.ts'

/** Fields tried, in order, as a record's identity when the spec declares no primary key (upstream's list). */
const IDENTITY_FIELDS = ['id', 'sha', 'uuid', 'node_id', 'name']

interface EndpointReport {
  endpoint: string
  requests: number
  statuses: Record<string, number>
  response_headers?: Record<string, string>
}

/** Collects scrubbed, deduplicated records per corpus table while a recording runs. */
export class CorpusCollector {
  readonly #spec: SourceSpec
  readonly #sampleSize: number
  readonly #scrub: ScrubOptions
  readonly #lists = new Map<string, Map<string, Record<string, unknown>>>()
  readonly #singles = new Map<string, Record<string, unknown>>()
  readonly #reports = new Map<string, EndpointReport>()
  readonly #unmatched = new Set<string>()

  constructor(spec: SourceSpec, sampleSize: number, scrub: ScrubOptions) {
    this.#spec = spec
    this.#sampleSize = sampleSize
    this.#scrub = scrub
  }

  observe(
    endpoint: CompiledEndpoint | undefined,
    method: string,
    path: string,
    response: Response,
    text: string,
    secrets: string[],
  ): void {
    if (!endpoint) {
      this.#unmatched.add(`${method} ${path}`)
      return
    }
    let report = this.#reports.get(endpoint.label)
    if (!report) {
      report = { endpoint: endpoint.label, requests: 0, statuses: {} }
      this.#reports.set(endpoint.label, report)
    }
    report.requests++
    report.statuses[response.status] = (report.statuses[response.status] ?? 0) + 1
    if (response.status < 200 || response.status >= 300 || !endpoint.spec.corpus) return
    report.response_headers ??= storedHeaders(response.headers, secrets)
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      return
    }
    const corpus = endpoint.spec.corpus
    const records = recordsOf(endpoint, body).map(
      (record) => scrubValue(record, this.#scrub, secrets) as Record<string, unknown>,
    )
    const listCorpus =
      !endpoint.spec.response?.single_entity || Object.keys(endpoint.spec.path_filters ?? {}).length > 0
    if (!listCorpus) {
      if (records[0]) this.#singles.set(corpus, records[0])
      return
    }
    const name = endpoint.spec.deleted ? `${corpus}.tombstones` : corpus
    let table = this.#lists.get(name)
    if (!table) {
      table = new Map()
      this.#lists.set(name, table)
    }
    for (const record of records) {
      const key = this.#identity(corpus, record)
      if (table.has(key) || table.size >= this.#sampleSize) continue
      table.set(key, record)
    }
  }

  #identity(corpus: string, record: Record<string, unknown>): string {
    const declared = this.#spec.corpora?.[corpus]?.primary_key
    const fields = declared ?? IDENTITY_FIELDS.filter((field) => getPath(record, field) !== undefined).slice(0, 1)
    if (fields.length === 0) return JSON.stringify(record)
    return JSON.stringify(fields.map((field) => getPath(record, field) ?? null))
  }

  tables(): [string, unknown][] {
    return [
      ...[...this.#lists].map(([name, table]): [string, unknown] => [name, [...table.values()]]),
      ...this.#singles,
    ]
  }

  counts(): Record<string, number> {
    const counts: Record<string, number> = {}
    for (const [name, table] of this.#lists) counts[name] = table.size
    for (const name of this.#singles.keys()) counts[name] = 1
    return counts
  }

  unmatched(): string[] {
    return [...this.#unmatched]
  }

  report(): { endpoints: EndpointReport[]; unmatched: string[] } {
    return { endpoints: [...this.#reports.values()], unmatched: this.unmatched() }
  }
}

/** Records of a response body for an endpoint: the wrapper's records list, the body list, or the single entity. */
function recordsOf(endpoint: CompiledEndpoint, body: unknown): Record<string, unknown>[] {
  const response = endpoint.spec.response ?? {}
  if (response.single_entity)
    return body !== null && typeof body === 'object' && !Array.isArray(body) ? [body as Record<string, unknown>] : []
  const list = response.wrapper ? getPath(body, response.wrapper.records_key) : body
  return Array.isArray(list)
    ? list.filter((item) => item !== null && typeof item === 'object' && !Array.isArray(item))
    : []
}

/** Response headers as stored: upstream's secret-bearing headers and any credential value redacted. */
function storedHeaders(headers: Headers, secrets: readonly string[]): Record<string, string> {
  const stored: Record<string, string> = {}
  headers.forEach((value, name) => {
    stored[name] = REDACTED_RESPONSE_HEADERS.has(name) ? REDACTED_SECRET : scrubText(value, secrets)
  })
  return stored
}
