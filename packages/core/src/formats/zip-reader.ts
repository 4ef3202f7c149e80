import { crc32, createInflateRaw, type InflateRaw } from 'node:zlib'
import { DataFormatError } from '../errors/errors.ts'
import { ByteReader } from './byte-reader.ts'
import { isZlibError } from './gzip.ts'

const LOCAL_HEADER = 0x04034b50
const CENTRAL_HEADER = 0x02014b50
const END_OF_DIRECTORY = 0x06054b50
const DATA_DESCRIPTOR = 0x08074b50
const ZIP64_EXTRA = 0x0001
const FLAG_ENCRYPTED = 0x0001
const FLAG_DESCRIPTOR = 0x0008
/** Compressed bytes fed to the inflater at a time: with its backpressure, this bounds memory. */
const FEED_BYTES = 64 * 1024

/** One file of a ZIP archive, its content streamed once, in order. */
export interface ZipEntry {
  /** Path inside the archive, `/`-separated. */
  readonly name: string
  /** 0 (stored) or 8 (deflated). */
  readonly method: number
  /** Uncompressed size from the local header; `undefined` when a data descriptor follows the data. */
  readonly size: number | undefined
  /**
   * The uncompressed content. Read it before asking for the next entry (what is left unread
   * is skipped then); it can be read once.
   */
  readonly data: AsyncIterable<Uint8Array>
}

/** The start of every ZIP archive that has a first entry: `PK\x03\x04`. */
export function isZip(head: Uint8Array): boolean {
  return head.byteLength >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04
}

const u16 = (bytes: Uint8Array, at: number) => bytes[at]! | (bytes[at + 1]! << 8)
const u32 = (bytes: Uint8Array, at: number) => (u16(bytes, at) | (u16(bytes, at + 2) << 16)) >>> 0
const u64 = (bytes: Uint8Array, at: number) => u32(bytes, at) + u32(bytes, at + 4) * 2 ** 32

interface LocalHeader {
  name: string
  flags: number
  method: number
  crc: number
  compressedSize: number
  size: number
  zip64: boolean
}

/**
 * Reads a ZIP archive as a stream of entries, from the local file headers in archive order,
 * without holding the archive: each entry's data is inflated chunk by chunk and checked
 * against its CRC-32 and size. Entries whose sizes follow in a data descriptor (archives
 * written while streaming) are read too when deflated: the deflate stream marks its own end.
 * ZIP64 sizes are understood. Directories are skipped. The central directory at the end is
 * not needed and not read. Encrypted entries, methods other than stored and deflate, and
 * stored entries with a data descriptor (whose end cannot be found without the central
 * directory) throw {@link DataFormatError}, as do bad signatures and checksums.
 * @example
 * for await (const entry of zipEntries(body)) {
 *   if (entry.name.endsWith('.csv')) for await (const record of csvRecords(entry.data)) yield record
 * }
 */
export async function* zipEntries(source: AsyncIterable<Uint8Array>): AsyncGenerator<ZipEntry, void, undefined> {
  const reader = new ByteReader(source)
  let current: AsyncGenerator<Uint8Array, void, undefined> | undefined
  try {
    for (let index = 0; ; index++) {
      const offset = reader.position
      const signature = await reader.read(4)
      if (signature.byteLength === 0 && index > 0) return
      if (signature.byteLength < 4) throw zipError(`byte ${offset}`, 'the archive ends inside a header')
      const kind = u32(signature, 0)
      if (kind === CENTRAL_HEADER || kind === END_OF_DIRECTORY) return
      if (kind !== LOCAL_HEADER)
        throw zipError(
          `byte ${offset}`,
          index === 0
            ? 'not a ZIP archive (no local file header)'
            : `unexpected signature 0x${kind.toString(16)} where an entry should start`,
        )
      const header = await readLocalHeader(reader, offset)
      const where = `entry ${header.name}`
      if (header.flags & FLAG_ENCRYPTED) throw zipError(where, 'the entry is encrypted')
      if (header.method !== 0 && header.method !== 8)
        throw zipError(where, `compression method ${header.method} is not supported (only stored and deflate)`)
      const descriptor = (header.flags & FLAG_DESCRIPTOR) !== 0
      if (descriptor && header.method === 0)
        throw zipError(
          where,
          'a stored entry with a data descriptor cannot be streamed: its end is only in the central directory',
        )
      current = entryData(reader, header, descriptor, where)
      if (!header.name.endsWith('/'))
        yield {
          name: header.name,
          method: header.method,
          size: descriptor ? undefined : header.size,
          data: once(current),
        }
      // Whatever the consumer left unread is skipped, so the next header lines up.
      for (let step = await current.next(); !step.done; step = await current.next()) void step
      current = undefined
    }
  } finally {
    await current?.return()
    await reader.close()
  }
}

