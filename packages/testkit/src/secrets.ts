import { randomBytes } from 'node:crypto'
import { inspect } from 'node:util'

/** A fresh canary secret: long, unique, and easy to spot. */
export function newCanary(): string {
  return `lakeflow-canary-${randomBytes(12).toString('hex')}`
}

const BASE64_TOKEN = /[A-Za-z0-9+/_-]{12,}={0,2}/g

/**
 * Whether `text` leaks the canary: verbatim, URL-encoded, base64 (of the canary alone, or
 * inside a decoded base64 token such as an HTTP basic `user:password` pair).
 */
export function leaksCanary(text: string, canary: string): boolean {
  if (text.includes(canary) || text.includes(encodeURIComponent(canary))) return true
  if (text.includes(Buffer.from(canary).toString('base64').replace(/=+$/, ''))) return true
  for (const token of text.match(BASE64_TOKEN) ?? []) {
    const decoded = Buffer.from(token.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8')
    if (decoded.includes(canary)) return true
  }
  return false
}

/** Every text form of an error a user or log shipper could see: message, stack, JSON, inspect, causes. */
export function errorTexts(error: unknown): string[] {
  const texts: string[] = []
  let current: unknown = error
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    texts.push(String(current))
    if (current instanceof Error && current.stack) texts.push(current.stack)
    try {
      texts.push(JSON.stringify(current) ?? '')
    } catch {
      // Circular structures are covered by inspect below.
    }
    texts.push(inspect(current, { depth: 6, showHidden: false }))
    current = (current as { cause?: unknown }).cause
  }
  return texts
}

/** Captures what is written to stdout, stderr and the console while `body` runs. */
export async function captureOutput<T>(body: () => Promise<T>): Promise<{ result: T; output: string }> {
  const chunks: string[] = []
  const stdoutWrite = process.stdout.write
  const stderrWrite = process.stderr.write
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const
  const saved = methods.map((method) => console[method])
  const record = (...args: unknown[]) => {
    chunks.push(args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg, { depth: 6 }))).join(' '))
  }
  process.stdout.write = ((chunk: unknown) => {
    chunks.push(String(chunk))
    return true
  }) as typeof process.stdout.write
  process.stderr.write = ((chunk: unknown) => {
    chunks.push(String(chunk))
    return true
  }) as typeof process.stderr.write
  for (const method of methods) console[method] = record
  try {
    const result = await body()
    return { result, output: chunks.join('\n') }
  } finally {
    process.stdout.write = stdoutWrite
    process.stderr.write = stderrWrite
    methods.forEach((method, index) => {
      console[method] = saved[index]!
    })
  }
}
