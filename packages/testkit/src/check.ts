import { excerpt } from '@lakeflow/core/errors'
import type { Check } from './types.ts'

const CHECK_FAILURE = Symbol.for('lakeflow.testkit.CheckFailure')
const CHECK_SKIP = Symbol.for('lakeflow.testkit.CheckSkip')

/** One thing a check found wrong: what, what was expected, what arrived, how to fix it. */
export interface Finding {
  /** The table (or `connector`) it concerns. */
  where: string
  /** What is wrong, in one sentence. */
  problem: string
  /** What the contract asks for. */
  expected: string
  /** What the connector did instead (redacted, shortened). */
  received: string
  /** How to fix the connector (or the test configuration). */
  fix: string
}

/** A check failed. The message lists every finding. */
export class CheckFailure extends Error {
  readonly [CHECK_FAILURE] = true
  readonly checkId: string
  readonly findings: readonly Finding[]

  constructor(checkId: string, findings: readonly Finding[], seed?: number) {
    const lines = findings.map(
      (finding) =>
        `- ${oneLine(finding.where)}: ${oneLine(finding.problem)}\n    expected: ${oneLine(finding.expected)}\n    received: ${oneLine(finding.received)}\n    fix: ${oneLine(finding.fix)}`,
    )
    const seedNote = seed === undefined ? '' : `\n(seed ${seed}; rerun with LAKEFLOW_TEST_SEED=${seed} to reproduce)`
    super(`Check "${checkId}" failed:\n${lines.join('\n')}${seedNote}`)
    this.name = 'CheckFailure'
    this.checkId = checkId
    this.findings = findings
  }

  static isInstance(value: unknown): value is CheckFailure {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[CHECK_FAILURE] === true
  }
}

/** Keeps each part of a finding on its line: a multi-line excerpt (logged output, say) is joined with ⏎. */
function oneLine(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, ' ⏎ ')
}

/** Thrown by `context.skip(reason)`. */
export class CheckSkip extends Error {
  readonly [CHECK_SKIP] = true
  readonly reason: string
  constructor(reason: string) {
    super(reason)
    this.name = 'CheckSkip'
    this.reason = reason
  }

  static isInstance(value: unknown): value is CheckSkip {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[CHECK_SKIP] === true
  }
}

/**
 * Collects findings across tables (a check reports every broken table, not only the
 * first) and throws them together.
 */
export class Findings {
  readonly #items: Finding[] = []
  readonly checkId: string
  readonly seed: number | undefined
  constructor(checkId: string, seed?: number) {
    this.checkId = checkId
    this.seed = seed
  }

  add(finding: Finding): void {
    this.#items.push(finding)
  }

  get count(): number {
    return this.#items.length
  }

  /** Runs `body` for one table; an unexpected error becomes a finding instead of ending the check. */
  async guard(where: string, body: () => Promise<void>, fix = 'see the error above'): Promise<void> {
    try {
      await body()
    } catch (error) {
      if (CheckSkip.isInstance(error)) throw error
      if (CheckFailure.isInstance(error)) {
        for (const finding of error.findings) this.add(finding)
        return
      }
      this.add({ where, problem: 'the connector threw', expected: 'no error', received: describeError(error), fix })
    }
  }

  throwIfAny(): void {
    if (this.#items.length > 0) throw new CheckFailure(this.checkId, this.#items, this.seed)
  }
}

/** Throws a single finding at once. */
export function fail(checkId: string, finding: Finding, seed?: number): never {
  throw new CheckFailure(checkId, [finding], seed)
}

/** Declares a check; a typed identity, so suites read as lists of values. */
export function defineCheck(check: Check): Check {
  return check
}

/** A short, redacted text form of a value for messages. */
export function show(value: unknown, max = 240): string {
  return excerpt(value, max)
}

/** An error as one line: its name, category when it has one, and message. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const category = (error as { category?: unknown }).category
    const first = error.message.split('\n')[0] ?? ''
    return `${error.name}${typeof category === 'string' ? ` [${category}]` : ''}: ${first.slice(0, 400)}`
  }
  return `a thrown non-error value ${show(error)}`
}
