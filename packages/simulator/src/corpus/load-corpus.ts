import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { formatIssue, SimulatorSpecError, type SpecIssue } from '../errors.ts'
import type { SourceSpec } from '../types.ts'
import { getPath } from '../util/dotted.ts'
import { GeneratedTable, isGeneratedCorpus } from './generated-table.ts'
import { MemoryTable } from './memory-table.ts'
import type { Table, TableSettings } from './table.ts'
import type { Rec } from './view.ts'

const TOMBSTONES = '.tombstones'

/** Corpus values by name: lists of records, single objects, generated corpora, `<name>.tombstones` lists. */
export type CorpusInput = Record<string, unknown>

/**
 * Reads `<dir>/<name>.json` for every corpus the spec uses or declares, plus optional
 * `<dir>/<name>.tombstones.json`. A referenced corpus without a file is an error naming it.
 */
export function readCorpusDir(dir: string, spec: SourceSpec, specFile: string): CorpusInput {
  const root = resolve(dir)
  const input: CorpusInput = {}
  const issues: SpecIssue[] = []
  for (const name of corpusNames(spec)) {
    for (const stem of [name, `${name}${TOMBSTONES}`]) {
      const file = join(root, `${stem}.json`)
      if (!existsSync(file)) continue
      try {
        input[stem] = JSON.parse(readFileSync(file, 'utf8'))
      } catch (error) {
        issues.push({ path: `corpus ${file}`, message: `not valid JSON: ${(error as Error).message}` })
      }
    }
  }
  if (issues.length > 0) throw new SimulatorSpecError(specFile, issues)
  return input
}

function corpusNames(spec: SourceSpec): Set<string> {
  const names = new Set(Object.keys(spec.corpora ?? {}))
  // A handler endpoint is never served here, so its corpus is neither needed nor checked.
  for (const endpoint of spec.endpoints) if (endpoint.corpus && endpoint.handler === undefined) names.add(endpoint.corpus)
  return names
}

/** Tables and single-entity values built from a spec and corpus input. */
export interface Corpus {
  tables: Map<string, Table>
  /** Single-entity corpora: an object served as JSON, or text (a string, number or boolean) served as it is. */
  singles: Map<string, Rec | string | number | boolean>
  /** What lenient loading accepted, one line each. */
  warnings: string[]
}

/**
 * Builds the corpus, checking it against the spec: every referenced corpus exists, lists hold
 * objects, primary keys are unique, single-entity endpoints get an object (or a list with
 * path filters), list endpoints get a list.
 */
