import { seededRandom } from '@lakeflow/core/internal'
import type { Fault, FaultRule } from './types.ts'

interface ActiveRule {
  rule: FaultRule
  remaining: number | undefined
  pattern: RegExp | undefined
}

/**
 * The fault rules in force. The first rule (in the order added) that matches a request,
 * applies to this stage and wins its draw is used; `times` counts down only when a fault is
 * actually applied. Probabilistic rules draw from one RNG seeded with the simulator's seed,
 * so the same request sequence meets the same faults.
 */
export class FaultBook {
  #rules: ActiveRule[] = []
  #random: () => number
  readonly #seed: number

  constructor(seed: number) {
    this.#seed = seed
    this.#random = seededRandom(seed)
  }

  add(rules: FaultRule[]): () => void {
    const added = rules.map((rule) => ({
      rule,
      remaining: rule.times,
      pattern:
        rule.match?.path === undefined
          ? undefined
          : new RegExp(
              rule.match.path instanceof RegExp ? rule.match.path.source : rule.match.path,
              rule.match.path instanceof RegExp ? rule.match.path.flags.replace(/[gy]/g, '') : '',
            ),
    }))
    this.#rules.push(...added)
    return () => {
      this.#rules = this.#rules.filter((active) => !added.includes(active))
    }
  }

  clear(): void {
    this.#rules = []
  }

  /** Restores the initial state: no rules, RNG re-seeded. */
  reset(): void {
    this.clear()
    this.#random = seededRandom(this.#seed)
  }

  /** Picks the fault for a request at one stage (`applies` filters by kind), consuming it. */
  take(method: string, path: string, applies: (fault: Fault) => boolean): Fault | undefined {
    for (const active of this.#rules) {
      const { rule } = active
      if (!applies(rule.fault)) continue
      if (active.remaining !== undefined && active.remaining <= 0) continue
      if (rule.match?.method && rule.match.method.toUpperCase() !== method) continue
      if (active.pattern && !active.pattern.test(path)) continue
      if (rule.probability !== undefined && this.#random() >= rule.probability) continue
      if (active.remaining !== undefined) active.remaining--
      return rule.fault
    }
    return undefined
  }
}