async function readLocalHeader(reader: ByteReader, offset: number): Promise<LocalHeader> {
  const fixed = await reader.read(26)
  if (fixed.byteLength < 26) throw zipError(`byte ${offset}`, 'the archive ends inside a local file header')
  const nameLength = u16(fixed, 22)
  const extraLength = u16(fixed, 24)
  const rest = await reader.read(nameLength + extraLength)
  if (rest.byteLength < nameLength + extraLength)
    throw zipError(`byte ${offset}`, 'the archive ends inside a local file header')
  const header: LocalHeader = {
    name: new TextDecoder().decode(rest.subarray(0, nameLength)),
    flags: u16(fixed, 2),
    method: u16(fixed, 4),
    crc: u32(fixed, 10),
    compressedSize: u32(fixed, 14),
    size: u32(fixed, 18),
    zip64: false,
  }
  const extra = rest.subarray(nameLength)
  for (let at = 0; at + 4 <= extra.byteLength; ) {
    const id = u16(extra, at)
    const length = u16(extra, at + 2)
    if (id === ZIP64_EXTRA) {
      header.zip64 = true
      let field = at + 4
      if (header.size === 0xffffffff && field + 8 <= at + 4 + length) {
        header.size = u64(extra, field)
        field += 8
      }
      if (header.compressedSize === 0xffffffff && field + 8 <= at + 4 + length)
        header.compressedSize = u64(extra, field)
    }
    at += 4 + length
  }
  return header
}

/** An iterable over a generator that a consumer can stop reading without closing it (the reader drains it). */
function once(generator: AsyncGenerator<Uint8Array, void, undefined>): AsyncIterable<Uint8Array> {
  let used = false
  return {
    [Symbol.asyncIterator]() {
      if (used) throw new TypeError("a ZIP entry's data can be read once")
      used = true
      return {
        next: () => generator.next(),
        return: async () => ({ done: true, value: undefined }),
      }
    },
  }
}

async function* entryData(
  reader: ByteReader,
  header: LocalHeader,
  descriptor: boolean,
  where: string,
): AsyncGenerator<Uint8Array, void, undefined> {
  let crc = 0
  let size = 0
  const take = (chunk: Uint8Array) => {
    crc = crc32(chunk, crc)
    size += chunk.byteLength
    return chunk
  }
  if (header.method === 0) {
    for (let left = header.compressedSize; left > 0; ) {
      const chunk = await reader.chunk(left)
      if (!chunk) throw zipError(where, 'the archive ends inside the entry data')
      left -= chunk.byteLength
      yield take(chunk)
    }
  } else {
    for await (const chunk of inflate(reader, descriptor ? undefined : header.compressedSize, where)) yield take(chunk)
  }
  let expected = { crc: header.crc, size: header.size }
  if (descriptor) expected = await readDescriptor(reader, header.zip64, where)
  if (crc !== expected.crc)
    throw zipError(
      where,
      `CRC-32 mismatch (the data is corrupt): expected ${expected.crc.toString(16)}, got ${crc.toString(16)}`,
    )
  if (size !== expected.size) throw zipError(where, `size mismatch: expected ${expected.size} bytes, got ${size}`)
}

/**
 * Inflates raw deflate data from the reader: exactly `compressedSize` bytes when known,
 * otherwise until the deflate stream ends, pushing back the bytes read past its end.
 */
async function* inflate(
  reader: ByteReader,
  compressedSize: number | undefined,
  where: string,
): AsyncGenerator<Uint8Array, void, undefined> {
  const inflater: InflateRaw = createInflateRaw()
  let failure: unknown
  inflater.on('error', (error) => {
    failure = error
  })
  let fed = 0
  const feeding = (async () => {
    let left = compressedSize ?? Number.POSITIVE_INFINITY
    while (left > 0 && failure === undefined) {
      const chunk = await reader.chunk(Math.min(left, FEED_BYTES))
      if (!chunk) throw zipError(where, 'the archive ends inside the entry data')
      left -= chunk.byteLength
      fed += chunk.byteLength
      await new Promise<void>((resolve) => inflater.write(chunk, () => resolve()))
      if (compressedSize === undefined && inflater.bytesWritten < fed) {
        // The deflate stream ended inside this chunk: the rest belongs to what follows.
        reader.unshift(chunk.subarray(chunk.byteLength - (fed - inflater.bytesWritten)))
        break
      }
    }
    inflater.end()
  })()
  feeding.catch((error: unknown) => inflater.destroy(error as Error))
  try {
    for await (const chunk of inflater) yield chunk as Buffer
    await feeding
  } catch (error) {
    if (isZlibError(error) || isZlibError(failure))
      throw zipError(where, `the deflate data is corrupt (${(error as Error).message})`, error)
    throw error
  } finally {
    inflater.destroy()
  }
}

async function readDescriptor(
  reader: ByteReader,
  zip64: boolean,
  where: string,
): Promise<{ crc: number; size: number }> {
  const sizeBytes = zip64 ? 8 : 4
  const head = await reader.read(4)
  let fields: Uint8Array
  if (head.byteLength === 4 && u32(head, 0) === DATA_DESCRIPTOR) fields = await reader.read(4 + 2 * sizeBytes)
  else {
    const tail = await reader.read(2 * sizeBytes)
    fields = new Uint8Array([...head, ...tail])
  }
  if (fields.byteLength < 4 + 2 * sizeBytes) throw zipError(where, 'the archive ends inside a data descriptor')
  const read = zip64 ? u64 : u32
  return { crc: u32(fields, 0), size: read(fields, 4 + sizeBytes) }
}

function zipError(where: string, problem: string, cause?: unknown): DataFormatError {
  return new DataFormatError('zip', where, problem, cause === undefined ? {} : { cause })
}
