/** The `rel="next"` target of an RFC 8288 `Link` header, resolved against `base`. */
export function nextLinkFromHeader(header: string | null, base: string): string | undefined {
  if (!header) return undefined
  let position = 0
  while (position < header.length) {
    const open = header.indexOf('<', position)
    const close = open < 0 ? -1 : header.indexOf('>', open)
    if (close < 0) return undefined
    // Parameters run to the next comma outside a quoted string (a title may contain commas).
    let end = close + 1
    for (let quoted = false; end < header.length; end++) {
      const char = header[end]
      if (char === '"' && header[end - 1] !== '\\') quoted = !quoted
      else if (char === ',' && !quoted) break
    }
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(header.slice(close + 1, end))
    const relations = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/)
    if (relations.includes('next')) return new URL(header.slice(open + 1, close), base).href
    position = end + 1
  }
  return undefined
}
