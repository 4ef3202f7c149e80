/**
 * Reads an async stream of byte chunks in exact amounts, with push-back: what a parser of
 * a binary layout (ZIP headers) needs over a body it must not hold whole. Holds at most the
 * bytes asked for plus one source chunk.
 */
export class ByteReader {
  readonly #iterator: AsyncIterator<Uint8Array>
  #queue: Uint8Array[] = []
  #queued = 0
  #ended = false
  /** Bytes handed out so far (the offset of the next byte). */
  position = 0

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#iterator = source[Symbol.asyncIterator]()
  }

  /** Buffers at least `count` bytes; `false` when the source ends first. */
  async fill(count: number): Promise<boolean> {
    while (this.#queued < count) {
      if (this.#ended) return false
      const next = await this.#iterator.next()
      if (next.done) {
        this.#ended = true
        return false
      }
      if (next.value.byteLength > 0) {
        this.#queue.push(next.value)
        this.#queued += next.value.byteLength
      }
    }
    return true
  }

  /** Exactly `count` bytes, or fewer when the source ends first. */
  async read(count: number): Promise<Uint8Array> {
    await this.fill(count)
    const size = Math.min(count, this.#queued)
    const out = new Uint8Array(size)
    let filled = 0
    while (filled < size) {
      const head = this.#queue[0]!
      const take = Math.min(head.byteLength, size - filled)
      out.set(head.subarray(0, take), filled)
      filled += take
      if (take === head.byteLength) this.#queue.shift()
      else this.#queue[0] = head.subarray(take)
    }
    this.#queued -= size
    this.position += size
    return out
  }

  /** The next buffered or source chunk, at most `max` bytes; `undefined` at the end. */
  async chunk(max = Number.POSITIVE_INFINITY): Promise<Uint8Array | undefined> {
    if (this.#queued === 0 && !(await this.fill(1))) return undefined
    const head = this.#queue[0]!
    if (head.byteLength <= max) {
      this.#queue.shift()
      this.#queued -= head.byteLength
      this.position += head.byteLength
      return head
    }
    this.#queue[0] = head.subarray(max)
    this.#queued -= max
    this.position += max
    return head.subarray(0, max)
  }

  /** Puts bytes back in front (the unused tail of a chunk a consumer over-read). */
  unshift(bytes: Uint8Array): void {
    if (bytes.byteLength === 0) return
    this.#queue.unshift(bytes)
    this.#queued += bytes.byteLength
    this.position -= bytes.byteLength
  }

  /** The bytes from here to the end: what is buffered, then the rest of the source. */
  async *rest(): AsyncGenerator<Uint8Array, void, undefined> {
    for (let chunk = await this.chunk(); chunk !== undefined; chunk = await this.chunk()) yield chunk
  }

  /** The next `count` bytes without consuming them (fewer at the end). */
  async peek(count: number): Promise<Uint8Array> {
    const bytes = await this.read(count)
    this.unshift(bytes)
    return bytes
  }

  /** Stops the source (releases the connection when it is an HTTP body). */
  async close(): Promise<void> {
    this.#queue = []
    this.#queued = 0
    if (!this.#ended) {
      this.#ended = true
      await this.#iterator.return?.()
    }
  }
}
