/** A file as a listing sees it. */
export interface FileEntry {
  /**
   * The file's name in its storage, the value of `source_file`: an absolute path for local
   * storage, `s3://bucket/key` for S3.
   */
  readonly path: string
  /** Size in bytes at listing time. */
  readonly size: number
  /** Last modification, milliseconds since the epoch (a listing hint, never a cursor). */
  readonly modifiedMs: number
  /**
   * A version tag the storage provides without reading the file (an S3 ETag). Undefined
   * when the storage has none; the engine then hashes the content where it must.
   */
  readonly tag?: string
}

/** What to list. */
export interface ListOptions {
  /**
   * Shell-style pattern matched against each file's name (not its directories):
   * `*`, `?`, `[abc]`, `[!abc]`.
   * @default '*'
   */
  readonly glob: string
  /** Descend into subdirectories (prefixes). @default false */
  readonly recursive: boolean
}

/**
 * Where files live. A backend lists and streams; the engine ({@link FileSource}) decides
 * what is new. Names starting with `_` or `.` (files and directories) are not listed,
 * as Spark and Auto Loader skip them.
 * @example
 * const storage = localStorage('/Volumes/main/raw/hl7_inbound')
 * for await (const file of storage.list({ glob: '*.hl7', recursive: true })) console.log(file.path)
 */
export interface FileStorage {
  /** For messages: `local directory /data/in`, `s3://bucket/prefix/`. */
  readonly description: string
  /** Every file under the root that matches; any order. Throws a typed error when the root cannot be listed. */
  list(options: ListOptions): AsyncIterable<FileEntry>
  /** The file's bytes from the start, in chunks (bounded memory). */
  open(path: string): AsyncIterable<Uint8Array>
}

/**
 * A small key-value store for the engine's manifests: content-addressed, written once,
 * never updated. Writes must be durable and atomic (a reader sees the whole value or none).
 */
export interface StateStore {
  /** For messages. */
  readonly description: string
  /** The value under `key`, or undefined when there is none. */
  read(key: string): Promise<Uint8Array | undefined>
  /** Stores `value` under `key` (the same key is always given the same value). */
  write(key: string, value: Uint8Array): Promise<void>
}
