import { createReadStream } from 'node:fs'
import { mkdir, open, opendir, readFile, rename, stat } from 'node:fs/promises'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { LakeflowError } from '@lakeflow/core/errors'
import { globToRegExp, isHiddenName } from './glob.ts'
import type { FileEntry, FileStorage, ListOptions, StateStore } from './storage.ts'

/** Chunk size for reading files: large enough for throughput, small enough to stay off fresh memory. */
const READ_CHUNK = 64 * 1024

function describeCode(error: unknown): string {
  const code = (error as { code?: string }).code
  return code === 'ENOENT'
    ? 'does not exist'
    : code === 'EACCES'
      ? 'is not readable (permission denied)'
      : code === 'ENOTDIR'
        ? 'is not a directory'
        : `cannot be read (${(error as Error).message})`
}

/**
 * Files in a local directory, or a Unity Catalog volume mounted at `/Volumes/<catalog>/<schema>/<volume>`
 * (the same thing to the file system). Symbolic links are not followed.
 * @throws LakeflowError (`config`) when `root` is not an absolute path
 */
export function localStorage(root: string): FileStorage {
  if (!isAbsolute(root)) {
    throw new LakeflowError(
      `expected an absolute directory path (for example /Volumes/catalog/schema/volume/inbound), got ${JSON.stringify(root)}`,
      {
        category: 'config',
      },
    )
  }
  const base = resolve(root)
  return {
    description: `local directory ${base}`,
    async *list(options: ListOptions): AsyncIterable<FileEntry> {
      const pattern = globToRegExp(options.glob || '*')
      try {
        const info = await stat(base)
        if (!info.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' })
      } catch (error) {
        throw new LakeflowError(
          `the directory ${base} ${describeCode(error)}; check volume_path and the reader's permissions`,
          {
            category: 'config',
            cause: error,
          },
        )
      }
      const directories = [base]
      while (directories.length > 0) {
        const directory = directories.pop()!
        let handle: Awaited<ReturnType<typeof opendir>>
        try {
          handle = await opendir(directory, { bufferSize: 256 })
        } catch (error) {
          // A subdirectory removed while listing holds nothing to read; anything else is an error.
          if ((error as { code?: string }).code === 'ENOENT' && directory !== base) continue
          throw new LakeflowError(`the directory ${directory} ${describeCode(error)}`, {
            category: 'config',
            cause: error,
          })
        }
        for await (const entry of handle) {
          if (isHiddenName(entry.name)) continue
          const path = join(directory, entry.name)
          if (entry.isDirectory()) {
            if (options.recursive) directories.push(path)
            continue
          }
          if (!entry.isFile() || !pattern.test(entry.name)) continue
          try {
            const info = await stat(path)
            yield { path, size: info.size, modifiedMs: info.mtimeMs }
          } catch (error) {
            // Deleted between the directory read and the stat: it is not there to list.
            if ((error as { code?: string }).code !== 'ENOENT') throw error
          }
        }
      }
    },
    open(path: string): AsyncIterable<Uint8Array> {
      return createReadStream(path, { highWaterMark: READ_CHUNK })
    },
  }
}

/**
 * A {@link StateStore} in a local directory (created on first write). Each value is written
 * to a temporary file, flushed to disk, then renamed into place, so a crash leaves either
 * the whole value or nothing.
 */
export function localStateStore(directory: string): StateStore {
  const base = resolve(directory)
  return {
    description: `local state directory ${base}`,
    async read(key) {
      try {
        return await readFile(join(base, key))
      } catch (error) {
        if ((error as { code?: string }).code === 'ENOENT') return undefined
        throw new LakeflowError(`the state file ${join(base, key)} ${describeCode(error)}`, {
          category: 'config',
          cause: error,
        })
      }
    },
    async write(key, value) {
      const target = join(base, key)
      const temporary = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
      try {
        await mkdir(dirname(target), { recursive: true })
        const handle = await open(temporary, 'w')
        try {
          await handle.writeFile(value)
          await handle.sync()
        } finally {
          await handle.close()
        }
        await rename(temporary, target)
        // The rename itself must reach the disk before an offset naming this value is committed.
        const folder = await open(dirname(target), 'r')
        try {
          await folder.sync()
        } finally {
          await folder.close()
        }
      } catch (error) {
        throw new LakeflowError(
          `could not write the file-tracking state to ${base} (${(error as Error).message}); set state_path to a writable directory`,
          { category: 'config', cause: error },
        )
      }
    },
  }
}
