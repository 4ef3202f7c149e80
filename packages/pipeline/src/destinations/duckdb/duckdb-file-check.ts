import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import type { DuckDBConnection } from '@duckdb/node-api'
import { DestinationError } from './duckdb-errors.ts'
import { quoteString } from './duckdb-types.ts'

/**
 * DuckDB's file layout: a main header block (checksum, then the magic `DUCK`) followed by two
 * database headers, each holding its checkpoint iteration, the block count and the block size;
 * data blocks start after the three header blocks. The header with the greater iteration is
 * the current one.
 */
const HEADER_BLOCK = 4096
const MAGIC_AT = 8
const DATA_START = 3 * HEADER_BLOCK
/** Field offsets inside a database header (after its 8-byte checksum). */
const ITERATION_AT = 8
const BLOCK_COUNT_AT = 32
const BLOCK_SIZE_AT = 40
const SNIFF_BYTES = DATA_START

/**
 * Checks that an existing destination file is a complete DuckDB database before DuckDB touches
 * it. DuckDB attaches a JSON or CSV file as an empty in-memory database (so a sync would report
 * success and write nothing), and a file truncated after its last checkpoint opens fine but
 * fails on the first read of a missing block. Reads only; the file is never modified.
 * Throws {@link DestinationError} naming the file and what it appears to be.
 */
export function checkDestinationFile(file: string): void {
  let descriptor: number
  try {
    descriptor = openSync(file, 'r')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return // a new destination
    if (code === 'EISDIR') return // DuckDB's own message names it
    throw new DestinationError(
      file,
      `Cannot read destination ${file} (${code}); choose another path with --dest`,
      error,
    )
  }
  try {
    if (fstatSync(descriptor).isDirectory()) return
    const size = fstatSync(descriptor).size
    const head = Buffer.alloc(Math.min(size, SNIFF_BYTES))
    readSync(descriptor, head, 0, head.length, 0)
    if (head.subarray(MAGIC_AT, MAGIC_AT + 4).toString('latin1') !== 'DUCK') {
      throw new DestinationError(
        file,
        `Destination ${file} is not a DuckDB database: it appears to be ${describeContent(head, size)}; it was left unchanged. Choose another path with --dest (a new file is created)`,
      )
    }
    const expected = expectedSize(head)
    // DuckDB itself shortens the file by the free blocks at its end (a checkpoint after a table
    // was dropped or a staged snapshot discarded) without lowering the header's block count, so
    // a file ending on a block boundary below it is sound; a cut inside a block is not.
    const cutInsideBlock = expected !== undefined && (size - DATA_START) % expected.blockSize !== 0
    if (size < DATA_START || (expected !== undefined && size < expected.bytes && cutInsideBlock)) {
      throw new DestinationError(
        file,
        `Destination ${file} is a damaged DuckDB database: it is ${size} bytes but its header says ${expected?.bytes ?? DATA_START} bytes (truncated?); restore it from a backup or choose another path with --dest`,
      )
    }
  } finally {
    closeSync(descriptor)
  }
}

/** The size the current database header implies and its block size, when both headers were read and look sane. */
function expectedSize(head: Buffer): { bytes: number; blockSize: number } | undefined {
  if (head.length < DATA_START) return undefined
  const headers = [HEADER_BLOCK, 2 * HEADER_BLOCK].map((at) => ({
    iteration: head.readBigUInt64LE(at + ITERATION_AT),
    blocks: head.readBigUInt64LE(at + BLOCK_COUNT_AT),
    blockSize: head.readBigUInt64LE(at + BLOCK_SIZE_AT),
  }))
  const current = headers[0]!.iteration >= headers[1]!.iteration ? headers[0]! : headers[1]!
  const blockSize = Number(current.blockSize)
  // Block sizes are powers of two between 16 KiB and 256 MiB; anything else is a format this check does not know.
  const sane = blockSize >= 16_384 && blockSize <= 1 << 28 && (blockSize & (blockSize - 1)) === 0
  if (!sane || current.blocks > 1n << 32n) return undefined
  return { bytes: DATA_START + Number(current.blocks) * blockSize, blockSize }
}

/** What a file that is not DuckDB appears to be, for the message. */
function describeContent(head: Buffer, size: number): string {
  if (size === 0) return 'an empty file'
  if (head.subarray(0, 16).toString('latin1') === 'SQLite format 3\0') return 'a SQLite database'
  if (head.subarray(0, 4).toString('latin1') === 'PAR1') return 'a Parquet file'
  if (head[0] === 0x1f && head[1] === 0x8b) return 'a gzip file'
  if (head.subarray(0, 4).toString('latin1') === 'PK\x03\x04') return 'a ZIP file'
  if (head.includes(0)) return `an unknown binary file (${size} bytes)`
  // The sample may end inside a multi-byte character: judge the text before its last bytes.
  const text = head.toString('utf8')
  if (
    head
      .subarray(0, head.length < size ? -4 : undefined)
      .toString('utf8')
      .includes('\uFFFD')
  ) {
    return `an unknown binary file (${size} bytes)`
  }
  const trimmed = text.trimStart()
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return `a JSON file (${size} bytes)`
  const lines = trimmed.split(/\r?\n/).filter((line) => line.length > 0)
  const separators = (line: string) => (line.match(/[,;\t]/g) ?? []).length
  const complete = lines.slice(0, head.length < size ? -1 : undefined).slice(0, 20)
  if (
    complete.length >= 2 &&
    separators(complete[0]!) > 0 &&
    complete.every((line) => separators(line) === separators(complete[0]!))
  ) {
    return `a CSV file (${size} bytes)`
  }
  return `a text file (${size} bytes)`
}

/**
 * Checks that DuckDB attached the file itself as `catalog`: for some files (JSON, CSV) it
 * attaches an empty in-memory database instead, and everything written would be lost on close.
 */
export async function checkAttached(connection: DuckDBConnection, catalog: string, file: string): Promise<void> {
  const result = await connection.runAndReadAll(
    `SELECT path, type FROM duckdb_databases() WHERE database_name = ${quoteString(catalog)}`,
  )
  const [attachedPath, type] = result.getRows()[0] ?? [null, null]
  if (attachedPath === null || type !== 'duckdb') {
    throw new DestinationError(
      file,
      `Destination ${file} is not a DuckDB database: DuckDB attached it as ${attachedPath === null ? 'an in-memory database' : `a ${String(type)} database`}, so nothing would be kept; it was left unchanged. Choose another path with --dest`,
    )
  }
}
