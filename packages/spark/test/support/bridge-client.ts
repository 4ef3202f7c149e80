import { type ChildProcess, spawn } from 'node:child_process'
import { type RecordBatch, RecordBatchReader } from 'apache-arrow'
import { FrameDecoder } from '../../src/protocol/framing.ts'
import { FRAME_ARROW, PROTOCOL_VERSION, type ResponseMessage } from '../../src/protocol/messages.ts'
import { bridgeCommand } from './spark-driver.ts'

/** What a call produced: Arrow batches (reads) and the terminal message. */
export interface CallOutcome {
  batches: RecordBatch[]
  message: ResponseMessage
}

/** A test client speaking the bridge protocol to a real `lakeflow-bridge` process. */
export class BridgeClient {
  readonly child: ChildProcess
  stderr = ''
  private readonly decoder = new FrameDecoder()
  private readonly calls = new Map<number, { batches: RecordBatch[]; resolve: (outcome: CallOutcome) => void }>()
  private nextId = 1
  readonly exited: Promise<number | null>

  /** `connector`: what `--connector` gets; `cwd`: where the bridge runs (and resolves it from). */
  constructor(connector: string, settings: { env?: Record<string, string>; cwd?: string } = {}) {
    const [command, ...args] = bridgeCommand(connector)
    this.child = spawn(command!, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...settings.env },
      ...(settings.cwd ? { cwd: settings.cwd } : {}),
    })
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8')
    })
    this.child.stdout!.on('data', (chunk: Buffer) => {
      for (const frame of this.decoder.push(chunk)) {
        const call = this.calls.get(frame.id)
        if (!call) continue
        if (frame.kind === FRAME_ARROW) {
          call.batches.push(...RecordBatchReader.from(frame.payload).readAll())
        } else {
          this.calls.delete(frame.id)
          call.resolve({ batches: call.batches, message: JSON.parse(frame.payload.toString('utf8')) })
        }
      }
    })
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)))
  }

  /** Resolves once `ready()` holds, checked after each stderr chunk (stderr is a pipe of its own). */
  stderrUntil(ready: () => boolean): Promise<void> {
    if (ready()) return Promise.resolve()
    return new Promise((resolve) => {
      const check = () => {
        if (!ready()) return
        this.child.stderr!.off('data', check)
        resolve()
      }
      this.child.stderr!.on('data', check)
    })
  }

  /** Sends a request line as is (for protocol error tests). */
  sendRaw(line: string): void {
    this.child.stdin!.write(`${line}\n`)
  }

  /** Sends a request and resolves with its batches and terminal message. */
  call(method: string, params: Record<string, unknown> = {}, version = PROTOCOL_VERSION): Promise<CallOutcome> {
    const id = this.nextId++
    const outcome = new Promise<CallOutcome>((resolve) => this.calls.set(id, { batches: [], resolve }))
    this.sendRaw(JSON.stringify({ v: version, id, method, params }))
    return outcome
  }

  /** The id the next call will get. */
  peekId(): number {
    return this.nextId
  }

  /** Closes stdin and waits for the process to exit; kills it by pid after 10 s. */
  async close(): Promise<number | null> {
    this.child.stdin!.end()
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000)
    const code = await this.exited
    clearTimeout(timer)
    return code
  }
}
