import { DataFormatError } from '../errors/errors.ts'
import { ByteReader } from './byte-reader.ts'
import { type CsvOptions, csvRecords } from './csv.ts'
import { gunzip, isGzip } from './gzip.ts'
import { ndjsonRecords } from './ndjson.ts'
import { isZip, zipEntries } from './zip-reader.ts'

/** What a body or file holds, and how it is packed. */
export interface RecordStreamOptions {
  /** The records' format: one JSON value per line, or CSV with a header row. */
  format: 'ndjson' | 'csv'
  /** CSV settings (delimiter, columns when there is no header row). */
  csv?: Omit<CsvOptions, 'where'>
  /**
   * `auto` decompresses a gzip stream (recognised by its first bytes; a `.gz` file, or a ZIP
   * entry named `*.gz`), `none` never does. A `Content-Encoding: gzip` response is already
   * decoded by the HTTP client.
   * @default 'auto'
   */
  compression?: 'auto' | 'none'
  /**
   * `auto` reads a ZIP archive (recognised by its first bytes) entry by entry, `none` never does.
   * @default 'auto'
   */
  archive?: 'auto' | 'none'
  /**
   * Which ZIP entries hold records, by name.
   * @default every file of the archive
   * @example (name) => name.endsWith('.csv')
   */
  entries?: (name: string) => boolean
}

/**
 * Decodes a byte stream into records, streaming every layer: an optional gzip layer, an
 * optional ZIP archive (each selected entry in turn, itself possibly gzipped), then NDJSON
 * lines or CSV rows. Memory stays bounded by the chunk size, zlib's window and one record,
 * whatever the size of the data. Malformed data throws {@link DataFormatError} naming the
 * layer and place (`entry orders.csv, line 12`).
 * @example for await (const record of recordStream(file, { format: 'csv' })) yield record
 */
export async function* recordStream(
  source: AsyncIterable<Uint8Array>,
  options: RecordStreamOptions,
): AsyncGenerator<unknown, void, undefined> {
  yield* decodeLayer(source, options, undefined, 0)
}

async function* decodeLayer(
  source: AsyncIterable<Uint8Array>,
  options: RecordStreamOptions,
  where: string | undefined,
  depth: number,
): AsyncGenerator<unknown, void, undefined> {
  const reader = new ByteReader(source)
  try {
    const head = await reader.peek(4)
    if (options.compression !== 'none' && isGzip(head)) {
      if (depth > 3) throw new DataFormatError('gzip', where ?? 'byte 0', 'gzip nested more than three levels deep')
      yield* decodeLayer(gunzip(reader.rest()), options, where, depth + 1)
    } else if (options.archive !== 'none' && isZip(head) && where === undefined) {
      for await (const entry of zipEntries(reader.rest())) {
        if (options.entries && !options.entries(entry.name)) continue
        yield* decodeLayer(entry.data, options, `entry ${entry.name}`, depth + 1)
      }
    } else if (options.format === 'csv') {
      yield* csvRecords(reader.rest(), { ...options.csv, where })
    } else {
      yield* ndjsonRecords(reader.rest(), { where })
    }
  } finally {
    await reader.close()
  }
}
