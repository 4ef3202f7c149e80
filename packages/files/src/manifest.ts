import { createHash } from 'node:crypto'
import { LakeflowError } from '@lakeflow/core/errors'
import type { StateStore } from './storage.ts'

/** A file version the engine has read to its end. */
export interface ManifestEntry {
  readonly path: string
  readonly size: number
  readonly modifiedMs: number
  /** The storage's version tag, when it has one. */
  readonly tag?: string
  /** SHA-256 of the content as read, hex. */
  readonly hash: string
}

/** Processed files by path (the newest version read of each path). */
export type ProcessedFiles = ReadonlyMap<string, ManifestEntry>

/** One node of the manifest chain, as stored. */
interface ManifestNode {
  readonly v: 1
  /** The previous node's key, or null for a node holding every file (the first, or a compaction). */
  readonly parent: string | null
  /** Nodes since the last full one. */
  readonly depth: number
  /** [path, size, modifiedMs, hash, tag?], sorted by path. */
  readonly files: readonly (readonly [string, number, number, string, string?])[]
}

/** Nodes after which the chain is written out whole again, so loading stays a short walk. */
export const COMPACT_DEPTH = 32

const keyOf = (hash: string) => `manifests/${hash}.json`
const HASH = /^[0-9a-f]{64}$/

const byPath = (left: ManifestEntry, right: ManifestEntry) =>
  left.path < right.path ? -1 : left.path > right.path ? 1 : 0

function encodeNode(node: ManifestNode): Uint8Array {
  return Buffer.from(`${JSON.stringify(node)}\n`)
}

/**
 * The set of processed files as a chain of content-addressed nodes in a {@link StateStore}:
 * each read call that completes files writes one node (those files, and its parent's key)
 * named by the SHA-256 of its bytes, and the table's offset names the head. Nodes are never
 * changed, so an offset names exactly the set it was committed with; a call replayed from
 * the same offset over the same files writes byte-identical nodes under the same keys.
 * Every {@link COMPACT_DEPTH} nodes the chain is written out whole.
 */
export class ManifestStore {
  readonly #store: StateStore
  /** Sets already loaded, by head key: a read usually continues from the head it wrote. */
  readonly #cache = new Map<string, { files: Map<string, ManifestEntry>; depth: number }>()

  constructor(store: StateStore) {
    this.#store = store
  }

  /** The processed files under `head` (empty for null), and the head's depth. */
  async load(head: string | null, table: string): Promise<{ files: ProcessedFiles; depth: number }> {
    if (head === null) return { files: new Map(), depth: -1 }
    const cached = this.#cache.get(head)
    if (cached) return cached
    const chain: ManifestNode[] = []
    let key: string | null = head
    while (key !== null) {
      const earlier = this.#cache.get(key)
      if (earlier) {
        chain.push({ v: 1, parent: null, depth: earlier.depth, files: [] })
        break
      }
      chain.push(await this.#readNode(key, head, table))
      key = chain.at(-1)!.parent
    }
    const base = key === null ? undefined : this.#cache.get(key)
    const files = new Map(base?.files)
    for (const node of chain.reverse()) {
      for (const [path, size, modifiedMs, hash, tag] of node.files) {
        files.set(path, tag === undefined ? { path, size, modifiedMs, hash } : { path, size, modifiedMs, hash, tag })
      }
    }
    const loaded = { files, depth: chain.at(-1)!.depth }
    this.#remember(head, loaded)
    return loaded
  }

  /**
   * Records newly completed files after `head` and returns the new head's key. With no
   * files, `head` is returned as is.
   */
  async append(head: string | null, completed: readonly ManifestEntry[], table: string): Promise<string | null> {
    if (completed.length === 0) return head
    const previous = await this.load(head, table)
    const depth = previous.depth + 1
    const whole = head === null || depth >= COMPACT_DEPTH
    const files = new Map(previous.files)
    for (const entry of completed) files.set(entry.path, entry)
    const listed = whole ? [...files.values()] : [...completed]
    const node: ManifestNode = {
      v: 1,
      parent: whole ? null : head,
      depth: whole ? 0 : depth,
      files: listed
        .sort(byPath)
        .map((entry) =>
          entry.tag === undefined
            ? [entry.path, entry.size, entry.modifiedMs, entry.hash]
            : [entry.path, entry.size, entry.modifiedMs, entry.hash, entry.tag],
        ),
    }
    const bytes = encodeNode(node)
    const key = createHash('sha256').update(bytes).digest('hex')
    await this.#store.write(keyOf(key), bytes)
    this.#remember(key, { files, depth: node.depth })
    return key
  }

  #remember(key: string, value: { files: Map<string, ManifestEntry>; depth: number }): void {
    // Keep the newest few sets: a reader moves forward, and each set holds every file once.
    if (this.#cache.size >= 4) this.#cache.delete(this.#cache.keys().next().value!)
    this.#cache.set(key, value)
  }

  async #readNode(key: string, head: string, table: string): Promise<ManifestNode> {
    if (!HASH.test(key)) throw stateError(table, `"${key}" is not a manifest key (64 hex digits)`)
    const bytes = await this.#store.read(keyOf(key))
    if (bytes === undefined) {
      throw stateError(
        table,
        `manifest ${key}${key === head ? '' : ` (an ancestor of ${head})`} is missing from ${this.#store.description}; the state was deleted or the offset belongs to another source`,
      )
    }
    if (createHash('sha256').update(bytes).digest('hex') !== key) {
      throw stateError(
        table,
        `manifest ${key} in ${this.#store.description} does not match its hash (edited or corrupt)`,
      )
    }
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as ManifestNode
  }
}

function stateError(table: string, detail: string): LakeflowError {
  return new LakeflowError(`Table ${table}: the offset's file-tracking state is unusable: ${detail}`, {
    category: 'config',
  })
}
