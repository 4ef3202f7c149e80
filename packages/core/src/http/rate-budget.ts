import { setTimeout as delay } from 'node:timers/promises'

/** Options of {@link createRateBudget}. */
export interface RateBudgetOptions {
  /**
   * Sustained requests per second the source allows for one account (its documented limit,
   * or a safe share of it).
   * @example 10
   */
  requestsPerSecond: number
  /**
   * Requests that may go out back to back before the pace applies (a token bucket's size).
   * In any window of `w` seconds at most `burst + w × requestsPerSecond` requests start.
   * @default 1
   */
  burst?: number
  /**
   * Shares the budget process-wide: every call with the same key (and the same rate and
   * burst) returns the same budget, so all clients and connector instances that talk to one
   * account from this process (concurrent tables, partitions, Spark bridge sessions) draw
   * from it. Use the source and the account, never a secret.
   * @example `connector-acme ${options.base_url} ${options.username}`
   */
  key?: string
}

/**
 * A request budget shared by every client it is given to: a token bucket (GCRA) that starts
 * requests in the order they asked, at most `requestsPerSecond` on average and `burst` at
 * once. Pass the same budget to each client that calls the same source account
 * (`createHttpClient({ rateLimit: { budget } })`); every attempt, retries included, draws
 * from it. Waiting is done in the caller; nothing runs in the background.
 */
export interface RateBudget {
  /** The sustained rate, requests per second. */
  readonly requestsPerSecond: number
  /** Requests allowed back to back. */
  readonly burst: number
  /**
   * Reserves the next start slot and waits for it. Resolves with the time waited in ms.
   * Rejects with the signal's reason when aborted while waiting (the slot stays spent, so
   * the rate is never exceeded).
   */
  acquire(signal?: AbortSignal): Promise<number>
}

// One registry per process, shared by every copy of core (connectors may carry their own).
const REGISTRY_KEY = Symbol.for('lakeflow.http.rateBudgets')

function registry(): Map<string, RateBudget> {
  const holder = globalThis as unknown as Record<symbol, Map<string, RateBudget> | undefined>
  let existing = holder[REGISTRY_KEY]
  if (!existing) {
    existing = new Map()
    holder[REGISTRY_KEY] = existing
  }
  return existing
}

/**
 * Creates a request budget, or with `key` returns the process-wide one for that key.
 * Throws `RangeError` for a rate that is not a positive number or a burst below 1.
 * @example
 * const budget = createRateBudget({ requestsPerSecond: 10, burst: 5, key: `connector-acme ${options.base_url}` })
 * const client = createHttpClient({ baseUrl: options.base_url, rateLimit: { budget } })
 */
export function createRateBudget(options: RateBudgetOptions): RateBudget {
  const { requestsPerSecond } = options
  const burst = options.burst ?? 1
  if (!Number.isFinite(requestsPerSecond) || requestsPerSecond <= 0) {
    throw new RangeError(`requestsPerSecond must be a positive number, got ${String(requestsPerSecond)}`)
  }
  if (!Number.isInteger(burst) || burst < 1) {
    throw new RangeError(`burst must be an integer >= 1, got ${String(burst)}`)
  }
  if (options.key === undefined) return tokenBucket(requestsPerSecond, burst)
  const shared = `${options.key}\u0000${requestsPerSecond}\u0000${burst}`
  const budgets = registry()
  let budget = budgets.get(shared)
  if (!budget) {
    budget = tokenBucket(requestsPerSecond, burst)
    budgets.set(shared, budget)
  }
  return budget
}

function tokenBucket(requestsPerSecond: number, burst: number): RateBudget {
  const interval = 1000 / requestsPerSecond
  const tolerance = (burst - 1) * interval
  // The theoretical arrival time of the next request (GCRA), on the monotonic clock.
  let theoretical = 0
  return {
    requestsPerSecond,
    burst,
    async acquire(signal) {
      signal?.throwIfAborted()
      const now = performance.now()
      const start = Math.max(now, theoretical - tolerance)
      theoretical = Math.max(theoretical, now) + interval
      const wait = start - now
      if (wait <= 0) return 0
      try {
        await delay(wait, undefined, signal ? { signal } : undefined)
      } catch (error) {
        if (signal?.aborted) throw signal.reason
        throw error
      }
      return wait
    },
  }
}
