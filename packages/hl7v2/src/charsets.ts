import { isUtf8 } from 'node:buffer'
import type { Location } from './delimiters.ts'
import { Hl7Error } from './hl7-error.ts'

/** Turns a message's bytes into text, or throws `invalid_encoding`. */
export type ByteDecoder = (bytes: Uint8Array, where?: Location) => string

/** A character set this parser decodes: its HL7 name (MSH-18, table 0211) and how. */
export interface Charset {
  /** The canonical HL7 name, e.g. `UNICODE UTF-8`, `8859/1`. */
  readonly name: string
  /** Strict decoding: bytes the character set does not define are an error. */
  readonly decode: ByteDecoder
  /** Lenient decoding for `\X..\` escapes: undefined bytes become U+FFFD. */
  readonly decodeLenient: (bytes: Uint8Array) => string
}

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)

function firstInvalidUtf8(bytes: Uint8Array): number {
  let index = 0
  while (index < bytes.length) {
    const lead = bytes[index]!
    const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : 4
    if (lead >= 0xf5 || (lead >= 0x80 && lead < 0xc2)) return index
    for (let next = 1; next < length; next++) {
      const byte = bytes[index + next]
      if (byte === undefined || (byte & 0xc0) !== 0x80) return index
    }
    // Overlong 3- and 4-byte forms, surrogates and code points past U+10FFFF.
    const second = bytes[index + 1] ?? 0
    if ((lead === 0xe0 && second < 0xa0) || (lead === 0xed && second >= 0xa0)) return index
    if ((lead === 0xf0 && second < 0x90) || (lead === 0xf4 && second >= 0x90)) return index
    index += length
  }
  return -1
}

const hexByte = (byte: number) => `0x${byte.toString(16).padStart(2, '0').toUpperCase()}`

const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const utf8Lenient = new TextDecoder('utf-8', { ignoreBOM: true })

const UTF8: Charset = {
  name: 'UNICODE UTF-8',
  decode(bytes, where) {
    if (isUtf8(bytes)) return utf8Strict.decode(bytes)
    const at = firstInvalidUtf8(bytes)
    throw new Hl7Error(
      'invalid_encoding',
      `invalid UTF-8 byte ${hexByte(bytes[at] ?? 0)} at byte ${at} of the message (character set UNICODE UTF-8${where?.messageIndex === undefined ? '' : ', from MSH-18 or the default'})`,
      where,
      { excerpt: asBuffer(bytes).toString('latin1', Math.max(0, at - 40), at + 10) },
    )
  },
  decodeLenient: (bytes) => utf8Lenient.decode(bytes),
}

const ASCII: Charset = {
  name: 'ASCII',
  decode(bytes, where) {
    const at = bytes.findIndex((byte) => byte > 0x7f)
    if (at !== -1) {
      throw new Hl7Error(
        'invalid_encoding',
        `byte ${hexByte(bytes[at]!)} at byte ${at} is not ASCII, the message's character set (MSH-18)`,
        where,
        { excerpt: asBuffer(bytes).toString('latin1', Math.max(0, at - 40), at + 10) },
      )
    }
    return asBuffer(bytes).toString('latin1')
  },
  decodeLenient: (bytes) => asBuffer(bytes).toString('latin1'),
}

/** ISO 8859-1 maps every byte to the code point of the same value (no undefined bytes). */
const LATIN1: Charset = {
  name: '8859/1',
  decode: (bytes) => asBuffer(bytes).toString('latin1'),
  decodeLenient: (bytes) => asBuffer(bytes).toString('latin1'),
}

function textDecoderCharset(name: string, label: string): Charset {
  const strict = new TextDecoder(label, { fatal: true })
  const lenient = new TextDecoder(label)
  return {
    name,
    decode(bytes, where) {
      try {
        return strict.decode(bytes)
      } catch {
        throw new Hl7Error('invalid_encoding', `bytes that are not valid ${name} (MSH-18)`, where, {
          excerpt: asBuffer(bytes).toString('latin1', 0, 200),
        })
      }
    },
    decodeLenient: (bytes) => lenient.decode(bytes),
  }
}

/** HL7 table 0211 names (normalised: upper case, single spaces) → character sets. */
const CHARSETS = new Map<string, Charset>([
  ['ASCII', ASCII],
  ['8859/1', LATIN1],
  ...[2, 3, 4, 5, 6, 7, 8, 9, 15].map((part): [string, Charset] => [
    `8859/${part}`,
    textDecoderCharset(`8859/${part}`, `iso-8859-${part}`),
  ]),
  ['UNICODE UTF-8', UTF8],
  ['GB 18030-2000', textDecoderCharset('GB 18030-2000', 'gb18030')],
  ['KS X 1001', textDecoderCharset('KS X 1001', 'euc-kr')],
  ['BIG-5', textDecoderCharset('BIG-5', 'big5')],
])

/** Table 0211 names that exist but are not decoded here (multi-byte forms the splitter cannot cut safely). */
const UNSUPPORTED = new Set([
  'ISO IR14',
  'ISO IR87',
  'ISO IR159',
  'CNS 11643-1992',
  'UNICODE',
  'UNICODE UTF-16',
  'UNICODE UTF-32',
])

/** The character sets {@link charsetNamed} decodes, by their HL7 names. */
export const SUPPORTED_CHARSETS: readonly string[] = [...CHARSETS.keys()]

/** The charset assumed when MSH-18 is empty. @default UTF-8 (ASCII is a subset of it) */
export const DEFAULT_CHARSET = 'UNICODE UTF-8'

/** Spellings seen in the wild for the names above. */
const ALIASES = new Map<string, string>([
  ['UTF-8', 'UNICODE UTF-8'],
  ['UTF8', 'UNICODE UTF-8'],
  ['ISO-8859-1', '8859/1'],
  ['ISO 8859-1', '8859/1'],
  ['LATIN1', '8859/1'],
  ['US-ASCII', 'ASCII'],
  ['ISO IR6', 'ASCII'],
  ['ISO IR100', '8859/1'],
])

/**
 * The character set an MSH-18 value names (its first repetition's first component; empty
 * means `fallback`). Names are compared case-insensitively with runs of spaces folded.
 * @throws Hl7Error (`unknown_charset`) for a name this parser does not decode
 */
export function charsetNamed(value: string | undefined, where: Location = {}, fallback = DEFAULT_CHARSET): Charset {
  const normalised = (value ?? '').trim().replace(/\s+/g, ' ').toUpperCase()
  const name = normalised === '' ? fallback.trim().replace(/\s+/g, ' ').toUpperCase() : normalised
  const found = CHARSETS.get(ALIASES.get(name) ?? name)
  if (found) return found
  const why = UNSUPPORTED.has(name)
    ? 'a valid HL7 character set this parser does not decode'
    : 'not an HL7 character set'
  throw new Hl7Error(
    'unknown_charset',
    `MSH-18 (character set) is ${JSON.stringify(value ?? fallback)}, ${why}; expected one of ${SUPPORTED_CHARSETS.join(', ')}`,
    where,
  )
}
