import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { ensurePythonEnv, PACKAGE_ROOT } from '../../scripts/python-env.ts'

/** The bridge command the Python data source runs in tests: the TypeScript sources on Node 24. */
export function bridgeCommand(connectorModule: string): string[] {
  return [
    process.execPath,
    '--conditions=@lakeflow/source',
    '--disable-warning=ExperimentalWarning',
    join(PACKAGE_ROOT, 'src', 'bin', 'lakeflow-bridge.ts'),
    '--connector',
    connectorModule,
  ]
}

/** The shop test connector module. */
export const SHOP_CONNECTOR = join(PACKAGE_ROOT, 'test', 'fixtures', 'shop-connector.ts')

interface Answer {
  id: number
  ok: boolean
  result?: unknown
  error?: { type: string; message: string; trace: string }
}

/** A failed harness command: the Python exception type and message. */
export class SparkCommandError extends Error {
  readonly type: string
  readonly trace: string
  constructor(error: NonNullable<Answer['error']>) {
    super(`${error.type}: ${error.message}`)
    this.type = error.type
    this.trace = error.trace
  }
}

/**
 * One PySpark driver process (test/python/harness.py) with one local[2] SparkSession, for a
 * whole test file. Commands are answered in order; stderr (Spark and Python logs) is kept.
 */
export class SparkDriver {
  private readonly child: ChildProcess
  private readonly waiting = new Map<number, { resolve: (answer: Answer) => void }>()
  private nextId = 1
  private stderrText = ''
  private exited: Promise<number | null>

  private constructor(child: ChildProcess) {
    this.child = child
    child.stderr!.setEncoding('utf8')
    child.stderr!.on('data', (chunk: string) => {
      this.stderrText += chunk
      if (this.stderrText.length > 2_000_000) this.stderrText = this.stderrText.slice(-1_000_000)
    })
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const answer = JSON.parse(line) as Answer
      this.waiting.get(answer.id)?.resolve(answer)
      this.waiting.delete(answer.id)
    })
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)))
  }

  /**
   * Starts the driver (creating the venv on first use) and waits for its SparkSession.
   * `extraEnv` is added to its environment (Spark's Python workers inherit it), e.g. a
   * `PYTHONPATH` holding a wheel installed with `pip install --target`, or
   * `LAKEFLOW_SPARK_JARS` (comma-separated jars for `spark.jars`, such as Spark's Kafka source).
   */
  static async start(extraEnv: NodeJS.ProcessEnv = {}): Promise<SparkDriver> {
    const { python, env } = ensurePythonEnv()
    const child = spawn(python, [join(PACKAGE_ROOT, 'test', 'python', 'harness.py')], {
      env: { ...env, ...extraEnv },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    const driver = new SparkDriver(child)
    const ready = new Promise<Answer>((resolve) => driver.waiting.set(0, { resolve }))
    const outcome = await Promise.race([ready, driver.exited.then((code) => ({ id: -1, ok: false, code }))])
    if (!outcome.ok) throw new Error(`The PySpark harness exited before it was ready:\n${driver.stderr().slice(-4000)}`)
    return driver
  }

  /** Runs a harness operation; rejects with {@link SparkCommandError} when it raised. */
  async call<T>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++
    const answer = new Promise<Answer>((resolve) => this.waiting.set(id, { resolve }))
    this.child.stdin!.write(`${JSON.stringify({ id, op, args })}\n`)
    const result = await Promise.race([
      answer,
      this.exited.then((code): Answer => {
        throw new Error(`The PySpark harness exited (code ${code}) during ${op}:\n${this.stderr().slice(-4000)}`)
      }),
    ])
    if (!result.ok) throw new SparkCommandError(result.error!)
    return result.result as T
  }

  /** Everything the driver wrote to stderr so far. */
  stderr(): string {
    return this.stderrText
  }

  /** Closes the session: stdin EOF, then SIGTERM and SIGKILL by pid if it lingers. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return
    this.child.stdin!.end()
    const timeout = (ms: number) => new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms))
    if ((await Promise.race([this.exited, timeout(20_000)])) === 'timeout' && this.child.pid) {
      process.kill(this.child.pid, 'SIGTERM')
      if ((await Promise.race([this.exited, timeout(5_000)])) === 'timeout') process.kill(this.child.pid, 'SIGKILL')
    }
  }
}
