import { FRAME_HEADER_BYTES, FRAME_JSON, type ResponseMessage } from './messages.ts'

/** Encodes one frame: kind, request id, payload length (both uint32 little-endian), payload. */
export function encodeFrame(kind: number, id: number, payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length)
  frame[0] = kind
  frame.writeUInt32LE(id >>> 0, 1)
  frame.writeUInt32LE(payload.length, 5)
  frame.set(payload, FRAME_HEADER_BYTES)
  return frame
}

/** Just the 9-byte header of a frame, for writing a large payload separately. */
export function frameHeader(kind: number, id: number, length: number): Buffer {
  const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES)
  header[0] = kind
  header.writeUInt32LE(id >>> 0, 1)
  header.writeUInt32LE(length, 5)
  return header
}

/** A JSON frame for a response message. */
export function jsonFrame(message: ResponseMessage): Buffer {
  return encodeFrame(FRAME_JSON, message.id, Buffer.from(JSON.stringify(message, bigintReplacer), 'utf8'))
}

function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value
}

/** A decoded frame. */
export interface Frame {
  kind: number
  id: number
  payload: Buffer
}

/**
 * Splits a byte stream into frames (the client side of the protocol, used by tests and
 * by Node clients of a bridge process).
 */
export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0)

  /** Feeds bytes; returns the frames completed by them. */
  push(chunk: Buffer): Frame[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk])
    const frames: Frame[] = []
    while (this.pending.length >= FRAME_HEADER_BYTES) {
      const length = this.pending.readUInt32LE(5)
      if (this.pending.length < FRAME_HEADER_BYTES + length) break
      frames.push({
        kind: this.pending[0]!,
        id: this.pending.readUInt32LE(1),
        payload: this.pending.subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + length),
      })
      this.pending = this.pending.subarray(FRAME_HEADER_BYTES + length)
    }
    return frames
  }

  /** Bytes received that do not yet form a whole frame. */
  get buffered(): number {
    return this.pending.length
  }
}
