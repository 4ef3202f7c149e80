/** How many characters of a body an error keeps (before redaction cuts it to the excerpt length). */
const ERROR_BODY_CHARS = 1000
/** How many characters of an error body the rate-limit hook sees (`ResponseMeta.bodyText`). */
export const HOOK_BODY_CHARS = 4096
/** Error bodies are read up to this many bytes; the rest is discarded unread. */
const ERROR_BODY_MAX_BYTES = 64 * 1024

/** A body that is not valid JSON: the parse message and the start of the text. */
export class InvalidJsonBody {
  readonly message: string
  readonly excerpt: string
  constructor(message: string, excerpt: string) {
    this.message = message
    this.excerpt = excerpt
  }
}

/**
 * Parses a JSON body. An empty body is `undefined` (a 204, say). Invalid JSON returns an
 * {@link InvalidJsonBody} rather than throwing, so the caller classifies it. The text is
 * not kept beyond this call: only an excerpt survives on failure.
 */
export function parseJsonBody(text: string): unknown {
  if (text.length === 0 || (text.length < 64 && text.trim() === '')) return undefined
  try {
    return JSON.parse(text)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    // V8 quotes the offending text in its message; keep only the reason, the excerpt shows the text.
    const short = reason.replace(/,? ".*" is not valid JSON$/s, '').slice(0, 200)
    return new InvalidJsonBody(short, text.slice(0, ERROR_BODY_CHARS))
  }
}

/**
 * Reads at most 64 KiB of an error response and keeps its first `maxChars` characters as
 * text, cancelling the rest, so a huge error page cannot exhaust memory. Errors while
 * reading are ignored: the status is what matters.
 */
export async function readErrorBody(response: Response, maxChars: number = ERROR_BODY_CHARS): Promise<string> {
  const stream = response.body
  if (stream === null) return ''
  const reader = stream.getReader()
  const decoder = new TextDecoder()
  let text = ''
  let bytes = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      bytes += value.byteLength
      // Keep reading small bodies to the end so the connection can be reused.
      if (text.length < maxChars) text += decoder.decode(value, { stream: true })
      if (bytes >= ERROR_BODY_MAX_BYTES) {
        await reader.cancel().catch(() => {})
        break
      }
    }
    if (text.length < maxChars) text += decoder.decode()
  } catch {
    // A body cut short still tells us the status; keep what arrived.
  } finally {
    reader.releaseLock()
  }
  return text.slice(0, maxChars)
}

/** Discards a body so the connection can be reused. */
export async function discardBody(response: Response): Promise<void> {
  if (response.body === null) return
  try {
    await response.body.cancel()
  } catch {
    // Already consumed or errored: nothing to release.
  }
}
