import { existsSync, readFileSync } from 'node:fs'
import { open, rename } from 'node:fs/promises'
import path from 'node:path'
import type { Offset } from '@lakeflow/core/connector'
import { DestinationError } from '../duckdb/duckdb-errors.ts'

/** A batch whose file is complete and about to become visible (write-ahead intent). */
export interface PendingBatch {
  /** The complete temp file (hidden name). */
  readonly temp: string
  /** The visible name it is renamed to. */
  readonly final: string
  readonly endOffset: Offset | null
}

/** One flow's entry in `_lakeflow_state.json`. */
export interface FileStateEntry {
  pipeline: string
  table: string
  flow: string
  sourceTable: string
  offset: Offset | null
  batches: number
  updatedAt?: string
  pending?: PendingBatch
}

/** Writes a file durably and atomically: temp file, fsync, rename, fsync of the directory. */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const temp = `${path.join(path.dirname(file), `.${path.basename(file)}`)}.tmp`
  const handle = await open(temp, 'w')
  try {
    await handle.writeFile(content)
    await handle.sync()
  } finally {
    await handle.close()
  }
  await rename(temp, file)
  await syncDirectory(path.dirname(file))
}

/** Flushes a directory entry (a rename) to disk. */
export async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** The state file of a landing directory, saved atomically after every change. */
export class StateFile {
  readonly file: string
  private entries: Record<string, FileStateEntry> = {}
  private saving: Promise<void> = Promise.resolve()

  constructor(file: string) {
    this.file = file
  }

  static key(pipeline: string, table: string, flow: string): string {
    return `${pipeline}|${table}|${flow}`
  }

  load(): void {
    if (!existsSync(this.file)) {
      this.entries = {}
      return
    }
    const text = readFileSync(this.file, 'utf8')
    try {
      this.entries = (JSON.parse(text) as { entries: Record<string, FileStateEntry> }).entries ?? {}
    } catch (error) {
      throw new DestinationError(
        this.file,
        `The state file ${this.file} is not valid JSON (${(error as Error).message}); restore it from a backup, or move it away to land every table again from the start`,
        error,
      )
    }
  }

  get(key: string): FileStateEntry | undefined {
    return this.entries[key]
  }

  all(): FileStateEntry[] {
    return Object.values(this.entries)
  }

  /** Applies a change and persists it; saves are serialised (tables commit concurrently). */
  update(change: (entries: Record<string, FileStateEntry>) => void): Promise<void> {
    const next = this.saving.then(async () => {
      change(this.entries)
      await writeFileAtomic(this.file, `${JSON.stringify({ version: 1, entries: this.entries }, null, 2)}\n`)
    })
    this.saving = next.catch(() => {})
    return next
  }
}
