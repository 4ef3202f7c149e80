import { once } from 'node:events'

/** Where a command writes. */
export interface Output {
  /** Writes a block of text plus a newline to stdout. */
  stdout(text: string): void
  /** Writes a line to stderr. */
  stderr(text: string): void
  /** Writes one stdout line, waiting when the pipe is full (large `read` outputs stay bounded). */
  line(text: string): Promise<void> | void
  /**
   * True once the reader of stdout went away (`lakeflow read … | head -1`): writes are dropped,
   * and a command whose output is its product may stop early.
   */
  readonly closed: boolean
  /** Whether stderr is a terminal (progress bars) or not (JSON logs). */
  readonly interactive: boolean
  /** Raw stderr writes for the progress display. */
  writeStderr(text: string): void
}

/**
 * The process's stdout and stderr. A closed pipe (EPIPE) is not an error: output nobody reads is
 * dropped quietly, so `lakeflow read … | head -1` ends with exit 0 instead of a stack trace.
 */
export function processOutput(): Output {
  let closed = false
  let stderrClosed = false
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
    closed = true
    process.stdout.emit('drain')
  })
  process.stderr.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
    stderrClosed = true
  })
  const write = (text: string) => closed || process.stdout.write(text)
  const writeStderr = (text: string) => void (stderrClosed || process.stderr.write(text))
  return {
    stdout: (text) => void write(`${text}\n`),
    stderr: (text) => writeStderr(`${text}\n`),
    line: (text) => {
      if (!write(`${text}\n`) && !closed) return once(process.stdout, 'drain').then(() => {})
    },
    get closed() {
      return closed
    },
    interactive: Boolean(process.stderr.isTTY) && process.env.TERM !== 'dumb',
    writeStderr,
  }
}
