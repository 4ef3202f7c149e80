import { crc32, deflateRawSync } from 'node:zlib'

/** One file of a zip archive. */
export interface ZipEntry {
  /** Path inside the archive, with `/` separators. */
  name: string
  data: Uint8Array
  /** Unix permission bits. @default 0o644 */
  mode?: number
}

// A fixed timestamp (1980-01-01 00:00, the DOS epoch) keeps archives reproducible.
const DOS_TIME = 0
const DOS_DATE = (0 << 9) | (1 << 5) | 1

/**
 * Writes a zip archive (deflate, Unix permissions in the external attributes so an
 * executable survives `pip install`). Entries keep their order; timestamps are fixed so
 * the same inputs give the same bytes.
 */
export function writeZip(entries: readonly ZipEntry[]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8')
    const compressed = deflateRawSync(entry.data, { level: 9 })
    const stored = compressed.length >= entry.data.length
    const body = stored ? Buffer.from(entry.data) : compressed
    const fields = {
      method: stored ? 0 : 8,
      checksum: crc32(entry.data),
      compressedSize: body.length,
      size: entry.data.length,
      nameLength: name.length,
    }
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4) // version needed
    local.writeUInt16LE(0x0800, 6) // UTF-8 names
    writeEntryFields(local, 8, fields)
    local.writeUInt16LE(0, 28)
    locals.push(local, name, body)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE((3 << 8) | 20, 4) // made by Unix, spec 2.0
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(0x0800, 8)
    writeEntryFields(central, 10, fields)
    central.writeUInt32LE((((entry.mode ?? 0o644) | 0o100000) << 16) >>> 0, 38) // regular file + mode
    central.writeUInt32LE(offset, 42)
    centrals.push(central, name)
    offset += local.length + name.length + body.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}

/** The fields the local header and the central directory header share, in the same order. */
interface EntryFields {
  method: number
  checksum: number
  compressedSize: number
  size: number
  nameLength: number
}

/** Writes {@link EntryFields} from `at`: method, DOS time and date, CRC-32, sizes, name length. */
function writeEntryFields(header: Buffer, at: number, fields: EntryFields): void {
  header.writeUInt16LE(fields.method, at)
  header.writeUInt16LE(DOS_TIME, at + 2)
  header.writeUInt16LE(DOS_DATE, at + 4)
  header.writeUInt32LE(fields.checksum, at + 6)
  header.writeUInt32LE(fields.compressedSize, at + 10)
  header.writeUInt32LE(fields.size, at + 14)
  header.writeUInt16LE(fields.nameLength, at + 18)
}
