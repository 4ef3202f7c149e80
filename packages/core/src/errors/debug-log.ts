/**
 * Debug notes: things worth knowing when diagnosing a run that are not warnings (an option a
 * table ignores, how a connector name was resolved). Off unless `LAKEFLOW_DEBUG` is set (or a
 * sink is installed); every line is redacted. The sink and the "already noted" set are
 * process-wide, shared by every copy of core, so a note given once stays given once.
 */
import { processWide } from './process-wide.ts'
import { redact } from './redact.ts'

/** Receives one debug line (already redacted, no trailing newline). */
export type DebugSink = (line: string) => void

interface DebugState {
  sink: DebugSink | undefined
  noted: Set<string>
}

function state(): DebugState {
  return processWide('lakeflow.debug', () => ({ sink: undefined, noted: new Set<string>() }))
}

/** True when `LAKEFLOW_DEBUG` is set to anything but ``, `0` or `false`. */
export function debugFromEnvironment(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.LAKEFLOW_DEBUG?.trim().toLowerCase()
  return value !== undefined && value !== '' && value !== '0' && value !== 'false'
}

const stderrSink: DebugSink = (line) => void process.stderr.write(`lakeflow debug: ${line}\n`)

/**
 * Installs the process's debug sink (a CLI's log, a test's collector); `undefined` restores the
 * default, which writes to stderr when `LAKEFLOW_DEBUG` is set. Returns the previous sink.
 * @example
 * const lines: string[] = []
 * const previous = setDebugSink((line) => lines.push(line))
 * try { ... } finally { setDebugSink(previous) }
 */
export function setDebugSink(sink: DebugSink | undefined): DebugSink | undefined {
  const current = state()
  const previous = current.sink
  current.sink = sink
  return previous
}

function activeSink(): DebugSink | undefined {
  return state().sink ?? (debugFromEnvironment() ? stderrSink : undefined)
}

function write(sink: DebugSink, line: string): void {
  try {
    sink(redact(line))
  } catch {
    // A broken sink must not break the work it observes.
  }
}

/** Writes a debug line, redacted, when debug output is on. */
export function debugLog(line: string): void {
  const sink = activeSink()
  if (sink) write(sink, line)
}

/**
 * {@link debugLog}, at most once per process for the same `key` (a note repeated on every
 * read call would drown the log). Notes made while debug output is off are not remembered.
 */
export function debugOnce(key: string, line: string): void {
  const sink = activeSink()
  if (!sink) return
  const { noted } = state()
  if (noted.has(key)) return
  noted.add(key)
  write(sink, line)
}
