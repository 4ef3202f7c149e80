import { crc32, createDeflateRaw, deflateRawSync } from 'node:zlib'

/** One file of a zip archive to write. */
export interface ZipFile {
  /** Path inside the archive, with `/` separators. */
  name: string
  data: Uint8Array
  /** Unix permission bits. @default 0o644 */
  mode?: number
  /** `store` keeps the bytes as they are; `auto` deflates unless that does not make them smaller. @default 'auto' */
  method?: 'auto' | 'deflate' | 'store'
}

/** A file whose content is streamed into {@link zipStream}. */
export interface ZipStreamFile {
  name: string
  data: AsyncIterable<Uint8Array> | Uint8Array
  /** @default 0o644 */
  mode?: number
}

/** Options of {@link writeZip}. */
export interface ZipWriteOptions {
  /**
   * Write each entry as a streaming writer does: sizes and CRC-32 zero in the local header
   * (general-purpose flag bit 3) and given in a data descriptor after the data.
   * @default false
   */
  dataDescriptor?: boolean
}

// A fixed timestamp (1980-01-01 00:00, the DOS epoch) keeps archives reproducible.
const DOS_TIME = 0
const DOS_DATE = (0 << 9) | (1 << 5) | 1
const UTF8_NAMES = 0x0800
const FLAG_DESCRIPTOR = 0x0008

/** The fields the local header and the central directory header share, in the same order. */
interface EntryFields {
  flags: number
  method: number
  checksum: number
  compressedSize: number
  size: number
  nameLength: number
}

/** Writes {@link EntryFields} from `at`: flags, method, DOS time and date, CRC-32, sizes, name length. */
function writeEntryFields(header: Buffer, at: number, fields: EntryFields): void {
  header.writeUInt16LE(fields.flags, at)
  header.writeUInt16LE(fields.method, at + 2)
  header.writeUInt16LE(DOS_TIME, at + 4)
  header.writeUInt16LE(DOS_DATE, at + 6)
  header.writeUInt32LE(fields.checksum, at + 8)
  header.writeUInt32LE(fields.compressedSize, at + 12)
  header.writeUInt32LE(fields.size, at + 16)
  header.writeUInt16LE(fields.nameLength, at + 20)
}

function localHeader(name: Buffer, fields: EntryFields): Buffer {
  const header = Buffer.alloc(30)
  header.writeUInt32LE(0x04034b50, 0)
  header.writeUInt16LE(20, 4) // version needed
  const streamed = (fields.flags & FLAG_DESCRIPTOR) !== 0
  writeEntryFields(header, 6, streamed ? { ...fields, checksum: 0, compressedSize: 0, size: 0 } : fields)
  header.writeUInt16LE(0, 28)
  return Buffer.concat([header, name])
}

function descriptor(fields: EntryFields): Buffer {
  const bytes = Buffer.alloc(16)
  bytes.writeUInt32LE(0x08074b50, 0)
  bytes.writeUInt32LE(fields.checksum, 4)
  bytes.writeUInt32LE(fields.compressedSize, 8)
  bytes.writeUInt32LE(fields.size, 12)
  return bytes
}

function centralHeader(name: Buffer, fields: EntryFields, mode: number, offset: number): Buffer {
  const header = Buffer.alloc(46)
  header.writeUInt32LE(0x02014b50, 0)
  header.writeUInt16LE((3 << 8) | 20, 4) // made by Unix, spec 2.0
  header.writeUInt16LE(20, 6)
  writeEntryFields(header, 8, fields)
  header.writeUInt32LE(((mode | 0o100000) << 16) >>> 0, 38) // regular file + mode
  header.writeUInt32LE(offset, 42)
  return Buffer.concat([header, name])
}

function endOfDirectory(count: number, directorySize: number, directoryOffset: number): Buffer {
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(count, 8)
  end.writeUInt16LE(count, 10)
  end.writeUInt32LE(directorySize, 12)
  end.writeUInt32LE(directoryOffset, 16)
  return end
}

/**
 * Writes a zip archive in memory (deflate, Unix permissions in the external attributes so an
 * executable survives `pip install`). Entries keep their order; timestamps are fixed so the
 * same inputs give the same bytes. No ZIP64: every size must stay below 4 GiB.
 * @example writeZip([{ name: 'orders.csv', data: Buffer.from(csv) }])
 */
export function writeZip(files: readonly ZipFile[], options: ZipWriteOptions = {}): Buffer {
  const parts: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const file of files) {
    const name = Buffer.from(file.name, 'utf8')
    const method = file.method ?? 'auto'
    const compressed = method === 'store' ? undefined : deflateRawSync(file.data, { level: 9 })
    const stored = compressed === undefined || (method === 'auto' && compressed.length >= file.data.length)
    const body = stored ? Buffer.from(file.data) : compressed
    const fields: EntryFields = {
      flags: UTF8_NAMES | (options.dataDescriptor ? FLAG_DESCRIPTOR : 0),
      method: stored ? 0 : 8,
      checksum: crc32(file.data),
      compressedSize: body.length,
      size: file.data.length,
      nameLength: name.length,
    }
    const entry = [localHeader(name, fields), body, ...(options.dataDescriptor ? [descriptor(fields)] : [])]
    parts.push(...entry)
    centrals.push(centralHeader(name, fields, file.mode ?? 0o644, offset))
    offset += entry.reduce((total, part) => total + part.length, 0)
  }
  const directory = Buffer.concat(centrals)
  return Buffer.concat([...parts, directory, endOfDirectory(files.length, directory.length, offset)])
}

/**
 * Writes a zip archive as a stream, the way a server exporting data does: each entry is
 * deflated as its data arrives and described by a data descriptor, then the central
 * directory follows. Memory holds one chunk at a time. No ZIP64 (sizes below 4 GiB).
 * @example response.write of each chunk: for await (const chunk of zipStream([{ name: 'a.ndjson', data: lines() }])) ...
 */
export async function* zipStream(files: Iterable<ZipStreamFile>): AsyncGenerator<Buffer, void, undefined> {
  const centrals: Buffer[] = []
  let offset = 0
  let count = 0
  for (const file of files) {
    const name = Buffer.from(file.name, 'utf8')
    const fields: EntryFields = {
      flags: UTF8_NAMES | FLAG_DESCRIPTOR,
      method: 8,
      checksum: 0,
      compressedSize: 0,
      size: 0,
      nameLength: name.length,
    }
    const start = offset
    const header = localHeader(name, fields)
    offset += header.length
    yield header
    const deflater = createDeflateRaw({ level: 6 })
    const source = file.data instanceof Uint8Array ? [file.data] : file.data
    const feeding = (async () => {
      for await (const chunk of source) {
        fields.checksum = crc32(chunk, fields.checksum)
        fields.size += chunk.byteLength
        if (!deflater.write(chunk)) await new Promise((resolve) => deflater.once('drain', resolve))
      }
      deflater.end()
    })()
    feeding.catch((error: unknown) => deflater.destroy(error as Error))
    for await (const chunk of deflater) {
      fields.compressedSize += (chunk as Buffer).length
      offset += (chunk as Buffer).length
      yield chunk as Buffer
    }
    await feeding
    const trailer = descriptor(fields)
    offset += trailer.length
    yield trailer
    centrals.push(centralHeader(name, fields, file.mode ?? 0o644, start))
    count++
  }
  const directory = Buffer.concat(centrals)
  yield directory
  yield endOfDirectory(count, directory.length, offset)
}
