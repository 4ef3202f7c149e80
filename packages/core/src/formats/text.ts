import { type DataFormat, DataFormatError } from '../errors/errors.ts'

/**
 * Decodes UTF-8 byte chunks to text chunks (a byte order mark dropped, a character split
 * across chunks kept whole). Bytes that are not UTF-8 throw {@link DataFormatError}.
 */
export async function* textChunks(
  source: AsyncIterable<Uint8Array>,
  format: DataFormat,
  where?: string,
): AsyncGenerator<string, void, undefined> {
  const decoder = new TextDecoder('utf-8', { fatal: true })
  let offset = 0
  const decode = (chunk?: Uint8Array): string => {
    try {
      return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode()
    } catch (error) {
      throw new DataFormatError(
        format,
        `${where ? `${where}, ` : ''}byte ${offset}`,
        'the bytes are not valid UTF-8 text',
        {
          cause: error,
        },
      )
    }
  }
  for await (const chunk of source) {
    const text = decode(chunk)
    offset += chunk.byteLength
    if (text !== '') yield text
  }
  const rest = decode()
  if (rest !== '') yield rest
}
