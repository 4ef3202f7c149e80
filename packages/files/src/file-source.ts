import { createHash } from 'node:crypto'
import type { Offset } from '@lakeflow/core/connector'
import { type FileOffset, formatFileOffset, parseFileOffset } from './file-offset.ts'
import { type ManifestEntry, ManifestStore, type ProcessedFiles } from './manifest.ts'
import type { FileEntry, FileStorage, ListOptions, StateStore } from './storage.ts'

/** Settings of a {@link FileSource}. */
export interface FileSourceSettings extends Partial<ListOptions> {
  /** Where the files are. */
  readonly storage: FileStorage
  /** Where the manifests of processed files go (durable, shared by every reader of the source). */
  readonly state: StateStore
  /**
   * Files modified after this instant (ms since the epoch) are left for a later reader, so
   * a read reaches a fixed point while files keep arriving. It only defers files, never
   * skips them: a file copied in with an old modification time is read on the next call.
   * @default the time the source was created
   */
  readonly cap?: number
}

/** How one read call turns files into rows. */
export interface FileReadSettings<Unit, Row> {
  /** The table (for errors). */
  readonly table: string
  /**
   * The units (messages, records) of a file, in order. `open` streams the file from its
   * first byte and may be called more than once (a strict reader validating first).
   */
  units(file: FileEntry, open: () => AsyncIterable<Uint8Array>): AsyncIterable<Unit>
  /** The rows of one unit: none, one or many. */
  rows(unit: Unit, file: FileEntry): Iterable<Row>
  /** End the call once this many rows are out, at the end of the unit that reached it. @default unlimited */
  readonly maxRows?: number
  /** End the call once this many files are complete. @default unlimited */
  readonly maxFiles?: number
  /** Files this read considers at all (a filter on the listing, e.g. by modification time). @default every file */
  readonly include?: (file: FileEntry) => boolean
}

/** A file still to read in this call, and how many of its units an earlier call delivered. */
interface Pending {
  readonly entry: FileEntry
  readonly skip: number
}

const byPath = (left: FileEntry, right: FileEntry) => (left.path < right.path ? -1 : left.path > right.path ? 1 : 0)

/**
 * Reads files the way Auto Loader does: each call lists the storage, reads the files no
 * earlier call completed, in path order, and returns an offset naming the set of completed
 * files (a content-addressed manifest, see {@link ManifestStore}) and the position inside a
 * file it stopped in. A file is identified by its path, size and content hash (a storage
 * tag such as an S3 ETag stands in for the hash when there is one); the modification time
 * only saves re-hashing unchanged files. So a file copied in with an old modification time
 * is still new, and a changed file is read again as a new version.
 *
 * Exactly once: a call's rows depend only on its start offset and the files, and its end
 * offset covers exactly the rows it returned. The manifest is written before the offset is
 * returned, so committing the offset with the rows (as the runners do) means a crash before
 * the commit replays the same files into the same, byte-identical manifest, and a crash
 * after it reads none of them again.
 */
export class FileSource {
  readonly #settings: FileSourceSettings
  readonly #manifests: ManifestStore
  readonly #cap: number

  constructor(settings: FileSourceSettings) {
    this.#settings = settings
    this.#manifests = new ManifestStore(settings.state)
    this.#cap = settings.cap ?? Date.now()
  }

  /** The storage's description, for messages. */
  get description(): string {
    return this.#settings.storage.description
  }

