import { once } from 'node:events'

/** Where a command writes. */
export interface Output {
  /** Writes a block of text plus a newline to stdout. */
  stdout(text: string): void
  /** Writes a line to stderr. */
  stderr(text: string): void
  /** Writes one stdout line, waiting when the pipe is full (large `read` outputs stay bounded). */
  line(text: string): Promise<void> | void
  /** Whether stderr is a terminal (progress bars) or not (JSON logs). */
  readonly interactive: boolean
  /** Raw stderr writes for the progress display. */
  writeStderr(text: string): void
}

/** The process's stdout and stderr. */
export function processOutput(): Output {
  return {
    stdout: (text) => void process.stdout.write(`${text}\n`),
    stderr: (text) => void process.stderr.write(`${text}\n`),
    line: (text) => {
      if (!process.stdout.write(`${text}\n`)) return once(process.stdout, 'drain').then(() => {})
    },
    interactive: Boolean(process.stderr.isTTY) && process.env.TERM !== 'dumb',
    writeStderr: (text) => void process.stderr.write(text),
  }
}
