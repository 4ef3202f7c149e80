import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { RawRecord } from '@lakeflow/core/connector'
import type { SimulatorClock, SimulatorMutations, SourceSpec } from '@lakeflow/simulator'
import { keyOf } from '../records.ts'

/** How a file fixture stands in for a file source (see {@link FileFixture}). */
export interface FileSourceConfig {
  /**
   * The records each corpus starts with (as a simulator corpus): an object of arrays, or a
   * directory of `<corpus>.json` files.
   */
  corpus: Record<string, RawRecord[]> | string
  /** Each corpus's primary key, as a simulator spec declares its corpora. */
  corpora: Record<string, { primary_key: string[] }>
  /**
   * One file holding `records` of `corpus`: its name (unique per `sequence`, relative to the
   * directory, may hold subdirectories) and content. The content of several calls must
   * concatenate into a valid file (the memory check appends chunks).
   * @example (corpus, records, n) => ({ name: `${corpus}-${n}.ndjson`, content: records.map((r) => JSON.stringify(r)).join('\n') + '\n' })
   */
  render(
    corpus: string,
    records: readonly RawRecord[],
    sequence: number,
  ): { name: string; content: string | Uint8Array }
  /** Records per file when the starting corpus is written. @default 1 */
  recordsPerFile?: number
  /** Files written as they are besides the corpus (samples, bad input): a directory, or name → content. */
  extraFiles?: string | Record<string, string | Uint8Array>
}

/** Fields a file fixture adds to the records it reports: where each record is. */
export interface FilePlacement {
  /** Absolute path of the file holding the record. */
  $file: string
  /** The file's modification time, ms since the epoch. */
  $modifiedMs: number
  /** 1-based position of the record in its file. */
  $index: number
}

interface StoredFile {
  readonly corpus: string
  records: RawRecord[]
  modifiedMs: number
  readonly name: string
}

const asPath = (value: string) => (value.startsWith('file:') ? fileURLToPath(value) : value)

function loadCorpus(corpus: FileSourceConfig['corpus']): Record<string, RawRecord[]> {
  if (typeof corpus !== 'string') return structuredClone(corpus)
  const directory = asPath(corpus)
  const out: Record<string, RawRecord[]> = {}
  for (const name of readdirSync(directory)) {
    if (name.endsWith('.json')) out[name.slice(0, -5)] = JSON.parse(readFileSync(join(directory, name), 'utf8'))
  }
  return out
}

function loadExtra(extra: FileSourceConfig['extraFiles']): Record<string, string | Uint8Array> {
  if (extra === undefined) return {}
  if (typeof extra !== 'string') return extra
  const directory = asPath(extra)
  const out: Record<string, Uint8Array> = {}
  const walk = (relative: string) => {
    for (const entry of readdirSync(join(directory, relative), { withFileTypes: true })) {
      const path = relative ? `${relative}/${entry.name}` : entry.name
      if (entry.isDirectory()) walk(path)
      else out[path] = readFileSync(join(directory, path))
    }
  }
  walk('')
  return out
}

/**
 * A directory standing in for a file source, with the simulator's mutation API, so the
 * contract suite's checks that write records (completeness, crash/resume, ties, write-back)
 * run against file connectors: an insert writes a new file, `insertMany` one file holding
 * all the records, an update rewrites the record's file, a delete rewrites or removes it.
 * Every file written gets the fixture clock's time as its modification time. Before each
 * check the directory is emptied (hidden state included) and the starting corpus written again.
 */
export class FileFixture {
  readonly config: FileSourceConfig
  #directory: string | undefined
  #now = Date.now()
  #start = this.#now
  #sequence = 0
  #files = new Map<string, StoredFile>()

  constructor(config: FileSourceConfig) {
    this.config = config
  }

