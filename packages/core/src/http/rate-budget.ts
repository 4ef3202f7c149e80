import { processWide } from '../errors/process-wide.ts'

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
 * A request budget shared by every client it is given to: a token bucket that lets
 * requests through in the order they asked, at most `requestsPerSecond` on average and
 * `burst` at once. Pass the same budget to each client that calls the same source account
 * (`createHttpClient({ rateLimit: { budget } })`); every attempt, retries included, draws
 * from it. Waiting is done in the caller; nothing runs in the background.
 */
export interface RateBudget {
  /** The sustained rate, requests per second. */
  readonly requestsPerSecond: number
  /** Requests allowed back to back. */
  readonly burst: number
  /**
   * Waits for a token, in turn, and takes it. Resolves with the time waited in ms. Rejects
   * with the signal's reason when aborted while waiting (no token is taken).
   */
  acquire(signal?: AbortSignal): Promise<number>
}

// One registry per process, shared by every copy of core (connectors may carry their own).
function registry(): Map<string, RateBudget> {
  return processWide('lakeflow.http.rateBudgets', () => new Map<string, RateBudget>())
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

interface Waiter {
  readonly since: number
  resolve(waitedMs: number): void
  leave(): void
}

/**
 * A token bucket decided at the moment each request is let through (never ahead of time),
 * so a stalled event loop cannot release a backlog faster than the bucket allows: after a
 * stall at most `burst` requests go at once. Waiters are served first come, first served.
 * `now` is the monotonic clock it measures with (tests pass their own).
 */
export function tokenBucket(
  requestsPerSecond: number,
  burst: number,
  now: () => number = () => performance.now(),
): RateBudget {
  const interval = 1000 / requestsPerSecond
  let tokens = burst
  let updated = now()
  const queue: Waiter[] = []
  let timer: NodeJS.Timeout | undefined

  const refill = (at: number) => {
    tokens = Math.min(burst, tokens + (at - updated) / interval)
    updated = at
  }

  const pump = () => {
    timer = undefined
    const at = now()
    refill(at)
    while (queue.length > 0 && tokens >= 1) {
      tokens -= 1
      const waiter = queue.shift()!
      waiter.leave()
      waiter.resolve(at - waiter.since)
    }
    // A timer may fire a little early; the next pump simply waits the rest.
    if (queue.length > 0) timer = setTimeout(pump, Math.max(1, Math.ceil((1 - tokens) * interval)))
  }

  return {
    requestsPerSecond,
    burst,
    acquire(signal) {
      if (signal?.aborted) return Promise.reject(signal.reason)
      if (queue.length === 0) {
        refill(now())
        if (tokens >= 1) {
          tokens -= 1
          return Promise.resolve(0)
        }
      }
      return new Promise<number>((resolve, reject) => {
        const onAbort = () => {
          const index = queue.indexOf(waiter)
          if (index >= 0) queue.splice(index, 1)
          if (queue.length === 0 && timer !== undefined) {
            clearTimeout(timer)
            timer = undefined
          }
          reject(signal!.reason)
        }
        const waiter: Waiter = {
          since: now(),
          resolve,
          leave: () => signal?.removeEventListener('abort', onAbort),
        }
        signal?.addEventListener('abort', onAbort, { once: true })
        queue.push(waiter)
        if (timer === undefined) pump()
      })
    },
  }
}
