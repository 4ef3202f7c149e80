import type { PipelineEvent } from '@lakeflow/pipeline'
import type { Output } from '../output.ts'

interface TableLine {
  table: string
  kind: string
  records: number
  batches: number
  started: number
  status: 'running' | 'done' | 'failed'
  note: string
}

const number = new Intl.NumberFormat('en-US')
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']

/**
 * Live progress on a terminal: one line per table (records, batches, rate), redrawn in
 * place with ANSI cursor movement at most every 100 ms.
 */
export class ProgressDisplay {
  private readonly output: Output
  private readonly lines = new Map<string, TableLine>()
  private drawn = 0
  private frame = 0
  private lastDraw = 0
  private timer: NodeJS.Timeout | undefined

  constructor(output: Output) {
    this.output = output
  }

  handle(event: PipelineEvent): void {
    switch (event.type) {
      case 'run-started':
        this.timer = setInterval(() => this.draw(true), 250)
        this.timer.unref()
        return
      case 'table-started':
        this.lines.set(event.table, {
          table: event.table,
          kind: event.ingestionType,
          records: 0,
          batches: 0,
          started: Date.now(),
          status: 'running',
          note: '',
        })
        break
      case 'progress': {
        const line = this.lines.get(event.table)
        if (line) Object.assign(line, { records: event.records, batches: event.batches })
        break
      }
      case 'batch-committed': {
        const line = this.lines.get(event.table)
        if (line) line.batches = event.batch
        break
      }
      case 'retry': {
        const line = event.table ? this.lines.get(event.table) : undefined
        if (line) line.note = `retrying (${event.status ?? event.reason})`
        break
      }
      case 'table-finished':
      case 'table-failed': {
        const line = this.lines.get(event.report.sourceTable)
        if (line) {
          Object.assign(line, { records: event.report.rows, batches: event.report.batches })
          line.status = event.type === 'table-finished' ? 'done' : 'failed'
          line.note = event.type === 'table-failed' ? (event.report.error?.message ?? '').slice(0, 60) : ''
        }
        break
      }
      case 'warning':
        this.clear()
        this.output.stderr(`warning: ${event.table ? `${event.table}: ` : ''}${event.message}`)
        break
      case 'run-finished':
        if (this.timer) clearInterval(this.timer)
        this.draw(true)
        return
    }
    this.draw(false)
  }

  private clear(): void {
    if (this.drawn > 0) this.output.writeStderr(`\x1b[${this.drawn}F\x1b[J`)
    this.drawn = 0
  }

  private draw(force: boolean): void {
    const now = Date.now()
    if (!force && now - this.lastDraw < 100) return
    this.lastDraw = now
    this.frame++
    const width = Math.max(...[...this.lines.keys()].map((name) => name.length), 5)
    const text = [...this.lines.values()].map((line) => {
      const seconds = Math.max((now - line.started) / 1000, 0.001)
      const icon =
        line.status === 'done'
          ? '\x1b[32m✔\x1b[0m'
          : line.status === 'failed'
            ? '\x1b[31m✖\x1b[0m'
            : SPINNER[this.frame % SPINNER.length]
      const rate = line.status === 'running' ? `  ${number.format(Math.round(line.records / seconds))} rec/s` : ''
      return `${icon} ${line.table.padEnd(width)}  ${line.kind.padEnd(16)} ${number.format(line.records).padStart(11)} records  ${String(line.batches).padStart(4)} batches${rate}${line.note ? `  ${line.note}` : ''}`
    })
    this.clear()
    if (text.length > 0) this.output.writeStderr(`${text.join('\n')}\n`)
    this.drawn = text.length
  }
}

/** Newline-delimited JSON logs: one event per line, with a timestamp. */
export function jsonLogger(write: (line: string) => void): (event: PipelineEvent) => void {
  return (event) => {
    if (event.type === 'progress') return
    write(JSON.stringify({ time: new Date().toISOString(), ...event }))
  }
}
