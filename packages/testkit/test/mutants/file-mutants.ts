/** Mutants aimed at the file-source checks: the reference NDJSON file connector with one defect each. */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import {
  type ConnectorDefinition,
  type LakeflowConnector,
  type Offset,
  SPECIFICATION_VERSION,
} from '@lakeflow/core/connector'
import type { FileStorage } from '@lakeflow/files'
import { createNdjsonConnector, type Defects, eventsSchema, ndjsonFiles } from '../files/ndjson-files-connector.ts'

function fileMutant(defects: Defects): ConnectorDefinition {
  return { ...ndjsonFiles, create: (options) => createNdjsonConnector(options, defects) }
}

const listing = (
  storage: FileStorage,
  change: (entry: { size: number; modifiedMs: number; path: string }) => object,
): FileStorage => ({
  ...storage,
  async *list(options) {
    for await (const entry of storage.list(options)) yield { ...entry, ...change(entry) }
  },
})

export { ndjsonFiles }

/** Reads files modified after the newest modification time seen so far (an mtime cursor). */
export const mtimeCursor: ConnectorDefinition = {
  ...ndjsonFiles,
  create(raw): LakeflowConnector {
    const inner = ndjsonFiles.create(raw)
    const directory = String(raw.directory)
    const cap = Date.now()
    return {
      ...inner,
      specificationVersion: SPECIFICATION_VERSION,
      async getTableSchema() {
        return eventsSchema
      },
      readTable(_table, start) {
        return (async function* () {
          const since = typeof start?.mtime === 'number' ? start.mtime : -1
          let newest = since
          const walk = (dir: string): string[] =>
            readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
              entry.name.startsWith('_')
                ? []
                : entry.isDirectory()
                  ? walk(join(dir, entry.name))
                  : [join(dir, entry.name)],
            )
          for (const path of walk(directory).sort()) {
            const modified = statSync(path).mtimeMs
            if (modified <= since || modified > cap || !path.endsWith('.ndjson')) continue
            newest = Math.max(newest, modified)
            let line = 0
            for (const text of readFileSync(path, 'utf8').split('\n')) {
              line++
              if (text.trim() === '') continue
              const record = JSON.parse(text) as { id: number; name?: string }
              yield { id: record.id, name: record.name ?? null, source_file: path, line }
            }
          }
          return newest === since ? (start ?? {}) : ({ mtime: newest } as Offset)
        })()
      },
    }
  },
}

/** Treats a new modification time as a new file version (the storage tag is the mtime). */
export const rereadsTouchedFiles = fileMutant({
  storage: (storage) => listing(storage, (entry) => ({ tag: String(entry.modifiedMs) })),
})

/** Tracks files by path only: a file already read is never read again, whatever it now holds. */
export const pathOnlyTracking = fileMutant({
  storage: (storage) => listing(storage, () => ({ size: 0, modifiedMs: 0 })),
})

/** Drops the position inside the file a call stopped in: the next call reads that file from its start. */
export const restartsPartialFile = fileMutant({
  offset: (offset) => {
    if (!offset || offset.partial === undefined) return offset
    const { partial: _partial, partial_from: _from, ...rest } = offset
    return rest
  },
})

/**
 * Marks a file done in a side file as soon as it has been read to its end, before the call
 * returns (progress kept outside the offset): a crash after that loses the file.
 */
export const marksFilesBeforeCommit: ConnectorDefinition = {
  ...ndjsonFiles,
  create(raw) {
    const done = join(String(raw.directory), '_state', 'done.txt')
    const isDone = () => new Set(existsSync(done) ? readFileSync(done, 'utf8').split('\n') : [])
    return createNdjsonConnector(raw, {
      storage: (storage) => ({
        ...storage,
        async *list(options) {
          const skip = isDone()
          for await (const entry of storage.list(options)) if (!skip.has(entry.path)) yield entry
        },
        async *open(path) {
          yield* storage.open(path)
          mkdirSync(dirname(done), { recursive: true })
          appendFileSync(done, `${path}\n`)
        },
      }),
    })
  },
}