  /**
   * One read call from `start`: yields rows, returns the end offset. Returns `start`
   * itself (a fixed point) when nothing is new.
   */
  async *read<Unit, Row>(
    start: Offset | null,
    settings: FileReadSettings<Unit, Row>,
  ): AsyncGenerator<Row, Offset | null, undefined> {
    const state = parseFileOffset(start, settings.table)
    const { files: processed } = await this.#manifests.load(state.manifest, settings.table)
    const { pending, resumed } = await this.#pending(state, processed, settings.include)
    // Nothing new, and the file a previous call stopped in (if any) is still there: a fixed point.
    if (pending.length === 0 && (state.partial === undefined || resumed)) return start
    const maxRows = settings.maxRows ?? Number.POSITIVE_INFINITY
    const maxFiles = settings.maxFiles ?? Number.POSITIVE_INFINITY
    const completed: ManifestEntry[] = []
    let units = state.units
    let rows = 0
    let partial: FileOffset['partial']
    for (const { entry, skip } of pending) {
      let digest: string | undefined
      const storage = this.#settings.storage
      // Each pass hashes what it reads; a pass that reaches the end gives the file's hash.
      const open = async function* () {
        const hash = createHash('sha256')
        for await (const chunk of storage.open(entry.path)) {
          hash.update(chunk)
          yield chunk
        }
        digest = hash.digest('hex')
      }
      const iterator = settings.units(entry, open)[Symbol.asyncIterator]()
      const begin = units - skip
      let index = 0
      let stopped = false
      try {
        for (let step = await iterator.next(); !step.done; step = await iterator.next()) {
          if (index++ < skip) continue
          for (const row of settings.rows(step.value, entry)) {
            rows++
            yield row
          }
          units++
          // Stop at this unit boundary, unless it was the file's last: then the file is complete.
          if (rows >= maxRows && !(await iterator.next()).done) {
            partial = { path: entry.path, size: entry.size, modifiedMs: entry.modifiedMs, from: begin }
            stopped = true
            break
          }
        }
      } finally {
        // Also when the caller stops reading mid-file: release the file.
        await iterator.return?.()
      }
      if (stopped) break
      completed.push({ ...identity(entry), hash: digest ?? (await this.#hash(entry)) })
      if (rows >= maxRows || completed.length >= maxFiles) break
    }
    const manifest = await this.#manifests.append(state.manifest, completed, settings.table)
    return formatFileOffset({ manifest, files: state.files + completed.length, units, ...(partial ? { partial } : {}) })
  }

  /** Files to read, in order: the file an earlier call stopped in (if unchanged) first, then new files by path. */
  async #pending(
    state: FileOffset,
    processed: ProcessedFiles,
    include: ((file: FileEntry) => boolean) | undefined,
  ): Promise<{ pending: Pending[]; resumed: boolean }> {
    const listing: FileEntry[] = []
    for await (const entry of this.#settings.storage.list({
      glob: this.#settings.glob ?? '*',
      recursive: this.#settings.recursive ?? false,
    })) {
      if (entry.modifiedMs <= this.#cap && (include === undefined || include(entry))) listing.push(entry)
    }
    listing.sort(byPath)
    const out: Pending[] = []
    let resumed: Pending | undefined
    const partial = state.partial
    for (const entry of listing) {
      if (
        partial &&
        entry.path === partial.path &&
        entry.size === partial.size &&
        entry.modifiedMs === partial.modifiedMs
      ) {
        resumed = { entry, skip: state.units - partial.from }
        continue
      }
      if (!(await this.#isProcessed(entry, processed.get(entry.path)))) out.push({ entry, skip: 0 })
    }
    return { pending: resumed ? [resumed, ...out] : out, resumed: resumed !== undefined }
  }

  async #isProcessed(entry: FileEntry, known: ManifestEntry | undefined): Promise<boolean> {
    if (!known || known.size !== entry.size) return false
    if (entry.tag !== undefined || known.tag !== undefined) return entry.tag === known.tag
    if (known.modifiedMs === entry.modifiedMs) return true
    // Same path and size, touched since: only the content says whether it changed.
    return (await this.#hash(entry)) === known.hash
  }

  async #hash(entry: FileEntry): Promise<string> {
    const hash = createHash('sha256')
    for await (const chunk of this.#settings.storage.open(entry.path)) hash.update(chunk)
    return hash.digest('hex')
  }
}

function identity(entry: FileEntry): Omit<ManifestEntry, 'hash'> {
  return entry.tag === undefined
    ? { path: entry.path, size: entry.size, modifiedMs: entry.modifiedMs }
    : { path: entry.path, size: entry.size, modifiedMs: entry.modifiedMs, tag: entry.tag }
}
