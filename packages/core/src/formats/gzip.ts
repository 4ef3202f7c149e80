import { pipeline, Readable } from 'node:stream'
import { createGunzip, type Gunzip } from 'node:zlib'
import { DataFormatError } from '../errors/errors.ts'

/** The two bytes every gzip member starts with. */
export function isGzip(head: Uint8Array): boolean {
  return head.byteLength >= 2 && head[0] === 0x1f && head[1] === 0x8b
}

/** zlib's own failures carry `Z_*` codes; anything else came from the source and passes through. */
export function isZlibError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('Z_')
}

/**
 * Decompresses a gzip stream (a `.gz` file, concatenated members included) chunk by chunk
 * with Node's zlib: memory stays at zlib's window plus one output buffer however large the
 * body. A corrupt or cut stream throws {@link DataFormatError}; errors of the source itself
 * (a network failure) pass through unchanged. Stopping early stops the source.
 * @example for await (const chunk of gunzip(response.body)) ...
 */
export async function* gunzip(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array, void, undefined> {
  const output: Gunzip = pipeline(Readable.from(source, { objectMode: false }), createGunzip(), () => {})
  try {
    for await (const chunk of output) yield chunk as Buffer
  } catch (error) {
    if (isZlibError(error))
      throw new DataFormatError(
        'gzip',
        `byte ${output.bytesWritten} of the compressed stream`,
        (error as Error).message,
        {
          cause: error,
        },
      )
    throw error
  } finally {
    output.destroy()
  }
}