export function buildCorpus(
  spec: SourceSpec,
  specFile: string,
  input: CorpusInput,
  where: string,
  nowMs: number,
  lenient = false,
): Corpus {
  const issues: SpecIssue[] = []
  const warnings: string[] = []
  const tables = new Map<string, Table>()
  const singles: Corpus['singles'] = new Map()
  const names = new Set([...Object.keys(input).filter((name) => !name.endsWith(TOMBSTONES)), ...corpusNames(spec)])
  for (const name of names) {
    const value = input[name]
    const declared = spec.corpora?.[name]
    if (value === undefined) {
      const user = spec.endpoints.findIndex((endpoint) => endpoint.corpus === name && endpoint.handler === undefined)
      const expected = where.startsWith('/') ? `expected ${join(where, `${name}.json`)}` : `not in ${where}`
      const issue: SpecIssue =
        user >= 0
          ? {
              path: `endpoints[${user}].corpus`,
              endpoint: `${spec.endpoints[user]!.method} ${spec.endpoints[user]!.path}`,
              message: `corpus "${name}" not found: ${expected}`,
            }
          : { path: `corpora.${name}`, message: `corpus "${name}" not found: ${expected}` }
      if (!lenient) {
        issues.push(issue)
        continue
      }
      warnings.push(`${specFile}: ${formatIssue(issue)}; served empty`)
      const single = user >= 0 && spec.endpoints[user]!.response?.single_entity
      if (single) singles.set(name, {})
      else tables.set(name, new MemoryTable({ name, primaryKey: declared?.primary_key ?? [], cursorFormat: 'iso', tombstoneFields: [] }, []))
      continue
    }
    const settings: TableSettings = {
      name,
      primaryKey: declared?.primary_key ?? inferKey(value),
      cursorField: declared?.cursor_field,
      cursorFormat: declared?.cursor_format ?? 'iso',
      tombstoneFields: declared?.tombstone_fields ?? [],
    }
    if (isGeneratedCorpus(value)) tables.set(name, new GeneratedTable(settings, value))
    else if (Array.isArray(value)) {
      const tombstones = input[`${name}${TOMBSTONES}`] ?? []
      const problems = [...checkRecords(name, value, settings), ...checkRecords(`${name}${TOMBSTONES}`, tombstones, settings)]
      if (problems.length > 0) issues.push(...problems)
      else tables.set(name, new MemoryTable(settings, value as Rec[], tombstones as Rec[]))
    } else if (value !== null && typeof value === 'object') singles.set(name, value as Rec)
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') singles.set(name, value)
    else issues.push({ path: `corpus ${name}`, message: `expected a list of records, one object or text, got ${value === null ? 'null' : typeof value}` })
  }
  spec.endpoints.forEach((endpoint, index) => {
    if (!endpoint.corpus || endpoint.handler !== undefined) return
    const label = `${endpoint.method} ${endpoint.path}`
    const at = `endpoints[${index}].corpus`
    const table = tables.get(endpoint.corpus)
    if (!endpoint.response?.single_entity && singles.has(endpoint.corpus) && endpoint.handler === undefined) {
      const kind = typeof singles.get(endpoint.corpus) === 'object' ? 'one object' : 'text'
      issues.push({ path: at, endpoint: label, message: `corpus "${endpoint.corpus}" is ${kind}, but the endpoint serves a list; set response.single_entity: true` })
    }
    const style = endpoint.response?.pagination_style
    if (table && (style === 'cursor_token' || style === 'next_url' || style === 'link_header_cursor') && table.settings.primaryKey.length === 0)
      issues.push({ path: at, endpoint: label, message: `${style} pagination breaks ties by primary key: declare corpora.${endpoint.corpus}.primary_key` })
    const synthesis = endpoint.synthesize_future_records
    if (synthesis && table) {
      if (table instanceof MemoryTable) table.synthesizeFuture(synthesis.cursor_field, synthesis.count ?? 3, nowMs)
      else issues.push({ path: `endpoints[${index}].synthesize_future_records`, endpoint: label, message: `corpus "${endpoint.corpus}" is generated; give its template future records instead` })
    }
  })
  if (issues.length > 0) throw new SimulatorSpecError(specFile, issues)
  return { tables, singles, warnings }
}

function inferKey(value: unknown): string[] {
  const first = Array.isArray(value) ? value[0] : isGeneratedCorpus(value) && value.count > 0 ? value.template(0) : undefined
  return first !== null && typeof first === 'object' && 'id' in first ? ['id'] : []
}

function checkRecords(name: string, value: unknown, settings: TableSettings): SpecIssue[] {
  if (!Array.isArray(value)) return [{ path: `corpus ${name}`, message: `expected a list of records, got ${typeof value}` }]
  const issues: SpecIssue[] = []
  const seen = new Map<string, number>()
  value.forEach((record, index) => {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      issues.push({ path: `corpus ${name}[${index}]`, message: `expected a record object, got ${JSON.stringify(record)?.slice(0, 60)}` })
      return
    }
    if (settings.primaryKey.length === 0 || name.endsWith(TOMBSTONES)) return
    const key = JSON.stringify(settings.primaryKey.map((field) => getPath(record, field) ?? null))
    const first = seen.get(key)
    if (first !== undefined)
      issues.push({ path: `corpus ${name}[${index}]`, message: `duplicate primary key ${key} (${settings.primaryKey.join(', ')}); first at [${first}]` })
    else seen.set(key, index)
  })
  return issues.slice(0, 20)
}