  /** The directory (after `start`). */
  get directory(): string {
    if (!this.#directory) throw new Error('the file fixture is not started')
    return this.#directory
  }

  /** A simulator-shaped spec declaring the corpora (no endpoints), for the checks' key lookups. */
  get spec(): SourceSpec {
    return { endpoints: [], corpora: this.config.corpora }
  }

  /** Creates the directory and writes the starting files. */
  async start(): Promise<string> {
    this.#directory = mkdtempSync(join(tmpdir(), 'lakeflow-files-'))
    this.#start = Date.now()
    this.reset()
    return this.#directory
  }

  /** Removes the directory. */
  async stop(): Promise<void> {
    if (this.#directory) rmSync(this.#directory, { recursive: true, force: true })
    this.#directory = undefined
  }

  /** Empties the directory and writes the starting corpus and extra files again, at the start time. */
  reset(): void {
    const directory = this.directory
    for (const entry of readdirSync(directory)) rmSync(join(directory, entry), { recursive: true, force: true })
    this.#files.clear()
    this.#sequence = 0
    this.#now = this.#start
    for (const [name, content] of Object.entries(loadExtra(this.config.extraFiles)))
      this.writeRaw(name, content, this.#start)
    const perFile = Math.max(1, this.config.recordsPerFile ?? 1)
    for (const [corpus, records] of Object.entries(loadCorpus(this.config.corpus))) {
      for (let at = 0; at < records.length; at += perFile) this.#write(corpus, records.slice(at, at + perFile))
    }
  }

  /** The simulated time: the modification time of files written next. */
  readonly clock: SimulatorClock = {
    now: () => new Date(this.#now).toISOString(),
    set: (iso) => {
      this.#now = Date.parse(iso)
    },
    advance: (seconds) => {
      this.#now += seconds * 1000
    },
  }

  /** The simulator's mutation API, over files. */
  readonly data: SimulatorMutations = {
    insert: (corpus, record) => {
      this.#assertNew(corpus, [record])
      this.#write(corpus, [structuredClone(record)])
    },
    insertMany: (corpus, records) => {
      this.#assertNew(corpus, records)
      this.#write(corpus, structuredClone(records))
    },
    update: (corpus, key, changes) => {
      const { file, index } = this.#find(corpus, key)
      file.records[index] = { ...file.records[index], ...structuredClone(changes) }
      this.#rewrite(file)
    },
    delete: (corpus, key) => {
      const { file, index } = this.#find(corpus, key)
      file.records.splice(index, 1)
      this.#rewrite(file)
    },
    records: (corpus) => {
      const out: (RawRecord & FilePlacement)[] = []
      for (const [path, file] of this.#files) {
        if (file.corpus !== corpus) continue
        for (const [index, record] of file.records.entries()) {
          out.push({ ...structuredClone(record), $file: path, $modifiedMs: file.modifiedMs, $index: index + 1 })
        }
      }
      return out
    },
    tombstones: () => [],
  }

  /** Writes a file as given (relative name), with a modification time (default: the clock's). */
  writeRaw(name: string, content: string | Uint8Array, modifiedMs = this.#now): string {
    const path = join(this.directory, name)
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, content)
    this.touch(path, modifiedMs)
    return path
  }

  /** Sets a file's modification time without changing its content. */
  touch(path: string, modifiedMs: number): void {
    utimesSync(path, new Date(modifiedMs), new Date(modifiedMs))
    const stored = this.#files.get(path)
    if (stored) stored.modifiedMs = statSync(path).mtimeMs
  }

  /** Writes records of a corpus as one new file, at a given modification time; returns its path. */
  writeRecords(corpus: string, records: readonly RawRecord[], modifiedMs = this.#now): string {
    this.#assertNew(corpus, records)
    return this.#write(corpus, structuredClone([...records]), modifiedMs)
  }

  /** Replaces the records of a file written by the fixture (same name, new content, the clock's time). */
  rewrite(path: string, records: readonly RawRecord[]): void {
    const file = this.#files.get(path)
    if (!file) throw new Error(`file fixture: ${path} was not written by the fixture`)
    const removed = file.records
    file.records = []
    try {
      this.#assertNew(file.corpus, records)
    } catch (error) {
      file.records = removed
      throw error
    }
    file.records = structuredClone([...records])
    this.#rewrite(file)
  }

  /**
   * Writes `count` records (from `template`) into one file in a fresh directory, in chunks,
   * for the bounded-memory check. Returns the directory and a function removing it.
   */
  generated(
    corpus: string,
    count: number,
    template: (index: number) => RawRecord,
  ): { directory: string; remove(): void } {
    const directory = mkdtempSync(join(tmpdir(), 'lakeflow-files-large-'))
    const chunk = 1000
    let path: string | undefined
    for (let at = 0; at < count; at += chunk) {
      const records = Array.from({ length: Math.min(chunk, count - at) }, (_, index) => template(at + index))
      const { name, content } = this.config.render(corpus, records, 0)
      path ??= join(directory, name)
      mkdirSync(dirname(path), { recursive: true })
      writeFileSync(path, content, { flag: at === 0 ? 'w' : 'a' })
    }
    return { directory, remove: () => rmSync(directory, { recursive: true, force: true }) }
  }

  #assertNew(corpus: string, records: readonly RawRecord[]): void {
    const key = this.config.corpora[corpus]?.primary_key
    if (!key) throw new Error(`file fixture: corpus "${corpus}" is not declared in corpora`)
    const existing = new Set(this.data.records(corpus).map((record) => keyOf(record, key)))
    for (const record of records) {
      if (existing.has(keyOf(record, key)))
        throw new Error(`file fixture: ${corpus} already has a record ${keyOf(record, key)}`)
    }
  }

  #find(corpus: string, key: Record<string, unknown>): { file: StoredFile; index: number } {
    const fields = this.config.corpora[corpus]?.primary_key ?? Object.keys(key)
    const wanted = keyOf(key, fields)
    for (const file of this.#files.values()) {
      if (file.corpus !== corpus) continue
      const index = file.records.findIndex((record) => keyOf(record, fields) === wanted)
      if (index !== -1) return { file, index }
    }
    throw new Error(`file fixture: ${corpus} has no record ${wanted}`)
  }

  #write(corpus: string, records: RawRecord[], modifiedMs = this.#now): string {
    const { name, content } = this.config.render(corpus, records, ++this.#sequence)
    const path = this.writeRaw(name, content, modifiedMs)
    this.#files.set(path, { corpus, records, modifiedMs: statSync(path).mtimeMs, name })
    return path
  }

  #rewrite(file: StoredFile): void {
    const path = join(this.directory, file.name)
    if (file.records.length === 0) {
      rmSync(path, { force: true })
      this.#files.delete(path)
      return
    }
    const { content } = this.config.render(file.corpus, file.records, ++this.#sequence)
    this.writeRaw(file.name, content)
    file.modifiedMs = statSync(path).mtimeMs
  }
}
