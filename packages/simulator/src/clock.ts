import { SimulatorError } from './errors.ts'
import type { SimulatorClock } from './types.ts'

/** Formats an instant as ISO with `Z`, without milliseconds when they are zero. */
function isoOf(ms: number): string {
  const text = new Date(ms).toISOString()
  return text.endsWith('.000Z') ? `${text.slice(0, -5)}Z` : text
}

function parseInstant(iso: string, what: string): number {
  const ms = Date.parse(iso)
  if (typeof iso !== 'string' || Number.isNaN(ms))
    throw new SimulatorError(
      `${what}: expected an ISO-8601 timestamp such as 2024-06-01T00:00:00Z, got ${JSON.stringify(iso)}`,
    )
  return ms
}

/** The simulated clock. It never moves by itself: tests set or advance it. */
export class Clock implements SimulatorClock {
  ms: number

  constructor(initial: string) {
    this.ms = parseInstant(initial, 'clock')
  }

  now(): string {
    return isoOf(this.ms)
  }

  set(iso: string): void {
    this.ms = parseInstant(iso, 'clock.set')
  }

  advance(seconds: number): void {
    if (!Number.isFinite(seconds))
      throw new SimulatorError(`clock.advance: expected a number of seconds, got ${seconds}`)
    this.ms += Math.round(seconds * 1000)
  }
}
