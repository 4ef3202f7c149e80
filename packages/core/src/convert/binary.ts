import { describeKind } from '../internal/values.ts'
import { FAIL, type Fail, reject } from './failure.ts'
import { toText } from './numbers.ts'

// Binary and variant rules.

const BASE64_VALUES = new Int8Array(128).fill(-1)
for (const [index, char] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].entries()) {
  BASE64_VALUES[char.charCodeAt(0)] = index
}
const PAD = 61 // '='

/**
 * Python's lenient `base64.b64decode(text)`: characters outside the alphabet are skipped,
 * a complete pad sequence ends the input, and only a bad final length fails. Returns
 * undefined when Python would raise (including for non-ASCII text).
 */
function decodeBase64Lenient(text: string): Uint8Array | undefined {
  const out = new Uint8Array(Math.ceil((text.length * 3) / 4))
  let length = 0
  let quadPosition = 0
  let left = 0
  let pads = 0
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index)
    if (code > 127) return undefined
    if (code === PAD) {
      if (quadPosition >= 2 && quadPosition + ++pads >= 4) return out.subarray(0, length)
      continue
    }
    const sextet = BASE64_VALUES[code]!
    if (sextet < 0) continue
    pads = 0
    switch (quadPosition) {
      case 0:
        left = sextet
        quadPosition = 1
        break
      case 1:
        out[length++] = (left << 2) | (sextet >> 4)
        left = sextet & 0x0f
        quadPosition = 2
        break
      case 2:
        out[length++] = (left << 4) | (sextet >> 2)
        left = sextet & 0x03
        quadPosition = 3
        break
      default:
        out[length++] = (left << 6) | sextet
        quadPosition = 0
    }
  }
  return quadPosition === 0 ? out.subarray(0, length) : undefined
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48
  const lower = code | 32
  return lower >= 97 && lower <= 102 ? lower - 87 : -1
}

function isAsciiSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13)
}

/** Python's `bytes.fromhex(text)`: pairs of hex digits, ASCII whitespace allowed between pairs. */
function decodeHex(text: string): Uint8Array | undefined {
  const out = new Uint8Array(text.length >> 1)
  let length = 0
  let index = 0
  while (index < text.length) {
    if (isAsciiSpace(text.charCodeAt(index))) {
      index++
      continue
    }
    const high = hexValue(text.charCodeAt(index))
    const low = index + 1 < text.length ? hexValue(text.charCodeAt(index + 1)) : -1
    if (high < 0 || low < 0) return undefined
    out[length++] = (high << 4) | low
    index += 2
  }
  return out.subarray(0, length)
}

const encoder = new TextEncoder()

/**
 * `binary` rule, as upstream: a `Uint8Array` passes; a string is tried as (lenient)
 * base64, then hex, then taken as UTF-8 text, so `"SGVsbG8="` and `"48656c6c6f"` both
 * give `Hello` (and a 4-letter word such as `"abcd"` decodes as base64, as in Python);
 * a list of integers 0–255 gives those bytes; any other value gives the UTF-8 bytes of
 * its `string` conversion (`12345` ⇒ the bytes of `"12345"`).
 */
export function toBinary(value: unknown): Uint8Array | Fail {
  if (typeof value === 'string') return decodeBase64Lenient(value) ?? decodeHex(value) ?? encoder.encode(value)
  if (value instanceof Uint8Array) return value
  if (Array.isArray(value)) {
    const out = new Uint8Array(value.length)
    for (let index = 0; index < value.length; index++) {
      const byte = value[index]
      if (typeof byte !== 'number' || !Number.isInteger(byte) || byte < 0 || byte > 255) {
        return reject(`a list of bytes needs integers 0 to 255; item ${index} is ${describeKind(byte)}`)
      }
      out[index] = byte
    }
    return out
  }
  const text = toText(value)
  return text === FAIL ? FAIL : encoder.encode(text)
}

/**
 * `variant` rule, as upstream: a string is JSON text and is parsed (text that is not JSON
 * fails: to store free text, declare a string column); any other value is kept as is.
 */
export function toVariant(value: unknown): unknown {
  if (typeof value !== 'string') return value
  try {
    return JSON.parse(value)
  } catch {
    return reject('a string in a variant column must be JSON text')
  }
}
